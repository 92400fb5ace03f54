"""Recurrence rules of reception schedules: the presets, validation of a custom RRULE, and the
expansion of a schedule into dated occurrences with the holiday policy applied.

A schedule keeps the RRULE body only (RFC 5545, without DTSTART); its `starts_on` is DTSTART
and its `ends_on` an extra bound. Pure functions over a `WorkCalendar`: no query of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.rrule import rrule, rrulestr  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput

from .choices import HolidayPolicy, SchedulePreset
from .holidays import WorkCalendar
from .models import ReceptionSchedule

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRESET_RULES = {
    SchedulePreset.SECOND_FOURTH_WEDNESDAY: "FREQ=MONTHLY;BYDAY=2WE,4WE",
    SchedulePreset.FIRST_FRIDAY: "FREQ=MONTHLY;BYDAY=1FR",
}
# A reception day is a day: rules that repeat within a day, or set the hour, are not schedules.
ALLOWED_FREQS = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}
FORBIDDEN_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART"}
MAX_LENGTH = 500


def weekly_rule(weekday: str) -> str:
    return f"FREQ=WEEKLY;BYDAY={weekday}"


def rule_for(preset: str, *, weekday: str = "", custom: str = "") -> str:
    """The RRULE body of a preset (or the validated custom rule); InvalidInput in Chinese."""
    if preset in PRESET_RULES:
        return PRESET_RULES[SchedulePreset(preset)]
    if preset == SchedulePreset.WEEKLY:
        if weekday not in WEEKDAYS:
            raise InvalidInput(fields={"weekday": [_("请选择每周的哪一天接待。")]})
        return weekly_rule(weekday)
    if preset == SchedulePreset.CUSTOM:
        return validate_rrule(custom)
    raise InvalidInput(fields={"preset": [_("请选择接待日规则。")]})


def preset_weekday(rule: str) -> str:
    """The weekday of a weekly preset's rule ("" for any other rule)."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    return parts.get("BYDAY", "") if parts.get("FREQ") == "WEEKLY" else ""


def validate_rrule(text: str) -> str:
    """A custom rule, normalised (upper case, no RRULE: prefix), or InvalidInput under `rrule`.

    COUNT and UNTIL are allowed; rules more frequent than daily, or that set hours (the time
    window does that), are not.
    """

    def bad(message: str) -> InvalidInput:
        return InvalidInput(fields={"rrule": [message]})

    body = (text or "").strip()
    if not body:
        raise bad(_("请填写重复规则，例如 FREQ=MONTHLY;BYDAY=2WE,4WE。"))
    if len(body) > MAX_LENGTH:
        raise bad(_("重复规则太长（最多 %(n)d 个字符）。") % {"n": MAX_LENGTH})
    if any(c in body for c in "\r\n\t\x00") or not body.isascii():
        raise bad(_("重复规则只能写一行，且只能使用英文字母、数字和符号。"))
    body = body.upper().removeprefix("RRULE:").strip().rstrip(";")
    parts: dict[str, str] = {}
    for part in body.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise bad(_("重复规则格式不正确：“%(part)s”应写成 名称=值。") % {"part": part})
        if name in parts:
            raise bad(_("重复规则中 %(name)s 出现了两次。") % {"name": name})
        parts[name] = value
    if "FREQ" not in parts:
        raise bad(_("重复规则必须包含 FREQ（重复频率），例如 FREQ=WEEKLY。"))
    if parts["FREQ"] in {"HOURLY", "MINUTELY", "SECONDLY"}:
        raise bad(_("接待日最多每天一次：FREQ 只能是 DAILY、WEEKLY、MONTHLY 或 YEARLY。"))
    if parts["FREQ"] not in ALLOWED_FREQS:
        raise bad(_("不认识的重复频率 FREQ=%(freq)s。") % {"freq": parts["FREQ"]})
    forbidden = sorted(FORBIDDEN_PARTS & parts.keys())
    if forbidden:
        raise bad(
            _("重复规则不能包含 %(names)s：接待时间请在“开始时间”“结束时间”中填写。") % {"names": "、".join(forbidden)}
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise bad(_("COUNT（次数）和 UNTIL（截止日期）只能选一个。"))
    if "UNTIL" in parts:
        # A UTC UNTIL names a day all the same; the schedule's dates are local dates.
        parts["UNTIL"] = parts["UNTIL"].removesuffix("Z")
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        parsed = rrulestr(body, dtstart=dt.datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, OverflowError):
        raise bad(_("无法识别的重复规则，请检查拼写，例如 FREQ=MONTHLY;BYDAY=1FR。")) from None
    if not isinstance(parsed, rrule):
        raise bad(_("无法识别的重复规则，请检查拼写，例如 FREQ=MONTHLY;BYDAY=1FR。"))
    return body


def rule_dates(rule: str, *, starts_on: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates the rule produces from DTSTART `starts_on`, within [start, end] (inclusive)."""
    if end < start:
        return []
    parsed = rrulestr(rule, dtstart=dt.datetime.combine(starts_on, dt.time()))
    low = dt.datetime.combine(start, dt.time())
    high = dt.datetime.combine(end, dt.time())
    seen: dict[dt.date, None] = {}
    for moment in parsed.between(low, high, inc=True):
        seen.setdefault(moment.date(), None)
    return list(seen)


@dataclass(frozen=True)
class Occurrence:
    """One reception day of a schedule: the rule's date and the day it is actually held."""

    occurrence: dt.date
    date: dt.date
    provisional: bool

    @property
    def moved(self) -> bool:
        return self.date != self.occurrence


def expand(
    schedule: ReceptionSchedule,
    start: dt.date,
    end: dt.date,
    *,
    calendar: WorkCalendar | None = None,
) -> list[Occurrence]:
    """The schedule's occurrences whose rule date lies in [start, end], with the holiday policy
    applied: a day off for a holiday is skipped, moved to the next or previous working day, or
    kept. Occurrences in a year whose 调休 is not yet published are provisional."""
    cal = calendar or WorkCalendar.load()
    low = max(start, schedule.starts_on)
    high = min(end, schedule.ends_on) if schedule.ends_on else end
    dates = rule_dates(schedule.rrule, starts_on=schedule.starts_on, start=low, end=high)
    taken = set(dates)
    out: list[Occurrence] = []
    for day in dates:
        held = day
        if cal.is_holiday(day):
            policy = schedule.holiday_policy
            if policy == HolidayPolicy.KEEP:
                held = day
            elif policy in (HolidayPolicy.NEXT_WORKDAY, HolidayPolicy.PREVIOUS_WORKDAY):
                held = cal.next_workday(day, 1 if policy == HolidayPolicy.NEXT_WORKDAY else -1)
                # The rule's own date that day wins; a moved session never doubles it.
                if held in taken:
                    continue
                taken.add(held)
            else:
                continue
        out.append(Occurrence(occurrence=day, date=held, provisional=not cal.year_is_announced(held.year)))
    out.sort(key=lambda o: (o.date, o.occurrence))
    return out
