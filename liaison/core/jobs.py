"""Background jobs without domain nouns: files kept privately, progress reported sparingly.

A job's state lives in its `Job` row, so a progress page can be reloaded at any time. Its files
sit in a private directory (`settings.JOB_FILES_DIR`, by default var/jobs) that no URL serves:
downloads go through a permission-checked view.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .clock import now
from .models import Job, JobStatus

# Write progress at most every this many items or seconds: a 100,000-row import must not spend
# its time updating its own progress bar.
PROGRESS_EVERY_ITEMS = 2000
PROGRESS_EVERY_SECONDS = 1.0


def files_dir() -> Path:
    """The private directory of job files (created on first use)."""
    path = Path(getattr(settings, "JOB_FILES_DIR", Path(settings.VAR_DIR) / "jobs"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(name: str) -> Path:
    """The absolute path of a job file by its stored name (names are ours, never the user's)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError("bad job file name")
    return files_dir() / name


def new_file_name(suffix: str) -> str:
    """A fresh unguessable file name in the job directory."""
    return f"{uuid.uuid4().hex}{suffix}"


def job_create(*, kind: str, owner: Any, input_name: str = "", input_label: str = "", parent: Job | None = None) -> Job:
    """A queued job of `kind` owned by `owner`."""
    return Job.objects.create(
        kind=kind, owner=owner, input_name=input_name, input_label=input_label[:200], parent=parent
    )


class Progress:
    """Reports a running job's progress to its row, throttled (every 2,000 items or second)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.done = job.progress_done
        self.total = job.progress_total
        self._written_done = self.done
        self._written_at = time.monotonic()

    def start(self, total: int = 0) -> None:
        self.done, self.total = 0, total
        Job.objects.filter(pk=self.job.pk).update(
            status=JobStatus.RUNNING, started_at=now(), progress_done=0, progress_total=total
        )

    def set_total(self, total: int) -> None:
        self.total = total
        self._write()

    def advance(self, count: int = 1) -> None:
        self.done += count
        due = self.done - self._written_done >= max(PROGRESS_EVERY_ITEMS, self.total // 100 or 1)
        if due or time.monotonic() - self._written_at >= PROGRESS_EVERY_SECONDS:
            self._write()

    def _write(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(progress_done=self.done, progress_total=self.total)
        self._written_done = self.done
        self._written_at = time.monotonic()

    def succeed(self, *, report: dict[str, Any] | None = None, result_name: str = "", message: str = "") -> None:
        Job.objects.filter(pk=self.job.pk).update(
            status=JobStatus.SUCCEEDED,
            finished_at=now(),
            progress_done=self.total,
            report=report or {},
            result_name=result_name,
            message=message[:500],
        )

    def fail(self, *, message: str, report: dict[str, Any] | None = None) -> None:
        Job.objects.filter(pk=self.job.pk).update(
            status=JobStatus.FAILED, finished_at=now(), report=report or {}, message=message[:500]
        )


def jobs_tidy(*, keep_for: timedelta, stuck_after: timedelta) -> dict[str, int]:
    """Housekeeping: delete finished jobs older than `keep_for` with their files, and mark jobs
    "running" for longer than `stuck_after` as failed (their worker died: nothing was written,
    since an import commits in one transaction)."""
    stuck = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now() - stuck_after).update(
        status=JobStatus.FAILED,
        finished_at=now(),
        message=_("任务中断，没有写入任何数据，请重新发起。"),
    )
    old = Job.objects.filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED], finished_at__lt=now() - keep_for)
    names = {name for pair in old.values_list("input_name", "result_name") for name in pair if name}
    # A kept job may share its input file with an old one (a commit reuses its check's upload).
    names -= set(Job.objects.exclude(pk__in=old.values("pk")).values_list("input_name", flat=True))
    for name in names:
        job_file(name).unlink(missing_ok=True)
    deleted, _count = old.delete()
    return {"stuck_failed": stuck, "jobs_deleted": deleted, "files_deleted": len(names)}
