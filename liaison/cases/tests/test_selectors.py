"""The reads every page and endpoint starts from: who sees which case and referral, the list's
filters and orderings, duplicate candidates, routing suggestions and tracking lookups."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseKind, CaseStatus
from liaison.cases.models import Case, CaseCategory, Referral, RoutingRule
from liaison.cases.selectors import (
    CaseFilters,
    case_get,
    case_list,
    referral_get,
    referral_queue,
    routing_suggestion,
    similar_open_cases,
    track_lookup,
)
from liaison.core.errors import Forbidden, NotFound
from liaison.organization.models import Department
from liaison.testing.personas import PERSONAS, World

QIANFENG_CASES = {"qianfeng", "qianfeng_urban", "qianfeng_new"}

# What each persona sees in the case world, by action.
EXPECTED_VIEW = {
    "officer": QIANFENG_CASES,
    "neighbour_officer": {"xinghua"},
    "county_officer": QIANFENG_CASES | {"xinghua"},
    "station_staff": QIANFENG_CASES,
    "deputy": {"qianfeng"},
    "handler": {"qianfeng"},
    "other_handler": {"qianfeng_urban"},
    "sponsor": set(),
    "resident": set(),
    "other_resident": set(),
    "anonymous": set(),
    "system_admin": QIANFENG_CASES | {"xinghua", "yining"},
}
TRIAGE: dict[str, set[str]] = {"deputy": set(), "handler": set(), "other_handler": set()}
ANSWER: dict[str, set[str]] = {"handler": set(), "other_handler": set()}


def actor(world: World, persona: str):  # type: ignore[no-untyped-def]
    return jurisdiction_for(world.users[persona])


def keys(world: World, cases) -> set[str]:  # type: ignore[no-untyped-def]
    ids = {c.pk for c in cases}
    return {k for k, c in world.cases.items() if c.pk in ids}


def test_every_persona_is_expected() -> None:
    assert set(EXPECTED_VIEW) == set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_exactly_its_cases_for_each_action(case_world: World, persona: str) -> None:
    who = actor(case_world, persona)
    view = EXPECTED_VIEW[persona]
    assert keys(case_world, Case.objects.visible_to(who, "view")) == view
    assert keys(case_world, Case.objects.visible_to(who, "triage")) == TRIAGE.get(persona, view)
    assert keys(case_world, Case.objects.visible_to(who, "answer")) == ANSWER.get(persona, view)
    if persona != "system_admin":  # the system admin reaches everything whatever the action
        assert not Case.objects.visible_to(who, "delete").exists()
    assert keys(case_world, case_list(actor=who)) == view


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_get_answers_404_out_of_reach_and_403_for_a_forbidden_action(case_world: World, persona: str) -> None:
    who = actor(case_world, persona)
    for key, case in case_world.cases.items():
        if key in EXPECTED_VIEW[persona]:
            assert case_get(actor=who, case_id=case.pk).pk == case.pk
            if key not in TRIAGE.get(persona, EXPECTED_VIEW[persona]):
                with pytest.raises(Forbidden):
                    case_get(actor=who, case_id=case.pk, action="triage")
        else:
            with pytest.raises(NotFound):
                case_get(actor=who, case_id=case.pk)


@pytest.mark.parametrize("junk", ["abc", "-1", "0", "1e9", "", None, "9" * 30, "1; DROP TABLE x"])
def test_case_get_treats_junk_ids_as_not_found(case_world: World, junk: object) -> None:
    with pytest.raises(NotFound):
        case_get(actor=actor(case_world, "system_admin"), case_id=junk)


def test_a_department_handles_only_its_own_referrals(case_world: World) -> None:
    mine, theirs = case_world.referrals["qianfeng"], case_world.referrals["qianfeng_urban"]
    handler, other = actor(case_world, "handler"), actor(case_world, "other_handler")
    assert list(referral_queue(actor=handler)) == [mine]
    assert list(referral_queue(actor=other)) == [theirs]
    assert referral_get(actor=handler, referral_id=mine.pk) == mine
    with pytest.raises(NotFound):
        referral_get(actor=other, referral_id=mine.pk)
    with pytest.raises(NotFound):
        referral_get(actor=handler, referral_id=theirs.pk)
    # The office sees both for deciding, but handles none.
    officer = actor(case_world, "officer")
    assert set(Referral.objects.visible_to(officer, "decide")) == {mine, theirs}
    assert not referral_queue(actor=officer).exists()
    assert not Referral.objects.visible_to(actor(case_world, "neighbour_officer"), "view").exists()
    assert not Referral.objects.visible_to(handler, "nonsense").exists()


def test_the_queue_marks_overdue_and_leaves_closed_referrals_out(case_world: World) -> None:
    handler = actor(case_world, "handler")
    referral = case_world.referrals["qianfeng"]
    Referral.objects.filter(pk=referral.pk).update(due_date=dt.date.today() - dt.timedelta(days=3))
    assert list(referral_queue(actor=handler, overdue=True)) == [referral]
    assert not referral_queue(actor=handler, overdue=False).exists()
    services.referral_accept(actor=handler, referral=referral)
    referral.refresh_from_db()
    services.referral_reply(actor=handler, referral=referral, reply="已修复")
    assert not referral_queue(actor=handler).exists()
    assert list(referral_queue(actor=handler, open_only=False)) == [referral]


def test_case_list_filters(case_world: World) -> None:
    county = actor(case_world, "county_officer")
    w = case_world

    def listed(**filters: object) -> set[str]:
        return keys(w, case_list(actor=county, filters=CaseFilters(**filters)))  # type: ignore[arg-type]

    assert listed(status=CaseStatus.REFERRED) == {"qianfeng", "qianfeng_urban"}
    assert listed(status=CaseStatus.SUBMITTED) == {"qianfeng_new", "xinghua"}
    assert listed(category="environment") == {"qianfeng_urban"}
    assert listed(region_id=w.regions["xinghua"].pk) == {"xinghua"}
    assert listed(region_id=w.regions["yining"].pk) == set()  # out of reach stays out of reach
    assert listed(region_id=999_999) == set()
    assert listed(station_id=w.stations["qianfeng"].pk) == QIANFENG_CASES
    assert listed(deputy_id=w.deputies["qianfeng"].pk) == {"qianfeng"}
    assert listed(department_id=w.departments["urban"].pk) == {"qianfeng_urban"}
    assert listed(overdue=True) == set() and listed(overdue=False) == QIANFENG_CASES | {"xinghua"}
    assert listed(escalated=True) == set()
    assert listed(open_only=True) == QIANFENG_CASES | {"xinghua"}
    assert listed(kind=CaseKind.SUGGESTION) == set()
    today = dt.date.today()
    assert listed(date_from=today, date_to=today) == QIANFENG_CASES | {"xinghua"}
    assert listed(date_from=today + dt.timedelta(days=1)) == set()
    assert listed(date_to=today - dt.timedelta(days=1)) == set()
    assert listed(q=w.cases["xinghua"].tracking_code.lower().replace("-", "")) == {"xinghua"}
    assert listed(q="垃圾") == {"qianfeng_urban"}


def test_case_list_orders_only_by_the_allowed_fields(case_world: World) -> None:
    admin = actor(case_world, "system_admin")
    newest = list(case_list(actor=admin))
    assert newest == sorted(newest, key=lambda c: (c.created_at, c.pk), reverse=True)
    oldest = list(case_list(actor=admin, filters=CaseFilters(ordering="created_at")))
    assert oldest == newest[::-1]
    for hostile in ("resident_phone", "-secret_hash", "id; drop", "__class__"):
        assert list(case_list(actor=admin, filters=CaseFilters(ordering=hostile))) == newest
    by_due = list(case_list(actor=admin, filters=CaseFilters(ordering="due_date")))
    assert len(by_due) == len(newest)


def test_similar_open_cases_are_the_same_category_and_place_recent_and_open(case_world: World) -> None:
    w = case_world
    housing = CaseCategory.objects.get(code="housing")
    found = similar_open_cases(category=housing, region=w.regions["qianfeng"], title="3号楼窗户")
    assert keys(w, found) == {"qianfeng", "qianfeng_new"}
    assert keys(w, similar_open_cases(category=housing, region=w.regions["xinghua"], title="窗户")) == set()
    assert similar_open_cases(category=None, region=w.regions["qianfeng"], title="窗户") == []
    excluded = similar_open_cases(
        category=housing, region=w.regions["qianfeng"], title="窗户", exclude_id=w.cases["qianfeng"].pk
    )
    assert keys(w, excluded) == {"qianfeng_new"}
    # Closed or old cases are no candidates.
    Case.objects.filter(pk=w.cases["qianfeng_new"].pk).update(status=CaseStatus.CLOSED)
    Case.objects.filter(pk=w.cases["qianfeng"].pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert similar_open_cases(category=housing, region=w.regions["qianfeng"], title="窗户") == []


def test_routing_suggests_the_station_its_deputies_and_the_closest_rules_department(case_world: World) -> None:
    w = case_world
    housing = CaseCategory.objects.get(code="housing")
    plain = routing_suggestion(category=housing, region=w.regions["qianfeng"])
    assert plain.station == w.stations["qianfeng"] and plain.department is None
    assert w.deputies["qianfeng"] in plain.deputies
    RoutingRule.objects.create(category=housing, region=w.regions["wanbailin"], department=w.departments["housing"])
    assert routing_suggestion(category=housing, region=w.regions["qianfeng"]).department == w.departments["housing"]
    # A rule closer to the place wins over the county's.
    RoutingRule.objects.create(category=housing, region=w.regions["qianfeng"], department=w.departments["urban"])
    assert routing_suggestion(category=housing, region=w.regions["qianfeng"]).department == w.departments["urban"]
    # No rule applies across provinces, and an inactive department is never suggested.
    assert routing_suggestion(category=housing, region=w.regions["yining"]).department is None
    Department.objects.filter(pk=w.departments["urban"].pk).update(is_active=False)
    assert routing_suggestion(category=housing, region=w.regions["qianfeng"]).department == w.departments["housing"]


def test_track_lookup_opens_a_case_only_with_its_secret(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    secret = case_world.secrets["qianfeng"]
    ticket = track_lookup(tracking_code=case.tracking_code.lower(), secret=secret)
    assert ticket.case == case and ticket.is_filer
    for code, wrong in ((case.tracking_code, ""), ("", secret), ("XXXX-XXXX-XX", secret)):
        with pytest.raises(NotFound):
            track_lookup(tracking_code=code, secret=wrong)
    other = case_world.secrets["qianfeng_new"]
    if other != secret:
        with pytest.raises(NotFound):
            track_lookup(tracking_code=case.tracking_code, secret=other)


def test_track_lookup_through_a_follower_code_opens_the_followed_case_as_a_follower(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    joined = services.case_join(actor=jurisdiction_for(None), case=case, name="钱七", phone="13700007777")
    ticket = track_lookup(tracking_code=joined.tracking_code, secret=joined.secret)
    assert ticket.case == case and ticket.follower is not None and not ticket.is_filer
    with pytest.raises(NotFound):
        track_lookup(tracking_code=joined.tracking_code, secret=case_world.secrets["qianfeng"])


def test_track_lookup_of_a_merged_duplicate_opens_the_surviving_case_but_not_as_its_filer(case_world: World) -> None:
    w = case_world
    services.case_merge(actor=actor(w, "officer"), case=w.cases["qianfeng_new"], into_case_id=w.cases["qianfeng"].pk)
    ticket = track_lookup(tracking_code=w.cases["qianfeng_new"].tracking_code, secret=w.secrets["qianfeng_new"])
    assert ticket.case == w.cases["qianfeng"]
    assert not ticket.is_filer
    with pytest.raises(Forbidden):
        services.case_withdraw(ticket=ticket)
    assert Case.objects.get(pk=w.cases["qianfeng"].pk).status == CaseStatus.REFERRED


def test_the_case_list_reads_20_or_100_cases_in_the_same_few_queries(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = actor(world, "officer")
    data = services.CaseInput(category="housing", description="楼道灯坏了", station_id=world.stations["qianfeng"].pk)

    def read() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = list(case_list(actor=officer, filters=CaseFilters(open_only=True)))
            for case in rows:  # what a list row shows
                _ = (case.category, case.region.name, case.station, case.deputy, case.department)
        return len(queries)

    for _ in range(20):
        services.case_submit(actor=jurisdiction_for(None), data=data)
    at_20 = read()
    for _ in range(80):
        services.case_submit(actor=jurisdiction_for(None), data=data)
    assert read() == at_20 <= 2
