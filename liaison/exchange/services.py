"""Starting and running imports and exports of the network; every commit and export is audited.

An import is two jobs: a check (read, validate, plan: the dry run) and, once the check found no
issue and its owner confirms, a commit that validates the same file again and writes it all or
nothing. Audit: ONE row per committed import (file name, SHA-256, counts per sheet) rather
than one per row, because the rows are written set-based; and one row per export and per
download of an export.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.core.audit import audit
from liaison.core.errors import Forbidden, IllegalState, InvalidInput, NotFound
from liaison.core.jobs import Progress, job_create, job_file, new_file_name
from liaison.core.models import Job, JobStatus

from . import exporters, importers

logger = logging.getLogger(__name__)

IMPORT_CHECK = "exchange.import_check"
IMPORT_COMMIT = "exchange.import_commit"
EXPORT = "exchange.export"
KINDS = (IMPORT_CHECK, IMPORT_COMMIT, EXPORT)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def can_exchange(actor: Actor) -> bool:
    """Only office admins (and system admins) import or export the network."""
    return bool(actor.user is not None and (actor.is_system_admin or actor.office_paths))


def _require(actor: Actor) -> None:
    if not can_exchange(actor):
        raise Forbidden(_("只有人大工作机构的管理员可以导入导出。"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _store(chunks: Iterable[bytes]) -> str:
    """Save an upload in the private job directory; refuse what is too big or not an .xlsx."""
    name = new_file_name(".xlsx")
    path = job_file(name)
    size = 0
    first = b""
    with path.open("wb") as fh:
        for chunk in chunks:
            if not first:
                first = chunk[:4]
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                break
            fh.write(chunk)
    if size > MAX_UPLOAD_BYTES or not first.startswith(XLSX_MAGIC):
        path.unlink(missing_ok=True)
        reason = (
            _("文件不能超过 %(n)d MB。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}
            if size > MAX_UPLOAD_BYTES
            else _("请上传 .xlsx 格式的 Excel 文件。")
        )
        raise InvalidInput(fields={"file": [reason]})
    return name


def import_start(*, actor: Actor, chunks: Iterable[bytes], filename: str) -> Job:
    """Keep the uploaded file and queue its check (the dry run)."""
    _require(actor)
    name = _store(chunks)
    job = job_create(kind=IMPORT_CHECK, owner=actor.user, input_name=name, input_label=filename)
    _enqueue(job)
    return job


def import_commit(*, actor: Actor, job: Job) -> Job:
    """Queue the commit of a checked file: only its owner, only once, only without issues."""
    _require(actor)
    if job.kind != IMPORT_CHECK or job.owner_id != actor.user.pk:
        raise NotFound()
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.SUCCEEDED or job.report.get("issue_count"):
            raise IllegalState(_("检查未通过的文件不能导入，请修改后重新上传。"))
        if job.report.get("commit_job"):
            raise IllegalState(_("该文件已经确认导入，不能重复导入。"))
        commit = job_create(
            kind=IMPORT_COMMIT, owner=actor.user, input_name=job.input_name, input_label=job.input_label, parent=job
        )
        job.report = {**job.report, "commit_job": commit.pk}
        job.save(update_fields=["report"])
    _enqueue(commit)
    return commit


def export_start(*, actor: Actor) -> Job:
    """Queue a full-data export of what the actor administers; audited when asked for."""
    _require(actor)
    with transaction.atomic():
        job = job_create(kind=EXPORT, owner=actor.user)
        audit(
            actor=actor.user,
            action="exchange.export_started",
            target=job,
            changes={"scope": list(actor.office_paths) or ["*"]},
        )
    _enqueue(job)
    return job


def export_file(*, actor: Actor, job: Job) -> Path:
    """The finished export file of the actor's own job; each download is audited."""
    _require(actor)
    if job.kind != EXPORT or job.owner_id != actor.user.pk:
        raise NotFound()
    if job.status != JobStatus.SUCCEEDED or not job.result_name:
        raise IllegalState(_("导出尚未完成。"))
    path = job_file(job.result_name)
    if not path.exists():
        raise NotFound()
    audit(actor=actor.user, action="exchange.export_downloaded", target=job, changes={"file": job.result_name})
    return path


def _enqueue(job: Job) -> None:
    from . import tasks

    task = {IMPORT_CHECK: tasks.exchange_import_check, IMPORT_COMMIT: tasks.exchange_import_commit}.get(
        job.kind, tasks.exchange_export
    )
    task.enqueue(job.pk)


# ---- running (called by the tasks and the management commands) -------------------------------


def _summary(report: dict[str, Any]) -> str:
    parts = []
    for sheet, c in report.get("counts", {}).items():
        parts.append(
            _("%(sheet)s：新增 %(create)d，更新 %(update)d，不变 %(unchanged)d")
            % {"sheet": sheet, "create": c["create"], "update": c["update"], "unchanged": c["unchanged"]}
        )
    return "；".join(parts)


def run_job(job_id: int) -> None:
    """Run a queued job; any failure marks it failed (never stuck at "running")."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return
    progress = Progress(job)
    progress.start()
    try:
        actor = jurisdiction_for(job.owner)
        if not can_exchange(actor):
            progress.fail(message=_("只有人大工作机构的管理员可以导入导出。"))
            return
        if job.kind == EXPORT:
            _run_export(job, actor, progress)
        else:
            _run_import(job, actor, progress, commit=job.kind == IMPORT_COMMIT)
    except Exception:
        logger.exception("job %s failed", job_id)
        progress.fail(message=_("处理时出现意外错误，数据没有任何改动。请稍后重试或联系管理员。"))


def _run_import(job: Job, actor: Actor, progress: Progress, *, commit: bool) -> None:
    path = job_file(job.input_name)
    rows = importers.count_rows(path)
    # Reading counts for the first half of the bar, checking for the second.
    progress.set_total(rows * 2 or 1)
    plan = importers.plan_import(actor=actor, path=path, progress=progress.advance)
    progress.advance(rows)
    report = plan.report()
    if not plan.ok:
        message = _("发现 %(n)d 处问题，没有导入任何数据。") % {"n": len(plan.issues)}
        if commit:
            progress.fail(message=message, report=report)
        else:
            progress.succeed(report=report, message=message)
        return
    if not commit:
        progress.succeed(report=report, message=_("检查通过，可以确认导入。") + _summary(report))
        return
    sha256 = file_sha256(path)
    with transaction.atomic():
        importers.commit_plan(plan)
        audit(
            actor=actor.user,
            action="exchange.imported",
            target=job,
            changes={"file": job.input_label, "sha256": sha256, "counts": report["counts"]},
        )
    progress.succeed(report=report, message=_("导入完成。") + _summary(report))


def _run_export(job: Job, actor: Actor, progress: Progress) -> None:
    progress.set_total(exporters.count_rows(actor) or 1)
    name = new_file_name(".xlsx")
    counts = exporters.write_workbook(actor, job_file(name), progress.advance)
    progress.succeed(report={"counts": counts}, result_name=name, message=_("导出完成。"))


def import_file(*, actor: Actor, path: Path, commit: bool) -> importers.Plan:
    """Check (and with `commit`, write) a file at once: the management command's path."""
    _require(actor)
    plan = importers.plan_import(actor=actor, path=path)
    if commit and plan.ok:
        with transaction.atomic():
            importers.commit_plan(plan)
            audit(
                actor=actor.user,
                action="exchange.imported",
                changes={"file": path.name, "sha256": file_sha256(path), "counts": plan.report()["counts"]},
            )
    return plan


def export_to(*, actor: Actor, path: Path) -> dict[str, int]:
    """Write an export at once (the management command's path); audited."""
    _require(actor)
    audit(actor=actor.user, action="exchange.export_started", changes={"scope": list(actor.office_paths) or ["*"]})
    return exporters.write_workbook(actor, path)
