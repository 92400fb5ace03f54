"""Background tasks without domain nouns: housekeeping run by the periodic command."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django_tasks import task

from liaison.core.clock import now
from liaison.core.jobs import jobs_tidy
from liaison.core.ratelimit import tidy as ratelimit_tidy


@task()
def housekeeping() -> dict[str, int]:
    """Delete expired sessions, API tokens expired for a day, old jobs with their files, and
    finished rate-limit windows."""
    from datetime import timedelta

    from django.apps import apps

    sessions, _ = Session.objects.filter(expire_date__lt=now()).delete()
    ApiToken = apps.get_model("accounts", "ApiToken")
    cutoff = now() - timedelta(days=1)
    tokens, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    jobs = jobs_tidy(keep_for=settings.JOB_RETENTION, stuck_after=settings.JOB_STUCK_AFTER)
    buckets = ratelimit_tidy()
    return {"sessions": sessions, "tokens": tokens, "rate_buckets": buckets, **jobs}


@task()
def deliver_notifications() -> dict[str, int]:
    """Send the due notifications of the outbox (at least once, deduplicated, with back-off)."""
    from liaison.core.notify import deliver_all

    return deliver_all()
