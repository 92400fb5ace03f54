"""Background tasks of cases, enqueued by `manage.py periodic` (each idempotent)."""

from __future__ import annotations

from django_tasks import task

from .services import anonymise_closed_cases, close_unrated, sweep_deadlines, tidy_intake


@task()
def cases_sweep() -> dict[str, int]:
    """Deadlines and the escalation ladder, then answered cases nobody rated."""
    counts = sweep_deadlines()
    counts["closed_unrated"] = close_unrated()
    return counts


@task()
def cases_retention() -> dict[str, int]:
    """Anonymise old closed cases (S25) and forget stale idempotency answers and recovery codes."""
    counts = tidy_intake()
    counts["anonymised"] = anonymise_closed_cases()
    return counts
