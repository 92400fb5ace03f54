"""Session policy for staff (SECURITY.md S9): idle and absolute timeouts, forced password change.

Both middlewares return at once when the request has no session cookie: public pages and the
API (bearer tokens) pay nothing for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from liaison.core.audit import audit

LAST_SEEN, STARTED = "_last_seen", "_started"
# The last-seen mark is rewritten at most this often, so a busy page costs no session write.
TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
    SESSION_COOKIE_AGE seconds after signing in, whatever the activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.idle = int(settings.SESSION_IDLE_TIMEOUT)
        self.absolute = int(settings.SESSION_COOKIE_AGE)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            session, now = request.session, int(time.time())
            last, started = session.get(LAST_SEEN), session.get(STARTED)
            if started is None:
                session[STARTED] = started = now
            if (last is not None and now - last > self.idle) or now - started > self.absolute:
                logout(request)  # flushes the session; the logout is audited like any other
            elif last is None or now - last >= TOUCH_EVERY:
                session[LAST_SEEN] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A user whose password was reset must choose a new one before doing anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, no user: skip loading one (the common case of public pages and the API).
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/api/", "/i18n/")):
                return redirect("accounts:password_change")
        return self.get_response(request)


def audit_denial(request: HttpRequest, user: object) -> None:
    """An authenticated request refused with 403 leaves an audit row (SECURITY.md S19): who
    tried what, from where. The path only, never the query string (it may carry a search)."""
    if getattr(user, "is_authenticated", False):
        audit(
            actor=user,
            action="access.denied",
            reason=f"{request.method} {request.path}"[:300],
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )


class DenialAuditMiddleware:
    """Audits every PermissionDenied of a web page; Django then renders the 403 as usual."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            audit_denial(request, getattr(request, "user", None))
