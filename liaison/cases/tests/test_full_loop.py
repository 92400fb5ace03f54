"""The whole loop through the services: submit, accept, assign, refer, department reply,
deputy answer, "not satisfied" reopens and escalates, answered again, rated, closed."""

from __future__ import annotations

import pytest

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseStatus, EventKind, Rating, ReferralStatus
from liaison.cases.models import Case, CaseEvent
from liaison.cases.selectors import case_timeline, track_lookup
from liaison.core.errors import IllegalState, NotFound, VersionConflict
from liaison.core.models import Notification
from liaison.testing.personas import RESIDENT_PHONE, World


def actor(world: World, persona: str):  # type: ignore[no-untyped-def]
    return jurisdiction_for(world.users[persona])


def test_a_request_goes_round_the_whole_loop(world: World) -> None:
    filed = services.case_submit(
        actor=jurisdiction_for(None),
        data=services.CaseInput(
            category="housing",
            description="3号楼窗户坏了",
            phone=RESIDENT_PHONE,
            consent=True,
            station_id=world.stations["qianfeng"].pk,
        ),
    )
    case = filed.case
    assert case.status == CaseStatus.SUBMITTED and case.region == world.regions["qianfeng"]
    officer = actor(world, "officer")
    case = services.case_accept(actor=officer, case=case)
    case = services.case_assign(actor=officer, case=case, deputy_id=world.deputies["qianfeng"].pk)
    referral = services.case_refer(actor=officer, case=case, department_id=world.departments["housing"].pk)
    assert referral.shares_personal_data
    handler = actor(world, "handler")
    referral = services.referral_accept(actor=handler, referral=referral)
    referral = services.referral_reply(actor=handler, referral=referral, reply="已更换窗户")
    case.refresh_from_db()
    assert case.status == CaseStatus.DEPARTMENT_REPLIED
    case = services.case_answer(actor=actor(world, "deputy"), case=case, answer="窗户已于本周更换")
    ticket = track_lookup(tracking_code=filed.tracking_code, secret=filed.secret)
    case = services.case_rate(ticket=ticket, rating=Rating.NOT_SATISFIED, comment="只换了一扇")
    assert case.status == CaseStatus.REOPENED and case.is_escalated
    case = services.case_answer_on_spot(actor=officer, case=case, answer="其余窗户也已更换")
    ticket = track_lookup(tracking_code=filed.tracking_code, secret=filed.secret)
    case = services.case_rate(ticket=ticket, rating=Rating.SATISFIED)
    assert case.status == CaseStatus.CLOSED
    kinds = [e.kind for e in case_timeline(case=case, public_only=False)]
    assert kinds[0] == EventKind.SUBMITTED and kinds[-1] == EventKind.CLOSED
    assert EventKind.ESCALATED in kinds
    assert Notification.objects.filter(address=RESIDENT_PHONE).exists()
    assert referral.status == ReferralStatus.REPLIED


def test_a_wrong_secret_finds_nothing(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    with pytest.raises(NotFound):
        track_lookup(
            tracking_code=case.tracking_code,
            secret="000000" if case_world.secrets["qianfeng"] != "000000" else "111111",
        )


def test_an_illegal_transition_is_refused_and_writes_nothing(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    before = CaseEvent.objects.count()
    with pytest.raises(IllegalState):
        services.case_answer(actor=actor(case_world, "officer"), case=case, answer="x")
    assert CaseEvent.objects.count() == before


def test_two_officers_on_one_version_one_wins(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    stale = Case.objects.get(pk=case.pk)
    services.case_accept(actor=actor(case_world, "officer"), case=case)
    with pytest.raises((VersionConflict, IllegalState)):
        services.case_decline(
            actor=actor(case_world, "county_officer"), case=stale, reason="重复", version=stale.version
        )
