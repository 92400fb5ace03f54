"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from .jurisdiction import jurisdiction_for
from .permissions import can_manage_users


def staff_navigation(request: HttpRequest) -> dict[str, bool]:
    """`show_staff_nav`: whether the header links to the back office (staff actors only);
    `show_admin_nav`: whether it links to accounts and the audit log (office and system admins);
    `show_requests_nav`: whether it links to leave and swap requests (those who decide them);
    `show_deputy_nav`: whether it links to the deputy's own duties and messages."""
    user = getattr(request, "user", None)
    actor = jurisdiction_for(user)
    return {
        "show_staff_nav": actor.is_staff_member,
        "show_admin_nav": can_manage_users(actor),
        "show_requests_nav": bool(actor.is_system_admin or actor.office_paths or actor.staff_station_ids),
        "show_deputy_nav": bool(actor.deputy_ids),
    }
