"""Recurrence rules, the working-day calendar and the expansion of schedules (property tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.errors import InvalidInput
from liaison.receptions.choices import HolidayPolicy, SchedulePreset
from liaison.receptions.holidays import (
    MAKE_UP_WORKDAYS,
    WorkCalendar,
    is_workday,
    seed_workday_overrides,
    year_is_announced,
)
from liaison.receptions.models import AnnouncedYear, ReceptionSchedule, WorkdayOverride
from liaison.receptions.schedules import WEEKDAYS, expand, rule_for, validate_rrule

# The seeded calendar, without the database: the overrides and years seed_workday_overrides writes.
CALENDAR = WorkCalendar(
    overrides={dt.date.fromisoformat(d): True for days in MAKE_UP_WORKDAYS.values() for d, _note in days},
    announced=frozenset(MAKE_UP_WORKDAYS),
)


def _schedule(rule: str, starts_on: dt.date, policy: str, ends_on: dt.date | None = None) -> ReceptionSchedule:
    return ReceptionSchedule(
        name="t",
        preset=SchedulePreset.CUSTOM,
        rrule=rule,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        holiday_policy=policy,
    )


# ---- presets and custom rules ------------------------------------------------------------------


def test_presets_are_the_seeds_rules() -> None:
    assert rule_for(SchedulePreset.SECOND_FOURTH_WEDNESDAY) == "FREQ=MONTHLY;BYDAY=2WE,4WE"
    assert rule_for(SchedulePreset.FIRST_FRIDAY) == "FREQ=MONTHLY;BYDAY=1FR"
    assert rule_for(SchedulePreset.WEEKLY, weekday="TH") == "FREQ=WEEKLY;BYDAY=TH"


def test_a_weekly_preset_needs_its_weekday() -> None:
    with pytest.raises(InvalidInput) as exc:
        rule_for(SchedulePreset.WEEKLY, weekday="")
    assert exc.value.fields["weekday"] == ["请选择每周的哪一天接待。"]


@pytest.mark.parametrize(
    "text",
    [
        "rrule:freq=monthly;byday=3tu",
        "FREQ=WEEKLY;COUNT=10",
        "FREQ=MONTHLY;BYDAY=1FR;UNTIL=20271231T000000Z",
        "FREQ=DAILY;INTERVAL=14",
    ],
)
def test_valid_custom_rules_are_normalised(text: str) -> None:
    body = validate_rrule(text)
    assert body == body.upper() and not body.startswith("RRULE:")
    rrulestr(body, dtstart=dt.datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写重复规则"),
        ("garbage", "格式不正确"),
        ("BYDAY=MO", "必须包含 FREQ"),
        ("FREQ=HOURLY", "最多每天一次"),
        ("FREQ=MINUTELY;INTERVAL=5", "最多每天一次"),
        ("FREQ=FORTNIGHTLY", "不认识的重复频率"),
        ("FREQ=WEEKLY;BYDAY=XX", "无法识别"),
        ("FREQ=WEEKLY;X-FOO=1", "无法识别"),
        ("FREQ=DAILY;BYHOUR=9", "不能包含 BYHOUR"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "只能选一个"),
        ("FREQ=WEEKLY;FREQ=DAILY", "出现了两次"),
        ("FREQ=WEEKLY\nDTSTART:20200101", "只能写一行"),
        ("FREQ=WEEKLY;BYDAY=周三", "只能写一行"),
        ("FREQ=WEEKLY;BYDAY=" + "MO," * 200, "太长"),
    ],
)
def test_an_invalid_rule_gets_a_chinese_error_on_the_rule_field(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_rrule(text)
    assert fragment in exc.value.fields["rrule"][0]


@given(st.text(max_size=80))
def test_any_text_is_a_rule_or_a_field_error_never_a_crash(text: str) -> None:
    try:
        validate_rrule(text)
    except InvalidInput as exc:
        assert exc.fields["rrule"]


# ---- the working-day calendar ------------------------------------------------------------------


def test_the_calendar_knows_holidays_and_make_up_workdays() -> None:
    assert CALENDAR.is_holiday(dt.date(2026, 10, 1))  # 国庆节
    assert not CALENDAR.is_workday(dt.date(2026, 10, 7))  # a day in lieu
    assert CALENDAR.is_workday(dt.date(2026, 10, 10))  # Saturday, 调休上班
    assert not CALENDAR.is_workday(dt.date(2026, 11, 21))  # an ordinary Saturday
    assert not CALENDAR.is_holiday(dt.date(2026, 11, 21))
    assert CALENDAR.next_workday(dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)
    assert CALENDAR.next_workday(dt.date(2026, 10, 1), -1) == dt.date(2026, 9, 30)


@pytest.mark.django_db
def test_seeding_is_idempotent_and_feeds_is_workday() -> None:
    assert not is_workday(dt.date(2026, 9, 20))  # a Sunday, until the 调休 is entered
    first = seed_workday_overrides()
    assert first == sum(len(days) for days in MAKE_UP_WORKDAYS.values())
    assert seed_workday_overrides() == 0
    assert WorkdayOverride.objects.count() == first
    assert set(AnnouncedYear.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    assert is_workday(dt.date(2026, 9, 20))
    assert not is_workday(dt.date(2026, 10, 1))
    assert year_is_announced(2026) and not year_is_announced(2027)


@pytest.mark.django_db
def test_an_office_override_makes_a_day_off() -> None:
    WorkdayOverride.objects.create(date=dt.date(2026, 12, 9), is_workday=False, note="临时放假")
    assert not is_workday(dt.date(2026, 12, 9))
    schedule = _schedule("FREQ=MONTHLY;BYDAY=2WE,4WE", dt.date(2026, 12, 1), HolidayPolicy.SKIP)
    dates = [o.date for o in expand(schedule, dt.date(2026, 12, 1), dt.date(2026, 12, 31))]
    assert dates == [dt.date(2026, 12, 23)]


# ---- expansion: properties -----------------------------------------------------------------------

RULES = st.one_of(
    st.just("FREQ=MONTHLY;BYDAY=2WE,4WE"),
    st.just("FREQ=MONTHLY;BYDAY=1FR"),
    st.sampled_from(WEEKDAYS).map(lambda d: f"FREQ=WEEKLY;BYDAY={d}"),
    st.builds(lambda n: f"FREQ=DAILY;INTERVAL={n}", st.integers(1, 20)),
    st.builds(lambda n, c: f"FREQ=WEEKLY;INTERVAL={n};COUNT={c}", st.integers(1, 4), st.integers(1, 40)),
)
DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))
POLICIES = st.sampled_from(HolidayPolicy.values)


@given(rule=RULES, starts_on=DAYS, policy=POLICIES, span=st.integers(0, 400))
def test_every_occurrence_matches_the_rule_and_the_holiday_policy(
    rule: str, starts_on: dt.date, policy: str, span: int
) -> None:
    schedule = _schedule(rule, starts_on, policy)
    end = starts_on + dt.timedelta(days=span)
    occurrences = expand(schedule, starts_on, end, calendar=CALENDAR)
    produced = {
        m.date()
        for m in rrulestr(rule, dtstart=dt.datetime.combine(starts_on, dt.time())).between(
            dt.datetime.combine(starts_on, dt.time()), dt.datetime.combine(end, dt.time()), inc=True
        )
    }
    held = [o.date for o in occurrences]
    assert len(held) == len(set(held)), "never two sessions of one schedule on one day"
    for o in occurrences:
        assert o.occurrence in produced, "every rule date comes from the rule"
        assert o.provisional == (o.date.year not in CALENDAR.announced)
        if policy == HolidayPolicy.KEEP:
            assert o.date == o.occurrence
        elif policy == HolidayPolicy.SKIP:
            assert o.date == o.occurrence and not CALENDAR.is_holiday(o.date)
        elif o.moved:
            assert CALENDAR.is_holiday(o.occurrence) and CALENDAR.is_workday(o.date)
            assert (o.date > o.occurrence) == (policy == HolidayPolicy.NEXT_WORKDAY)
        else:
            assert not CALENDAR.is_holiday(o.date)
    # Nothing but holidays (and, when moving, a clash with another rule date) drops a date.
    kept = {o.occurrence for o in occurrences}
    for day in produced - kept:
        assert CALENDAR.is_holiday(day) and policy != HolidayPolicy.KEEP


@given(starts_on=DAYS, span=st.integers(0, 800))
def test_the_biweekly_wednesday_falls_on_the_second_and_fourth_wednesday(starts_on: dt.date, span: int) -> None:
    schedule = _schedule("FREQ=MONTHLY;BYDAY=2WE,4WE", starts_on, HolidayPolicy.SKIP)
    for o in expand(schedule, starts_on, starts_on + dt.timedelta(days=span), calendar=CALENDAR):
        assert o.date.weekday() == 2 and (o.date.day - 1) // 7 + 1 in (2, 4)


def test_national_day_moves_to_the_next_workday_or_is_skipped() -> None:
    schedule = _schedule("FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1", dt.date(2026, 1, 1), HolidayPolicy.NEXT_WORKDAY)
    [occ] = expand(schedule, dt.date(2026, 1, 1), dt.date(2026, 12, 31), calendar=CALENDAR)
    assert (occ.occurrence, occ.date, occ.provisional) == (dt.date(2026, 10, 1), dt.date(2026, 10, 8), False)
    schedule.holiday_policy = HolidayPolicy.SKIP
    assert expand(schedule, dt.date(2026, 1, 1), dt.date(2026, 12, 31), calendar=CALENDAR) == []
    schedule.holiday_policy = HolidayPolicy.PREVIOUS_WORKDAY
    [occ] = expand(schedule, dt.date(2026, 1, 1), dt.date(2026, 12, 31), calendar=CALENDAR)
    assert occ.date == dt.date(2026, 9, 30)


def test_a_year_without_published_make_up_days_is_provisional() -> None:
    schedule = _schedule("FREQ=MONTHLY;BYDAY=1FR", dt.date(2026, 11, 1), HolidayPolicy.SKIP)
    occ = expand(schedule, dt.date(2026, 11, 1), dt.date(2027, 4, 30), calendar=CALENDAR)
    assert [(o.date, o.provisional) for o in occ if o.date.year == 2026] == [
        (dt.date(2026, 11, 6), False),
        (dt.date(2026, 12, 4), False),
    ]
    later = [o for o in occ if o.date.year == 2027]
    assert later and all(o.provisional for o in later)


def test_an_end_date_bounds_the_schedule() -> None:
    schedule = _schedule(
        "FREQ=WEEKLY;BYDAY=MO", dt.date(2026, 11, 1), HolidayPolicy.KEEP, ends_on=dt.date(2026, 11, 20)
    )
    assert [o.date.day for o in expand(schedule, dt.date(2026, 1, 1), dt.date(2027, 1, 1), calendar=CALENDAR)] == [
        2,
        9,
        16,
    ]
