"""The back office's front door: only staff actors reach /manage/ pages.

Anonymous visitors are sent to the login page; signed-in users without a staff grant get 403.
Domain errors raised inside a staff view become the matching HTTP answers: NotFound is the
helpful 404 page (an object out of reach is never revealed), Forbidden is 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from liaison.core.errors import Forbidden, NotFound

from .jurisdiction import Actor, jurisdiction_for

StaffView = Callable[..., HttpResponse]


def staff_required(view: StaffView) -> Callable[..., HttpResponse]:
    """Call `view(request, actor, **kwargs)` for staff actors only."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor: Actor = jurisdiction_for(request.user)
        if not actor.is_staff_member:
            raise PermissionDenied
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapper
