"""The reception register (接待选民登记簿) of a station or a deputy over a period.

Built from the walk-in rows, never typed twice. Visitors' names and phones are masked on the
screen and in the workbook (GB/T 35273); the workbook writes every cell as text (SECURITY.md S7)
and its export and download are audited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.core.audit import audit, register_action_labels
from liaison.core.errors import IllegalState, InvalidInput, NotFound
from liaison.core.jobs import Progress, job_create, job_file, new_file_name
from liaison.core.jurisdiction import get_visible
from liaison.core.models import Job, JobStatus
from liaison.core.personal_data import mask_name, mask_phone
from liaison.deputies.models import Deputy
from liaison.stations.models import Station

from .models import WalkIn

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "register.export_started": gettext_lazy("导出接待选民登记簿"),
    "register.export_downloaded": gettext_lazy("下载接待选民登记簿"),
}
register_action_labels(ACTION_LABELS)

EXPORT = "receptions.register_export"
MAX_DAYS = 366
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
COLUMNS = ("日期", "来访群众", "联系电话", "反映事项", "现场处理情况", "接待代表", "诉求编号")


@dataclass(frozen=True)
class RegisterScope:
    """Whose register over which period: exactly one of station or deputy."""

    station: Station | None
    deputy: Deputy | None
    start: dt.date
    end: dt.date

    @property
    def title(self) -> str:
        who = self.station.name if self.station else f"{self.deputy.name}{_('代表')}" if self.deputy else ""
        return _("%(who)s接待选民登记簿（%(start)s 至 %(end)s）") % {
            "who": who,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    def as_params(self) -> dict[str, Any]:
        return {
            "station": self.station.pk if self.station else None,
            "deputy": self.deputy.pk if self.deputy else None,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
        }


@dataclass(frozen=True)
class RegisterRow:
    """One visitor as the register shows him: masked, in plain strings."""

    date: str
    visitor: str
    phone: str
    matter: str
    action_taken: str
    deputies: str
    case_number: str

    def cells(self) -> list[str]:
        return [self.date, self.visitor, self.phone, self.matter, self.action_taken, self.deputies, self.case_number]


def _without_deputy_reach(actor: Actor) -> Actor:
    # A deputy sees only his own register, not that of every station he serves at.
    return dataclasses.replace(actor, deputy_ids=frozenset())


def register_stations(actor: Actor) -> QuerySet[Station]:
    """Stations whose register the actor may read: staff and offices in reach (and sponsors)."""
    return Station.objects.visible_to(_without_deputy_reach(actor)).order_by("name", "id")


def register_deputies(actor: Actor) -> QuerySet[Deputy]:
    """Deputies whose register the actor may read: those in reach, and a deputy himself."""
    return Deputy.objects.visible_to(actor).order_by("name_pinyin", "id")


def register_scope(
    *, actor: Actor, station_id: Any = None, deputy_id: Any = None, start: dt.date, end: dt.date
) -> RegisterScope:
    """Check the request (404 out of reach, 422 for a bad period) and name the scope."""
    errors: dict[str, list[str]] = {}
    if end < start:
        errors["to"] = [_("结束日期不能早于开始日期。")]
    elif (end - start).days >= MAX_DAYS:
        errors["to"] = [_("一次最多查询 %(n)d 天。") % {"n": MAX_DAYS}]
    if bool(station_id) == bool(deputy_id):
        errors["station"] = [_("请选择一个站点或一位代表（二选一）。")]
    if errors:
        raise InvalidInput(fields=errors)
    if station_id:
        return RegisterScope(
            station=get_visible(register_stations(actor), station_id), deputy=None, start=start, end=end
        )
    return RegisterScope(station=None, deputy=get_visible(register_deputies(actor), deputy_id), start=start, end=end)


def register_walk_ins(*, actor: Actor, scope: RegisterScope) -> QuerySet[WalkIn]:
    """The walk-ins of the scope, in order; a deputy's register keeps to stations in the
    actor's reach unless the actor is that deputy."""
    qs = WalkIn.objects.filter(session__date__gte=scope.start, session__date__lte=scope.end)
    if scope.station is not None:
        qs = qs.filter(session__station=scope.station)
    elif scope.deputy is not None:
        qs = qs.filter(deputies=scope.deputy)
        if scope.deputy.pk not in actor.deputy_ids:
            qs = qs.filter(session__station__in=register_stations(actor))
    return (
        qs.select_related("session")
        .prefetch_related(
            Prefetch("deputies", queryset=Deputy.objects.order_by("name_pinyin", "id").only("id", "name"))
        )
        .order_by("session__date", "created_at", "id")
    )


def register_row(walk_in: WalkIn) -> RegisterRow:
    return RegisterRow(
        date=walk_in.session.date.isoformat(),
        visitor=mask_name(walk_in.name) or _("未留姓名"),
        phone=mask_phone(walk_in.phone),
        matter=walk_in.matter,
        action_taken=walk_in.action_taken,
        deputies="、".join(d.name for d in walk_in.deputies.all()),
        case_number=str(walk_in.case_id) if walk_in.case_id else "",
    )


def register_rows(*, actor: Actor, scope: RegisterScope) -> list[RegisterRow]:
    return [register_row(w) for w in register_walk_ins(actor=actor, scope=scope)]


# ---- the workbook, through a background job ----------------------------------------------------


def register_export_start(*, actor: Actor, scope: RegisterScope) -> Job:
    """Queue the register's workbook; the request is audited (with its scope, never its rows)."""
    with transaction.atomic():
        job = job_create(kind=EXPORT, owner=actor.user, input_label=scope.title)
        job.report = {"params": scope.as_params()}
        job.save(update_fields=["report"])
        audit(actor=actor.user, action="register.export_started", target=job, changes=scope.as_params())
    from .checkin_tasks import receptions_register_export

    receptions_register_export.enqueue(job.pk)
    return job


def write_workbook(rows: list[RegisterRow], path: Path, *, title: str) -> None:
    """An A4-landscape workbook of the register; every cell a string."""
    with translation.override(settings.LANGUAGE_CODE):
        workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
        try:
            ws = workbook.add_worksheet(_("接待选民登记簿"))
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(1)
            bold = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
            cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
            ws.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
            for col, (header, width) in enumerate(zip(COLUMNS, (12, 10, 14, 40, 36, 16, 10), strict=True)):
                ws.write_string(1, col, header, bold)
                ws.set_column(col, col, width)
            for r, row in enumerate(rows, start=2):
                for col, value in enumerate(row.cells()):
                    ws.write_string(r, col, value, cell)
        finally:
            workbook.close()


def run_register_export(job_id: int) -> None:
    """Run a queued register export with its owner's current reach; failures mark it failed."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.status != JobStatus.QUEUED or job.kind != EXPORT:
        return
    progress = Progress(job)
    progress.start()
    try:
        actor = jurisdiction_for(job.owner)
        params = job.report.get("params", {})
        scope = register_scope(
            actor=actor,
            station_id=params.get("station"),
            deputy_id=params.get("deputy"),
            start=dt.date.fromisoformat(params["from"]),
            end=dt.date.fromisoformat(params["to"]),
        )
        rows = register_rows(actor=actor, scope=scope)
        progress.set_total(len(rows) or 1)
        name = new_file_name(".xlsx")
        write_workbook(rows, job_file(name), title=scope.title)
        progress.advance(len(rows))
        progress.succeed(
            report={"params": params, "rows": len(rows)},
            result_name=name,
            message=_("导出完成，共 %(n)d 条登记。") % {"n": len(rows)},
        )
    except NotFound:
        progress.fail(message=_("您已不能查看该登记簿，没有导出。"))
    except Exception:
        logger.exception("register export %s failed", job_id)
        progress.fail(message=_("导出时出现意外错误，请稍后重试或联系管理员。"))


def register_job_get(*, actor: Actor, job_id: Any) -> Job:
    """The actor's own register export (404 for anybody else's job)."""
    return get_visible(Job.objects.visible_to(actor).filter(kind=EXPORT), job_id)


def register_export_file(*, actor: Actor, job: Job) -> Path:
    """The finished workbook of the actor's own job; each download is audited."""
    if job.kind != EXPORT or job.owner_id != getattr(actor.user, "pk", None):
        raise NotFound()
    if job.status != JobStatus.SUCCEEDED or not job.result_name:
        raise IllegalState(_("导出尚未完成。"))
    path = job_file(job.result_name)
    if not path.exists():
        raise NotFound()
    audit(actor=actor.user, action="register.export_downloaded", target=job, changes={"file": job.result_name})
    return path
