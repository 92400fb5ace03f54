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
    """Anonymise old closed cases (S25), forget stale idempotency answers and recovery codes, and
    remove attachment files a rolled-back transaction left behind."""
    from .attachments import tidy_orphan_files

    counts = tidy_intake()
    counts["anonymised"] = anonymise_closed_cases()
    counts["orphan_files"] = tidy_orphan_files()
    return counts


@task()
def cases_export(job_id: int) -> None:
    """Write the staff case list workbook for its job."""
    from .exports import run_case_export

    run_case_export(job_id)
