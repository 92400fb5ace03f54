"""Periodic check-in work, run by the worker when `manage.py periodic` enqueues it."""

from __future__ import annotations

from django_tasks import task

from .services_checkin import mark_missed_duties


@task()
def receptions_mark_missed_duties() -> int:
    """Mark rostered duties of ended sessions as missed."""
    return mark_missed_duties()


@task()
def receptions_register_export(job_id: int) -> None:
    """Write a reception register workbook for its job."""
    from .registers import run_register_export

    run_register_export(job_id)
