"""Background tasks of reception days: session generation (R1)."""

from __future__ import annotations

from django_tasks import task

from .models import ReceptionSchedule
from .services_schedule import HORIZON_DAYS, sessions_generate


@task()
def extend_sessions() -> dict[str, int]:
    """Keep every active schedule's sessions generated twelve months ahead (idempotent)."""
    totals = {"schedules": 0, "created": 0, "pending": 0, "short": 0}
    for schedule in ReceptionSchedule.objects.filter(is_active=True).select_related("station").order_by("pk"):
        report = sessions_generate(schedule=schedule, horizon_days=HORIZON_DAYS)
        totals["schedules"] += 1
        totals["created"] += len(report.created)
        totals["pending"] += len(report.pending)
        totals["short"] += len(report.short)
    return totals
