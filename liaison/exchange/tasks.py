"""Background tasks of imports and exports: thin wrappers, the work is in services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def exchange_import_check(job_id: int) -> None:
    """Read and validate an uploaded workbook (the dry run)."""
    services.run_job(job_id)


@task()
def exchange_import_commit(job_id: int) -> None:
    """Validate the checked workbook again and write it, all or nothing."""
    services.run_job(job_id)


@task()
def exchange_export(job_id: int) -> None:
    """Write the full-data export of the job owner's jurisdiction."""
    services.run_job(job_id)
