"""SECURITY.md S22: concurrent writers on one case. Exactly one of two officers acting on the same
version wins; fifty handlers signing for one referral make one signature; two referrals at once
make one referral; twenty retries of one submission make one case.

PostgreSQL only: SQLite serialises writers on one file lock, so nothing races there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseStatus, EventKind, ReferralStatus
from liaison.cases.models import Case, CaseEvent, IdempotencyRecord, Referral
from liaison.core.errors import Conflict, DomainError, IllegalState, VersionConflict
from liaison.testing.personas import World

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in str(settings.DATABASES["default"]["ENGINE"]),
        reason="races need concurrent writers: PostgreSQL only (SQLite takes one writer at a time)",
    ),
    # The flush after each test drops the categories the migrations seed; the root conftest's
    # `_case_categories` puts them back before each database test.
    pytest.mark.django_db(transaction=True),
]


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released together; each thread's result or DomainError."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        try:
            barrier.wait(timeout=30)
            return work(i)
        except DomainError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def wins(results: list[Any]) -> list[Any]:
    return [r for r in results if not isinstance(r, BaseException)]


def test_of_accept_and_decline_on_one_version_exactly_one_wins(transactional_db: None, case_world: World) -> None:
    officer = jurisdiction_for(case_world.users["officer"])
    staff = jurisdiction_for(case_world.users["station_staff"])
    pk = case_world.cases["qianfeng_new"].pk
    copies = [Case.objects.get(pk=pk), Case.objects.get(pk=pk)]
    version = copies[0].version

    def work(i: int) -> Any:
        if i == 0:
            return services.case_accept(actor=officer, case=copies[0], version=version)
        return services.case_decline(actor=staff, case=copies[1], reason="不属于受理范围", version=version)

    results = race(2, work)
    assert len(wins(results)) == 1
    loser = next(r for r in results if isinstance(r, BaseException))
    assert isinstance(loser, VersionConflict | IllegalState)
    case = Case.objects.get(pk=pk)
    assert case.status in (CaseStatus.ACCEPTED, CaseStatus.DECLINED) and case.version == version + 1
    assert CaseEvent.objects.filter(case_id=pk, kind__in=[EventKind.ACCEPTED, EventKind.DECLINED]).count() == 1


def test_fifty_handlers_signing_for_one_referral_make_one_signature(transactional_db: None, case_world: World) -> None:
    handler = jurisdiction_for(case_world.users["handler"])
    pk = case_world.referrals["qianfeng"].pk

    def work(_i: int) -> Any:
        return services.referral_accept(actor=handler, referral=Referral.objects.get(pk=pk))

    results = race(50, work)
    assert len(wins(results)) == 1
    assert all(isinstance(r, VersionConflict | IllegalState) for r in results if isinstance(r, BaseException))
    assert Referral.objects.get(pk=pk).status == ReferralStatus.ACCEPTED
    assert CaseEvent.objects.filter(referral_id=pk, kind=EventKind.REFERRAL_ACCEPTED).count() == 1


def test_two_referrals_at_once_make_one_referral(transactional_db: None, case_world: World) -> None:
    officer = jurisdiction_for(case_world.users["officer"])
    county = jurisdiction_for(case_world.users["county_officer"])
    pk = case_world.cases["qianfeng_new"].pk
    departments = [case_world.departments["housing"].pk, case_world.departments["urban"].pk]

    def work(i: int) -> Any:
        return services.case_refer(
            actor=(officer, county)[i], case=Case.objects.get(pk=pk), department_id=departments[i]
        )

    results = race(2, work)
    assert len(wins(results)) == 1
    assert all(
        isinstance(r, Conflict | VersionConflict | IllegalState) for r in results if isinstance(r, BaseException)
    )
    assert Referral.objects.filter(case_id=pk).count() == 1
    assert CaseEvent.objects.filter(case_id=pk, kind=EventKind.REFERRED).count() == 1


def test_the_one_open_referral_rule_holds_in_the_database_itself(transactional_db: None, case_world: World) -> None:
    from django.db import IntegrityError, transaction

    referral = case_world.referrals["qianfeng"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(case=referral.case, department=referral.department, due_date=referral.due_date)


def test_twenty_retries_of_one_submission_make_one_case(transactional_db: None, case_world: World) -> None:
    station = case_world.stations["qianfeng"].pk
    before = Case.objects.count()

    def work(_i: int) -> Any:
        data = services.CaseInput(category="housing", description="楼道灯坏了", station_id=station)
        done = services.case_submit(actor=jurisdiction_for(None), data=data, idempotency_key="retry-storm-1")
        return (done.case.pk, done.tracking_code, done.secret)

    results = race(20, work)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert len(set(results)) == 1
    assert Case.objects.count() == before + 1
    assert IdempotencyRecord.objects.filter(key="retry-storm-1").count() == 1
