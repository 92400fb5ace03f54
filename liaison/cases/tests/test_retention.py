"""SECURITY.md S25: residents' personal data in cases closed longer ago than the retention period
is anonymised (case, followers, the reception register); open and recent cases keep it;
statistics do not move; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from pytest_django import Settings

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import codes, services
from liaison.cases.choices import CaseStatus, EventKind, Rating
from liaison.cases.models import Case, CaseEvent, CaseFollower
from liaison.cases.selectors import track_lookup
from liaison.core.clock import now
from liaison.core.errors import IllegalState
from liaison.receptions.models import ReceptionSession, WalkIn
from liaison.testing.personas import RESIDENT_PHONE, World

RETENTION_DAYS = 730


def actor(world: World, persona: str):  # type: ignore[no-untyped-def]
    return jurisdiction_for(world.users[persona])


def _close(world: World, key: str, rating: str = Rating.SATISFIED) -> Case:
    """Take a referred case of the case world to the resident's rating."""
    handler = actor(world, "handler" if key == "qianfeng" else "other_handler")
    referral = services.referral_accept(actor=handler, referral=world.referrals[key])
    services.referral_reply(actor=handler, referral=referral, reply="已办结")
    case = Case.objects.get(pk=world.cases[key].pk)
    services.case_answer(actor=actor(world, "officer"), case=case, answer="已处理")
    ticket = track_lookup(tracking_code=case.tracking_code, secret=world.secrets[key])
    return services.case_rate(ticket=ticket, rating=rating, comment="" if rating != Rating.NOT_SATISFIED else "没修好")


def _walk_in(world: World, case: Case) -> WalkIn:
    start = now() - dt.timedelta(days=900)
    session = ReceptionSession.objects.create(
        station=world.stations["qianfeng"], date=start.date(), starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    staff = world.users["station_staff"]
    assert staff is not None
    return WalkIn.objects.create(
        session=session,
        recorded_by=staff,
        name="王大爷",
        phone=RESIDENT_PHONE,
        matter="窗户",
        case=case,
    )


def _statistics() -> dict[str, object]:
    rows = list(Case.objects.values_list("status", "category_id", "region_id", "rating", "kind", "station_id"))
    return {
        "status": Counter(r[0] for r in rows),
        "category": Counter(r[1] for r in rows),
        "region": Counter(r[2] for r in rows),
        "rating": Counter(r[3] for r in rows),
        "kind": Counter(r[4] for r in rows),
        "station": Counter(r[5] for r in rows),
        "events": Counter(CaseEvent.objects.exclude(kind=EventKind.ANONYMISED).values_list("kind", flat=True)),
        "followers": CaseFollower.objects.count(),
        "walk_ins": WalkIn.objects.count(),
    }


@pytest.fixture
def aged(case_world: World) -> World:
    """千峰's case closed three years ago (with a follower and a register entry); 城管局's case
    closed yesterday; the others open."""
    w = case_world
    services.case_join(
        actor=jurisdiction_for(w.users["other_resident"]), case=w.cases["qianfeng"], name="钱七", phone="13700007777"
    )
    old = _close(w, "qianfeng")
    _walk_in(w, old)
    Case.objects.filter(pk=old.pk).update(closed_at=now() - dt.timedelta(days=3 * 365))
    recent = _close(w, "qianfeng_urban", Rating.PARTLY)
    Case.objects.filter(pk=recent.pk).update(closed_at=now() - dt.timedelta(days=1))
    # An open case filed long ago is never anonymised: only closure starts the clock.
    Case.objects.filter(pk=w.cases["qianfeng_new"].pk).update(created_at=now() - dt.timedelta(days=5 * 365))
    return w


def test_a_case_closed_past_the_retention_period_loses_its_residents_personal_data(aged: World) -> None:
    assert services.anonymise_closed_cases() == 1
    case = Case.objects.get(pk=aged.cases["qianfeng"].pk)
    assert (case.resident_name, case.resident_phone, case.resident_phone_hash, case.address) == ("", "", "", "")
    assert case.resident_user is None and case.latitude is None and case.longitude is None
    assert case.anonymised_at is not None
    for follower in CaseFollower.objects.filter(case=case):
        assert (follower.name, follower.phone, follower.phone_hash, follower.user) == ("", "", "", None)
        assert follower.anonymised_at is not None
    walk_in = WalkIn.objects.get(case=case)
    assert (walk_in.name, walk_in.phone) == ("", "")
    event = case.events.get(kind=EventKind.ANONYMISED)
    assert not event.is_public
    # Nothing of the resident is left to find him by.
    assert not Case.objects.filter(resident_phone_hash=codes.phone_hash(RESIDENT_PHONE)).exists()
    assert RESIDENT_PHONE not in str(list(Case.objects.filter(pk=case.pk).values()))


def test_open_and_recently_closed_cases_keep_their_data(aged: World) -> None:
    services.anonymise_closed_cases()
    for key in ("qianfeng_urban", "qianfeng_new", "xinghua", "yining"):
        case = Case.objects.get(pk=aged.cases[key].pk)
        assert case.anonymised_at is None, key
        assert not case.events.filter(kind=EventKind.ANONYMISED).exists()
    assert Case.objects.get(pk=aged.cases["qianfeng_urban"].pk).resident_phone == "13600002222"
    assert Case.objects.get(pk=aged.cases["qianfeng_urban"].pk).resident_name == "李阿姨"


def test_statistics_are_the_same_before_and_after(aged: World) -> None:
    before = _statistics()
    services.anonymise_closed_cases()
    assert _statistics() == before


def test_a_second_run_changes_nothing(aged: World) -> None:
    services.anonymise_closed_cases()
    rows = list(Case.objects.order_by("pk").values())
    events = CaseEvent.objects.count()
    assert services.anonymise_closed_cases() == 0
    assert list(Case.objects.order_by("pk").values()) == rows
    assert CaseEvent.objects.count() == events


def test_the_retention_period_is_configurable(aged: World, settings: Settings) -> None:
    settings.LIAISON_CASE_RETENTION_DAYS = 4 * 365
    assert services.anonymise_closed_cases() == 0
    settings.LIAISON_CASE_RETENTION_DAYS = 0
    assert services.anonymise_closed_cases() == 2  # yesterday's closure is past a zero-day period too


def test_every_terminal_state_counts_as_closed(case_world: World) -> None:
    w = case_world
    services.case_decline(actor=actor(w, "neighbour_officer"), case=w.cases["xinghua"], reason="不属于人大职责")
    Case.objects.filter(pk=w.cases["xinghua"].pk).update(closed_at=now() - dt.timedelta(days=RETENTION_DAYS + 1))
    assert services.anonymise_closed_cases() == 1
    assert Case.objects.get(pk=w.cases["xinghua"].pk).status == CaseStatus.DECLINED


def test_an_anonymised_case_reveals_nothing(aged: World) -> None:
    services.anonymise_closed_cases()
    case = Case.objects.get(pk=aged.cases["qianfeng"].pk)
    with pytest.raises(IllegalState):
        services.case_reveal(actor=actor(aged, "officer"), case=case, reason="回访")


def test_a_batch_limit_leaves_the_rest_for_the_next_run(aged: World, settings: Settings) -> None:
    settings.LIAISON_CASE_RETENTION_DAYS = 0
    assert services.anonymise_closed_cases(batch=1) == 1
    assert services.anonymise_closed_cases(batch=1) == 1
    assert services.anonymise_closed_cases(batch=1) == 0
