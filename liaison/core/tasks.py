"""Background tasks without domain nouns: housekeeping run by the periodic command."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django_tasks import task

from liaison.core.clock import now


@task()
def housekeeping() -> dict[str, int]:
    """Delete expired sessions and expired or revoked API tokens older than a day."""
    from datetime import timedelta

    from django.apps import apps

    sessions, _ = Session.objects.filter(expire_date__lt=now()).delete()
    ApiToken = apps.get_model("accounts", "ApiToken")
    cutoff = now() - timedelta(days=1)
    tokens, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    return {"sessions": sessions, "tokens": tokens}
