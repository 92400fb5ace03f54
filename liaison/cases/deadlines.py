"""Deadlines in working days (Chinese public holidays and 调休 respected) and how to say them."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison.receptions.holidays import WorkCalendar


def add_workdays(start: dt.date, workdays: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The date `workdays` working days after `start` (the day of referral does not count)."""
    cal = calendar or WorkCalendar.load()
    day = start
    for _i in range(max(0, workdays)):
        day = cal.next_workday(day)
    return day


def workdays_between(start: dt.date, end: dt.date, calendar: WorkCalendar | None = None) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end == start:
        return 0
    cal = calendar or WorkCalendar.load()
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count = 0
    day = low
    while day < high:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            count += 1
    return sign * count


def deadline_label(due: dt.date | None, today: dt.date, calendar: WorkCalendar | None = None) -> str:
    """ "剩余 3 个工作日" / "今天到期" / "已逾期 2 天" (UX.md), "" without a deadline."""
    if due is None:
        return ""
    if due == today:
        return _("今天到期")
    if due > today:
        left = workdays_between(today, due, calendar)
        return ngettext("剩余 %(n)d 个工作日", "剩余 %(n)d 个工作日", left) % {"n": left}
    late = (today - due).days
    return ngettext("已逾期 %(n)d 天", "已逾期 %(n)d 天", late) % {"n": late}
