"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from .jurisdiction import jurisdiction_for


def staff_navigation(request: HttpRequest) -> dict[str, bool]:
    """`show_staff_nav`: whether the header links to the back office (staff actors only)."""
    user = getattr(request, "user", None)
    return {"show_staff_nav": user is not None and jurisdiction_for(user).is_staff_member}
