"""The back office's import and export pages under /manage/exchange/: thin views over services.

Only office admins (and system admins) reach them (403 for other staff); a job is visible to
whoever started it only, anybody else gets 404.
"""

from __future__ import annotations

from io import BytesIO
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.core.errors import IllegalState, InvalidInput
from liaison.core.jurisdiction import get_visible
from liaison.core.models import Job

from . import exporters, services
from .forms import ImportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10
# The job page lists this many issues; the rest are counted (the file must be fixed anyway).
SHOWN_ISSUES = 1000


def _require(actor: Actor) -> None:
    if not services.can_exchange(actor):
        raise PermissionDenied(_("只有人大工作机构的管理员可以导入导出。"))


def _job(actor: Actor, job_id: int) -> Job:
    return get_visible(Job.objects.visible_to(actor).filter(kind__in=services.KINDS), job_id)


@require_http_methods(["GET", "POST"])
@staff_required
def exchange_home(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Upload a workbook to check it, start an export, and see one's recent jobs."""
    _require(actor)
    status = 200
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_start(actor=actor, chunks=upload.chunks(), filename=upload.name or "")
            except InvalidInput as exc:
                for text in exc.fields.get("file", [exc.message]):
                    form.add_error("file", text)
                status = 422
            else:
                return redirect("exchange:job", job_id=job.pk)
        else:
            status = 422
    jobs = list(Job.objects.visible_to(actor).filter(kind__in=services.KINDS)[:RECENT_JOBS])
    return render(request, "exchange/home.html", {"form": form, "jobs": jobs}, status=status)


@require_POST
@staff_required
def export_start(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Start a full-data export (audited) and show its progress."""
    _require(actor)
    job = services.export_start(actor=actor)
    return redirect("exchange:job", job_id=job.pk)


def _job_context(job: Job) -> dict[str, object]:
    report = job.report or {}
    issues = report.get("issues", [])
    return {
        "job": job,
        "kind": job.kind.removeprefix("exchange."),
        "counts": report.get("counts", {}),
        "issues": issues[:SHOWN_ISSUES],
        "issue_count": report.get("issue_count", len(issues)),
        "more_issues": max(len(issues) - SHOWN_ISSUES, 0) or report.get("truncated"),
        "can_commit": (
            job.kind == services.IMPORT_CHECK
            and job.status == "succeeded"
            and not report.get("issue_count")
            and not report.get("commit_job")
        ),
        "commit_job": report.get("commit_job"),
    }


@require_safe
@staff_required
def template_download(request: HttpRequest, actor: Actor) -> HttpResponse:
    """An empty workbook to fill in: the four sheets' headers, with drop-downs for choices."""
    _require(actor)
    buffer = BytesIO()
    exporters.write_template(buffer)
    buffer.seek(0)
    response = FileResponse(buffer, as_attachment=True, filename="liaison-import-template.xlsx", content_type=XLSX)
    return cast(HttpResponse, response)


@require_safe
@staff_required
def job_detail(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """A job's progress (polled, so a reload shows where it stands) and, once done, its report."""
    _require(actor)
    job = _job(actor, job_id)
    return render(request, "exchange/job.html", _job_context(job))


@require_safe
@staff_required
def job_progress(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The progress bar alone, for htmx polling; a finished job reloads the whole page."""
    _require(actor)
    job = _job(actor, job_id)
    response = render(request, "exchange/_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_required
def job_commit(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """确认导入: write a checked file, all or nothing."""
    _require(actor)
    job = _job(actor, job_id)
    try:
        commit = services.import_commit(actor=actor, job=job)
    except IllegalState as exc:
        messages.error(request, exc.message)
        return redirect("exchange:job", job_id=job.pk)
    return redirect("exchange:job", job_id=commit.pk)


@require_safe
@staff_required
def job_download(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The finished export file (audited), never a public URL."""
    _require(actor)
    job = _job(actor, job_id)
    try:
        path = services.export_file(actor=actor, job=job)
    except IllegalState as exc:
        messages.error(request, exc.message)
        return redirect("exchange:job", job_id=job.pk)
    stamp = timezone.localtime(job.finished_at or timezone.now()).strftime("%Y%m%d-%H%M")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"liaison-export-{stamp}.xlsx",
        content_type=XLSX,
    )
    return cast(HttpResponse, response)
