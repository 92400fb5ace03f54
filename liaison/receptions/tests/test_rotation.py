"""Fair rotation: counts balanced within one over a year, never a deputy at two overlapping sessions."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.core.clock import today
from liaison.deputies.models import Assignment
from liaison.receptions.holidays import seed_workday_overrides
from liaison.receptions.models import Duty
from liaison.receptions.rotation import ACTIVE_DUTY, Busy, Candidate, overlaps, pick
from liaison.receptions.services_schedule import schedule_create
from liaison.testing.personas import World

from .test_schedules_services import add_deputies, schedule_values


@given(deputies=st.integers(1, 15), need=st.integers(1, 15), sessions=st.integers(0, 60))
def test_picking_the_least_loaded_keeps_counts_within_one(deputies: int, need: int, sessions: int) -> None:
    need = min(need, deputies)
    candidates = [Candidate(name_key=f"d{i:02d}", deputy_id=i, name=f"d{i}") for i in range(deputies)]
    counts: dict[int, int] = {}
    for _ in range(sessions):
        chosen = pick(candidates, counts=counts, need=need)
        assert len({c.deputy_id for c in chosen}) == need
        for c in chosen:
            counts[c.deputy_id] = counts.get(c.deputy_id, 0) + 1
    values = [counts.get(c.deputy_id, 0) for c in candidates]
    assert max(values) - min(values) <= 1


def test_ties_go_by_name_and_excluded_deputies_are_skipped() -> None:
    a, b, c = (Candidate(name_key=k, deputy_id=i, name=k) for i, k in enumerate(("chen", "li", "wang")))
    assert pick([c, b, a], counts={}, need=2) == [a, b]
    assert pick([c, b, a], counts={a.deputy_id: 1}, need=2) == [b, c]
    assert pick([c, b, a], counts={}, need=2, exclude={a.deputy_id}) == [b, c]


@given(a=st.integers(0, 100), al=st.integers(1, 50), b=st.integers(0, 100), bl=st.integers(1, 50))
def test_half_open_intervals_overlap_only_when_they_share_a_moment(a: int, al: int, b: int, bl: int) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    minutes = [base + dt.timedelta(minutes=m) for m in range(200)]
    shared = set(minutes[a : a + al]) & set(minutes[b : b + bl])
    got = overlaps(minutes[a], minutes[a + al], minutes[b], minutes[b + bl])
    assert got == bool(shared)


@pytest.mark.parametrize(("extra", "minimum"), [(4, 3), (6, 2), (2, 3)])
def test_a_years_counts_differ_by_at_most_one(world: World, extra: int, minimum: int) -> None:
    seed_workday_overrides()
    names = ("王建华", "刘芳", "陈志强", "杨丽", "周明", "吴桂英")[:extra]
    add_deputies(world, names=names)
    actor = jurisdiction_for(world.users["officer"])
    schedule_create(
        actor=actor,
        station=world.stations["qianfeng"],
        **schedule_values(preset="weekly", weekday="TU", starts_on=dt.date(today().year, 1, 1), min_deputies=minimum),
    )
    # Sessions are generated from today: count within each calendar year the schedule covers.
    rows = Duty.objects.filter(session__station=world.stations["qianfeng"]).values_list(
        "session__date__year", "deputy_id"
    )
    per_year: dict[int, Counter[int]] = {}
    for year, deputy_id in rows:
        per_year.setdefault(year, Counter())[deputy_id] += 1
    deputies = set(
        Assignment.objects.current().filter(station=world.stations["qianfeng"]).values_list("deputy_id", flat=True)
    )
    for counts in per_year.values():
        values = [counts.get(d, 0) for d in deputies]
        assert max(values) - min(values) <= 1, counts


def test_no_deputy_is_ever_at_two_overlapping_sessions(world: World) -> None:
    """Two stations share deputies and receive at overlapping times: the rotation never doubles up."""
    seed_workday_overrides()
    shared = add_deputies(world, names=("王建华", "刘芳", "陈志强"))
    for deputy in [*shared, world.deputies["qianfeng"]]:
        Assignment.objects.create(
            deputy=deputy, station=world.stations["xinghua"], start=today() - dt.timedelta(days=9)
        )
    schedule_create(
        actor=jurisdiction_for(world.users["officer"]),
        station=world.stations["qianfeng"],
        **schedule_values(preset="weekly", weekday="WE", min_deputies=2),
    )
    schedule_create(
        actor=jurisdiction_for(world.users["neighbour_officer"]),
        station=world.stations["xinghua"],
        **schedule_values(preset="weekly", weekday="WE", start_time=dt.time(10), end_time=dt.time(12), min_deputies=2),
    )
    duties = list(
        Duty.objects.filter(status__in=ACTIVE_DUTY).values_list(
            "deputy_id", "session__starts_at", "session__ends_at", "session_id"
        )
    )
    assert len(duties) > 100
    busy = Busy()
    for deputy_id, start, end, session_id in duties:
        assert not busy.clashes(deputy_id, start, end, session_id=session_id), (deputy_id, start)
        busy.add(deputy_id, start, end, session_id)
