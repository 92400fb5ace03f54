"""The working-day calendar offices keep: make-up working days (调休上班), extra days off, and the
years whose official schedule is entered. The calendar is national, so only system admins and
provincial offices change it; every change is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.accounts.jurisdiction import Actor
from liaison.core.audit import audit, register_action_labels
from liaison.core.errors import Forbidden, InvalidInput
from liaison.core.text import clean_line
from liaison.organization.models import PATH_SEGMENT

from .models import AnnouncedYear, WorkdayOverride

register_action_labels(
    {
        "workday.set": _("设置调休安排"),
        "workday.removed": _("删除调休安排"),
        "workday.year_announced": _("标记放假安排已公布"),
    }
)


def can_edit_calendar(actor: Actor) -> bool:
    """System admins, and office admins of a whole province (a path of one segment)."""
    return actor.is_system_admin or any(len(path) == PATH_SEGMENT for path in actor.office_paths)


def _require(actor: Actor) -> None:
    if not can_edit_calendar(actor):
        raise Forbidden(_("节假日与调休安排全国通用，只有系统管理员和省级人大工作机构可以修改。"))


@transaction.atomic
def workday_override_set(*, actor: Actor, day: dt.date, is_workday: bool, note: str = "") -> WorkdayOverride:
    """Say that `day` is a working day (调休上班) or a day off, whatever the holiday calendar says."""
    _require(actor)
    try:
        note = clean_line(note)
    except ValueError as exc:
        raise InvalidInput(fields={"note": [str(exc)]}) from None
    if len(note) > 100:
        raise InvalidInput(fields={"note": [_("说明最多 100 个字。")]})
    row, created = WorkdayOverride.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "note": note})
    audit(
        actor=actor.user,
        action="workday.set",
        target=row,
        changes={"date": day.isoformat(), "is_workday": is_workday, "note": note, "created": created},
    )
    return row


@transaction.atomic
def workday_override_remove(*, actor: Actor, override: WorkdayOverride) -> None:
    _require(actor)
    audit(actor=actor.user, action="workday.removed", target=override, changes={"date": override.date.isoformat()})
    override.delete()


@transaction.atomic
def announced_year_set(*, actor: Actor, year: int) -> AnnouncedYear:
    """The official schedule of `year` is published and entered: its sessions stop being provisional
    (the next generation run clears the mark)."""
    _require(actor)
    if not 2000 <= year <= 2100:
        raise InvalidInput(fields={"year": [_("年份应在 2000 到 2100 之间。")]})
    row, _created = AnnouncedYear.objects.get_or_create(year=year)
    audit(actor=actor.user, action="workday.year_announced", target=row, changes={"year": year})
    return row
