"""SECURITY.md S5: random sequences of case transitions by random personas never corrupt a case.

Every refused step raises a DomainError and changes nothing; after every step a case's status
is a known one, it has at most one open referral, a closed case stays closed, and the last
status-changing event names the status the case is in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import OPEN_REFERRAL_STATUSES, TERMINAL_STATUSES, CaseStatus, Rating
from liaison.cases.models import Case, CaseEvent, CaseFollower, Referral
from liaison.cases.selectors import Ticket, track_lookup
from liaison.core.errors import DomainError
from liaison.testing.personas import PERSONAS, World

CASES = ("qianfeng", "qianfeng_urban", "qianfeng_new", "xinghua", "yining")
STAFF = tuple(p for p in PERSONAS if p not in ("resident", "other_resident"))
# Weighted towards those who may act, so runs get deep into the workflow; the rest are refused.
OFFICE = st.sampled_from(["officer", "officer", "county_officer", "station_staff", "system_admin", *STAFF])
DEPARTMENT = st.sampled_from(["handler", "handler", "other_handler", "other_handler", *STAFF])
TEXT = st.sampled_from(["情况已核实", "已处理", "<b>请补充照片</b>", "情况已核实", "", "x" * 600])


def _snapshot() -> tuple[Any, ...]:
    return (
        list(
            Case.objects.order_by("pk").values_list(
                "pk", "status", "version", "deputy_id", "region_id", "info_requested"
            )
        ),
        list(Referral.objects.order_by("pk").values_list("pk", "status", "version", "extension_status")),
        CaseEvent.objects.count(),
        CaseFollower.objects.count(),
    )


class CaseMachine(RuleBasedStateMachine):
    world: World

    def __init__(self) -> None:
        super().__init__()
        # Each run starts from the case world as the fixture built it, and is rolled back.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.closed: dict[int, str] = {}
        self.refused = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ---- helpers ------------------------------------------------------------------------

    def actor(self, persona: str) -> Any:
        return jurisdiction_for(self.world.users[persona])

    def case(self, key: str) -> Case:
        return Case.objects.get(pk=self.world.cases[key].pk)

    def ticket(self, key: str) -> Ticket | None:
        case = self.world.cases[key]
        try:
            return track_lookup(tracking_code=case.tracking_code, secret=self.world.secrets[key])
        except DomainError:
            return None

    def referral(self, key: str) -> Referral | None:
        return Referral.objects.filter(case_id=self.world.cases[key].pk).order_by("-pk").first()

    def attempt(self, step: Callable[[], object]) -> None:
        """Run a transition: either it succeeds, or it raises a DomainError having written nothing."""
        before = _snapshot()
        try:
            step()
        except DomainError:
            self.refused += 1
            assert _snapshot() == before, "a refused transition changed something"

    # ---- the happy path, so that runs reach the late states ----------------------------------

    @rule(
        key=st.sampled_from(["qianfeng", "qianfeng", "qianfeng", "qianfeng_new", *CASES]),
        rating=st.sampled_from([Rating.SATISFIED, Rating.PARTLY, Rating.NOT_SATISFIED]),
    )
    def advance(self, key: str, rating: str) -> None:
        """Take the case one step along the workflow, as the right person would."""
        admin = self.actor("system_admin")
        case = self.case(key)
        referral = self.referral(key)
        steps: dict[str, Callable[[], object]] = {
            CaseStatus.SUBMITTED: lambda: services.case_accept(actor=admin, case=case),
            CaseStatus.ACCEPTED: lambda: services.case_assign(
                actor=admin, case=case, deputy_id=self.world.deputies["qianfeng"].pk
            ),
            CaseStatus.ASSIGNED: lambda: services.case_refer(
                actor=admin, case=case, department_id=self.world.departments["housing"].pk
            ),
            CaseStatus.DEPARTMENT_REPLIED: lambda: services.case_answer(actor=admin, case=case, answer="已答复"),
            CaseStatus.REOPENED: lambda: services.case_answer_on_spot(actor=admin, case=case, answer="再次答复"),
        }
        if case.status == CaseStatus.REFERRED and referral is not None:
            if referral.status == "pending":
                steps[CaseStatus.REFERRED] = lambda: services.referral_accept(actor=admin, referral=referral)
            else:
                steps[CaseStatus.REFERRED] = lambda: services.referral_reply(
                    actor=admin, referral=referral, reply="已办"
                )
        ticket = self.ticket(key)
        if ticket is not None:
            steps[CaseStatus.ANSWERED] = lambda: services.case_rate(ticket=ticket, rating=rating, comment="还有问题")
        step = steps.get(case.status)
        if step is not None:
            self.attempt(step)

    # ---- the back office --------------------------------------------------------------------

    @rule(persona=OFFICE, key=st.sampled_from(CASES))
    def accept(self, persona: str, key: str) -> None:
        self.attempt(lambda: services.case_accept(actor=self.actor(persona), case=self.case(key)))

    @rule(persona=OFFICE, key=st.sampled_from(CASES), reason=TEXT)
    def decline(self, persona: str, key: str, reason: str) -> None:
        self.attempt(lambda: services.case_decline(actor=self.actor(persona), case=self.case(key), reason=reason))

    @rule(persona=OFFICE, key=st.sampled_from(CASES), deputy=st.sampled_from(["qianfeng", "xinghua", "yining"]))
    def assign(self, persona: str, key: str, deputy: str) -> None:
        self.attempt(
            lambda: services.case_assign(
                actor=self.actor(persona), case=self.case(key), deputy_id=self.world.deputies[deputy].pk
            )
        )

    @rule(
        persona=OFFICE,
        key=st.sampled_from(CASES),
        department=st.sampled_from(["housing", "urban"]),
        days=st.sampled_from([None, 0, 5, 61]),
    )
    def refer(self, persona: str, key: str, department: str, days: int | None) -> None:
        self.attempt(
            lambda: services.case_refer(
                actor=self.actor(persona),
                case=self.case(key),
                department_id=self.world.departments[department].pk,
                due_workdays=days,
            )
        )

    @rule(persona=OFFICE, key=st.sampled_from(CASES))
    def stale_accept(self, persona: str, key: str) -> None:
        case = self.case(key)
        self.attempt(lambda: services.case_accept(actor=self.actor(persona), case=case, version=case.version - 1))

    @rule(persona=OFFICE, key=st.sampled_from(CASES), text=TEXT)
    def answer(self, persona: str, key: str, text: str) -> None:
        self.attempt(lambda: services.case_answer(actor=self.actor(persona), case=self.case(key), answer=text))

    @rule(persona=OFFICE, key=st.sampled_from(CASES), text=TEXT)
    def answer_on_spot(self, persona: str, key: str, text: str) -> None:
        self.attempt(lambda: services.case_answer_on_spot(actor=self.actor(persona), case=self.case(key), answer=text))

    @rule(persona=OFFICE, key=st.sampled_from(CASES), text=TEXT, now=st.integers(0, 2))
    def request_info(self, persona: str, key: str, text: str, now: int) -> None:
        if now == 0:
            self.attempt(
                lambda: services.case_request_info(actor=self.actor(persona), case=self.case(key), question=text)
            )

    @rule(persona=OFFICE, key=st.sampled_from(CASES), into=st.sampled_from(CASES))
    def merge(self, persona: str, key: str, into: str) -> None:
        self.attempt(
            lambda: services.case_merge(
                actor=self.actor(persona), case=self.case(key), into_case_id=self.world.cases[into].pk
            )
        )

    @rule(
        persona=OFFICE,
        key=st.sampled_from(CASES),
        region=st.sampled_from(["qianfeng", "xinghua", "yining", "qianfeng_community"]),
        reason=TEXT,
    )
    def transfer(self, persona: str, key: str, region: str, reason: str) -> None:
        self.attempt(
            lambda: services.case_transfer(
                actor=self.actor(persona), case=self.case(key), region_id=self.world.regions[region].pk, reason=reason
            )
        )

    # ---- the department ------------------------------------------------------------------------

    @rule(persona=DEPARTMENT, key=st.sampled_from(CASES))
    def referral_accept(self, persona: str, key: str) -> None:
        referral = self.referral(key)
        if referral is not None:
            self.attempt(lambda: services.referral_accept(actor=self.actor(persona), referral=referral))

    @rule(persona=DEPARTMENT, key=st.sampled_from(CASES), reason=TEXT)
    def referral_return(self, persona: str, key: str, reason: str) -> None:
        referral = self.referral(key)
        if referral is not None:
            self.attempt(lambda: services.referral_return(actor=self.actor(persona), referral=referral, reason=reason))

    @rule(persona=DEPARTMENT, key=st.sampled_from(CASES), text=TEXT)
    def referral_reply(self, persona: str, key: str, text: str) -> None:
        referral = self.referral(key)
        if referral is not None:
            self.attempt(lambda: services.referral_reply(actor=self.actor(persona), referral=referral, reply=text))

    # ---- the resident ----------------------------------------------------------------------------

    @rule(
        key=st.sampled_from(CASES),
        rating=st.sampled_from([*Rating.values, Rating.SATISFIED, Rating.NOT_SATISFIED, "great"]),
        comment=TEXT,
    )
    def rate(self, key: str, rating: str, comment: str) -> None:
        ticket = self.ticket(key)
        if ticket is not None:
            self.attempt(lambda: services.case_rate(ticket=ticket, rating=rating, comment=comment))

    @rule(key=st.sampled_from(CASES), reason=TEXT, now=st.integers(0, 3))
    def withdraw(self, key: str, reason: str, now: int) -> None:
        ticket = self.ticket(key)
        if ticket is not None and now == 0:  # rarely: a withdrawn case ends the story
            self.attempt(lambda: services.case_withdraw(ticket=ticket, reason=reason))

    @rule(key=st.sampled_from(CASES), text=TEXT)
    def provide_info(self, key: str, text: str) -> None:
        ticket = self.ticket(key)
        if ticket is not None:
            self.attempt(lambda: services.case_provide_info(ticket=ticket, text=text))

    # ---- invariants ------------------------------------------------------------------------------

    @invariant()
    def statuses_are_known(self) -> None:
        assert set(Case.objects.values_list("status", flat=True)) <= set(CaseStatus.values)

    @invariant()
    def at_most_one_open_referral(self) -> None:
        for pk in Case.objects.values_list("pk", flat=True):
            assert Referral.objects.filter(case_id=pk, status__in=OPEN_REFERRAL_STATUSES).count() <= 1

    @invariant()
    def terminal_states_are_never_left(self) -> None:
        current = dict(Case.objects.values_list("pk", "status"))
        for pk, status in self.closed.items():
            assert current[pk] == status, f"case {pk} left {status} for {current[pk]}"
        self.closed.update({pk: s for pk, s in current.items() if s in TERMINAL_STATUSES})

    @invariant()
    def the_last_status_event_names_the_status(self) -> None:
        for case in Case.objects.all():
            last = case.events.exclude(to_status="").order_by("-at", "-id").first()
            assert last is not None and last.to_status == case.status, (case.pk, case.status, last and last.kind)

    @invariant()
    def an_open_referral_means_a_referred_case(self) -> None:
        for referral in Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES).select_related("case"):
            assert referral.case.status == CaseStatus.REFERRED
            assert referral.case.department_id == referral.department_id


def test_random_transitions_never_corrupt_a_case(case_world: World) -> None:
    CaseMachine.world = case_world
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(settings.get_profile("ci"), max_examples=30, stateful_step_count=30),
    )


# ---- the examples the machine found or must keep finding -------------------------------------


def _officer(world: World) -> Any:
    return jurisdiction_for(world.users["officer"])


def test_transferring_an_assigned_case_records_its_status_change(case_world: World) -> None:
    w = case_world
    case = services.case_assign(actor=_officer(w), case=w.cases["qianfeng_new"], deputy_id=w.deputies["qianfeng"].pk)
    case = services.case_transfer(actor=_officer(w), case=case, region_id=w.regions["xinghua"].pk, reason="属兴华街道")
    assert case.status == CaseStatus.ACCEPTED and case.deputy is None
    last = case.events.exclude(to_status="").order_by("-at", "-id").first()
    assert last is not None and (last.kind, last.from_status, last.to_status) == (
        "transferred",
        CaseStatus.ASSIGNED,
        CaseStatus.ACCEPTED,
    )


def test_a_withdrawn_case_cannot_be_accepted_rated_or_merged(case_world: World) -> None:
    w = case_world
    ticket = track_lookup(tracking_code=w.cases["qianfeng_new"].tracking_code, secret=w.secrets["qianfeng_new"])
    services.case_withdraw(ticket=ticket)
    before = _snapshot()
    case = Case.objects.get(pk=w.cases["qianfeng_new"].pk)
    for step in (
        lambda: services.case_accept(actor=_officer(w), case=case),
        lambda: services.case_rate(ticket=ticket, rating=Rating.SATISFIED),
        lambda: services.case_merge(actor=_officer(w), case=case, into_case_id=w.cases["qianfeng"].pk),
        lambda: services.case_withdraw(ticket=ticket),
    ):
        try:
            step()
        except DomainError:
            pass
        else:  # pragma: no cover - a failure
            raise AssertionError("a transition out of a terminal state succeeded")
    assert _snapshot() == before
