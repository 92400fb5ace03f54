"""The working-day calendar of mainland China: public holidays from the `holidays` package
(STACK.md), make-up working days (调休上班) and extra days off from `WorkdayOverride`, and the
years whose official schedule is published (`AnnouncedYear`).

Public holidays are pure data, cached per process. The two override tables are tiny: a
`WorkCalendar` reads both in two queries and answers every question of one expansion or one
request from memory; `is_workday` and `year_is_announced` build one for a single question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as public_holidays
from django.db import transaction

from .models import AnnouncedYear, WorkdayOverride

# The State Council's schedules as published (国务院办公厅关于20XX年部分节假日安排的通知):
# the weekend days that are working days. Public holidays and the weekdays given off in lieu
# come from the `holidays` package, which agrees with these notices for every day of these
# years; only the make-up working days are missing from it.
MAKE_UP_WORKDAYS: dict[int, tuple[tuple[str, str], ...]] = {
    2024: (
        ("2024-02-04", "春节调休上班"),
        ("2024-02-18", "春节调休上班"),
        ("2024-04-07", "清明节调休上班"),
        ("2024-04-28", "劳动节调休上班"),
        ("2024-05-11", "劳动节调休上班"),
        ("2024-09-14", "中秋节调休上班"),
        ("2024-09-29", "国庆节调休上班"),
        ("2024-10-12", "国庆节调休上班"),
    ),
    2025: (
        ("2025-01-26", "春节调休上班"),
        ("2025-02-08", "春节调休上班"),
        ("2025-04-27", "劳动节调休上班"),
        ("2025-09-28", "国庆节调休上班"),
        ("2025-10-11", "国庆节调休上班"),
    ),
    2026: (
        ("2026-01-04", "元旦调休上班"),
        ("2026-02-14", "春节调休上班"),
        ("2026-02-28", "春节调休上班"),
        ("2026-05-09", "劳动节调休上班"),
        ("2026-09-20", "国庆节调休上班"),
        ("2026-10-10", "国庆节调休上班"),
    ),
}


@lru_cache(maxsize=64)
def public_holidays_of(year: int) -> frozenset[dt.date]:
    """The days off of a year by the `holidays` package's China calendar (holidays and days in lieu)."""
    return frozenset(public_holidays.country_holidays("CN", years=year).keys())


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays plus the office-kept overrides, read once."""

    overrides: dict[dt.date, bool]
    announced: frozenset[int]

    @classmethod
    def load(cls) -> WorkCalendar:
        return cls(
            overrides=dict(WorkdayOverride.objects.values_list("date", "is_workday")),
            announced=frozenset(AnnouncedYear.objects.values_list("year", flat=True)),
        )

    def is_holiday(self, day: dt.date) -> bool:
        """A day off because of a public holiday or an override (not an ordinary weekend)."""
        override = self.overrides.get(day)
        if override is not None:
            return not override
        return day in public_holidays_of(day.year)

    def is_workday(self, day: dt.date) -> bool:
        """A working day: 调休上班 counts even on a weekend; a holiday never does."""
        override = self.overrides.get(day)
        if override is not None:
            return override
        return day.weekday() < 5 and day not in public_holidays_of(day.year)

    def next_workday(self, day: dt.date, step: int = 1) -> dt.date:
        """The nearest working day after (step 1) or before (step -1) `day`."""
        candidate = day + dt.timedelta(days=step)
        # The longest break (春节) is 9 days; a month without a working day means bad overrides.
        for _ in range(31):
            if self.is_workday(candidate):
                return candidate
            candidate += dt.timedelta(days=step)
        return candidate

    def year_is_announced(self, year: int) -> bool:
        return year in self.announced


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day in mainland China (public holidays and 调休 applied)."""
    return WorkCalendar.load().is_workday(day)


def year_is_announced(year: int) -> bool:
    """Whether the official holiday and make-up day schedule of `year` is published and entered."""
    return AnnouncedYear.objects.filter(year=year).exists()


@transaction.atomic
def seed_workday_overrides() -> int:
    """Enter the published make-up working days and mark their years announced; idempotent.

    Returns how many override rows were created (an office's own edits are left alone).
    """
    created = 0
    for year, days in MAKE_UP_WORKDAYS.items():
        for iso, note in days:
            _row, new = WorkdayOverride.objects.get_or_create(
                date=dt.date.fromisoformat(iso), defaults={"is_workday": True, "note": note}
            )
            created += int(new)
        AnnouncedYear.objects.get_or_create(year=year)
    return created
