"""Logins, logouts and failed logins go to the audit log (SECURITY.md S19); never the password."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from liaison.core.audit import audit

from .middleware import LAST_SEEN, STARTED
from .services import client_ip


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit(actor=user, action="auth.login", target=user, ip_address=client_ip(request))
    if request is not None and hasattr(request, "session"):
        # Start the timeout clocks with the login's own session write, not the next request's.
        request.session[STARTED] = request.session[LAST_SEEN] = int(time.time())


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit(actor=user, action="auth.logout", target=user, ip_address=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit(actor=None, action="auth.login_failed", reason=username, ip_address=client_ip(request))
