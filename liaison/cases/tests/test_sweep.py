"""The scheduled work on cases: the deadline sweep and its escalation ladder in working days
(National Day respected), due-soon reminders, extensions, and closing answers nobody rated.
Every run is idempotent: a second run the same day writes nothing and sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytest_django import Settings

from liaison.accounts.choices import Role
from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import RoleGrant, User
from liaison.cases import services
from liaison.cases.choices import CaseStatus, EventKind, Rating
from liaison.cases.models import Case, CaseEvent, Referral
from liaison.cases.selectors import track_lookup
from liaison.core.errors import IllegalState, InvalidInput
from liaison.core.models import Notification
from liaison.receptions.holidays import seed_workday_overrides
from liaison.testing.personas import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at("2026-09-24"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def referral(world: World, clock: Any) -> Referral:
    """A 千峰 case referred to 住建局 on Thursday 2026-09-24 with three working days: 中秋节
    (Friday 25th) and the weekend do not count, so it is due on Wednesday 30th."""
    seed_workday_overrides()
    lead = User.objects.create(username="p_lead", display_name="住建局牵头负责人")
    RoleGrant.objects.create(
        user=lead, role=Role.DEPARTMENT_HANDLER, department=world.departments["housing"], is_lead=True
    )
    officer = jurisdiction_for(world.users["officer"])
    filed = services.case_submit(
        actor=jurisdiction_for(None),
        data=services.CaseInput(
            category="housing",
            description="楼道窗户坏了",
            phone="13700001111",
            station_id=world.stations["qianfeng"].pk,
        ),
    )
    case = services.case_accept(actor=officer, case=filed.case)
    return services.case_refer(actor=officer, case=case, department_id=world.departments["housing"].pk, due_workdays=3)


def sweep_on(clock: Any, day: str) -> dict[str, int]:
    clock.move_to(at(day, 2))
    return services.sweep_deadlines()


def written() -> tuple[int, int, int]:
    return CaseEvent.objects.count(), Notification.objects.count(), Case.objects.get().version


def test_a_referral_deadline_skips_the_mid_autumn_holiday_and_the_weekend(referral: Referral) -> None:
    assert referral.due_date == dt.date(2026, 9, 30)
    assert referral.case.due_date == dt.date(2026, 9, 30)


def test_the_ladder_climbs_in_working_days_across_national_day(world: World, referral: Referral, clock: Any) -> None:
    handler, lead = world.users["handler"], User.objects.get(username="p_lead")
    assert handler is not None
    staff = world.users["station_staff"]

    # The working day before the deadline, the handlers are reminded; on the day, nothing more.
    assert sweep_on(clock, "2026-09-29")["due_soon"] == 1
    assert Notification.objects.filter(recipient=handler, subject="交办件即将到期").exists()
    assert sweep_on(clock, "2026-09-30") == {"due_soon": 0, "overdue": 0, "lead": 0, "office": 0}

    # 10-08 is the first working day after the deadline (国庆 1-7): the handler's rung only,
    # although seven calendar days have passed.
    assert sweep_on(clock, "2026-10-08") == {"due_soon": 0, "overdue": 1, "lead": 0, "office": 0}
    referral.refresh_from_db()
    case = Case.objects.get()
    assert referral.escalation_level == 1 and case.is_overdue and not case.is_escalated
    assert Notification.objects.filter(dedupe_key=f"referral:{referral.pk}:level1:{handler.pk}").exists()
    assert CaseEvent.objects.filter(kind=EventKind.OVERDUE, is_public=False).count() == 1

    # The second working day late: the department's lead handler, and only him.
    assert sweep_on(clock, "2026-10-09")["lead"] == 1
    assert Notification.objects.filter(dedupe_key=f"referral:{referral.pk}:level2:{lead.pk}").exists()
    assert not Notification.objects.filter(dedupe_key=f"referral:{referral.pk}:level2:{handler.pk}").exists()

    # Saturday 10-10 is a make-up working day (调休): three late; Monday four; still the lead's rung.
    before = written()
    assert sweep_on(clock, "2026-10-10") == {"due_soon": 0, "overdue": 0, "lead": 0, "office": 0}
    assert sweep_on(clock, "2026-10-12")["office"] == 0
    assert written() == before

    # Five working days late: the office supervises (督办), publicly on the timeline.
    assert sweep_on(clock, "2026-10-13")["office"] == 1
    case.refresh_from_db()
    assert case.is_escalated
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATED, is_public=True).count() == 1
    assert Notification.objects.filter(recipient=staff, subject="交办件逾期，请督办").count() == 1


def test_running_the_sweep_twice_writes_nothing_new(referral: Referral, clock: Any) -> None:
    sweep_on(clock, "2026-10-08")
    before = written()
    assert sweep_on(clock, "2026-10-08") == {"due_soon": 0, "overdue": 0, "lead": 0, "office": 0}
    assert written() == before


def test_a_sweep_that_ran_late_climbs_every_rung_once(referral: Referral, clock: Any) -> None:
    assert sweep_on(clock, "2026-10-20") == {"due_soon": 0, "overdue": 1, "lead": 1, "office": 1}
    kinds = list(
        CaseEvent.objects.filter(referral=referral, kind__in=["overdue", "reminded", "escalated"]).values_list(
            "kind", flat=True
        )
    )
    assert kinds == [EventKind.OVERDUE, EventKind.REMINDED, EventKind.ESCALATED]
    before = written()
    sweep_on(clock, "2026-10-21")
    assert written() == before


def test_a_replied_or_cancelled_referral_is_never_swept(world: World, referral: Referral, clock: Any) -> None:
    handler = jurisdiction_for(world.users["handler"])
    referral = services.referral_accept(actor=handler, referral=referral)
    services.referral_reply(actor=handler, referral=referral, reply="已修好")
    before = written()
    assert sweep_on(clock, "2026-10-20") == {"due_soon": 0, "overdue": 0, "lead": 0, "office": 0}
    assert written() == before


def test_an_approved_extension_moves_the_deadline_in_working_days_over_national_day(
    world: World, referral: Referral, clock: Any
) -> None:
    handler = jurisdiction_for(world.users["handler"])
    officer = jurisdiction_for(world.users["officer"])
    clock.move_to(at("2026-09-28"))
    referral = services.referral_accept(actor=handler, referral=referral)
    referral = services.referral_request_extension(actor=handler, referral=referral, workdays=5, reason="需协调施工队")
    referral = services.referral_decide_extension(actor=officer, referral=referral, approve=True)
    # From 09-30: 10-08, 10-09, 10-10 (调休), 10-12, 10-13.
    assert referral.due_date == dt.date(2026, 10, 13) and referral.extension_status == "approved"
    assert Case.objects.get().due_date == dt.date(2026, 10, 13)
    assert sweep_on(clock, "2026-10-13")["overdue"] == 0
    assert sweep_on(clock, "2026-10-14")["overdue"] == 1


def test_an_extension_approved_after_the_deadline_clears_the_overdue_mark(
    world: World, referral: Referral, clock: Any
) -> None:
    handler = jurisdiction_for(world.users["handler"])
    referral = services.referral_accept(actor=handler, referral=referral)
    sweep_on(clock, "2026-10-09")
    referral = services.referral_request_extension(
        actor=handler, referral=Referral.objects.get(), workdays=2, reason="材料未到"
    )
    referral = services.referral_decide_extension(
        actor=jurisdiction_for(world.users["officer"]), referral=referral, approve=True
    )
    # Counted from today (the deadline had passed): 10-10 (调休) and 10-12.
    assert referral.due_date == dt.date(2026, 10, 12) and referral.escalation_level == 0
    assert not Case.objects.get().is_overdue


def test_a_refusal_needs_a_note_and_a_decision_needs_a_request(world: World, referral: Referral, clock: Any) -> None:
    officer = jurisdiction_for(world.users["officer"])
    with pytest.raises(IllegalState):
        services.referral_decide_extension(actor=officer, referral=referral, approve=True)
    handler = jurisdiction_for(world.users["handler"])
    referral = services.referral_accept(actor=handler, referral=referral)
    referral = services.referral_request_extension(actor=handler, referral=referral, workdays=3, reason="等材料")
    before = written()
    with pytest.raises(InvalidInput):
        services.referral_decide_extension(actor=officer, referral=referral, approve=False, note="")
    assert written() == before
    referral = services.referral_decide_extension(actor=officer, referral=referral, approve=False, note="请按期办结")
    assert referral.due_date == dt.date(2026, 9, 30) and referral.extension_status == "refused"


def answered_at(case: Case) -> dt.datetime:
    assert case.answered_at is not None
    return case.answered_at


def _answered(world: World) -> tuple[Case, str, str]:
    officer = jurisdiction_for(world.users["officer"])
    filed = services.case_submit(
        actor=jurisdiction_for(None),
        data=services.CaseInput(category="roads", description="路灯不亮", station_id=world.stations["qianfeng"].pk),
    )
    case = services.case_answer_on_spot(actor=officer, case=filed.case, answer="已修复")
    return case, filed.tracking_code, filed.secret


def test_an_answer_nobody_rates_closes_as_unrated_after_the_configured_days(world: World, clock: Any) -> None:
    case, _code, _secret = _answered(world)
    answered = answered_at(case)
    assert services.close_unrated(at=answered + dt.timedelta(days=14)) == 0
    assert services.close_unrated(at=answered + dt.timedelta(days=15, minutes=1)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.rating == Rating.UNRATED and case.closed_at is not None
    closing = case.events.get(kind=EventKind.CLOSED)
    assert closing.data == {"rating": Rating.UNRATED} and closing.to_status == CaseStatus.CLOSED
    before = written()
    assert services.close_unrated(at=answered + dt.timedelta(days=30)) == 0
    assert written() == before


def test_the_auto_close_days_are_configurable(world: World, clock: Any, settings: Settings) -> None:
    settings.LIAISON_CASE_AUTO_CLOSE_DAYS = 3
    case, _code, _secret = _answered(world)
    assert services.close_unrated(at=answered_at(case) + dt.timedelta(days=2)) == 0
    assert services.close_unrated(at=answered_at(case) + dt.timedelta(days=3, minutes=1)) == 1


def test_a_rated_case_is_not_closed_again(world: World, clock: Any) -> None:
    case, code, secret = _answered(world)
    services.case_rate(ticket=track_lookup(tracking_code=code, secret=secret), rating=Rating.SATISFIED)
    before = written()
    assert services.close_unrated(at=answered_at(case) + dt.timedelta(days=60)) == 0
    assert written() == before
    assert Case.objects.get().rating == Rating.SATISFIED
