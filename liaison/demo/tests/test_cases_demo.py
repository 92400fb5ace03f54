"""The cases demo: every state at 千峰 and 义宁, overdue and escalated cases, the seeds' counts."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from liaison.accounts.models import RoleGrant
from liaison.cases.choices import CaseKind, CaseStatus, EventKind, ReferralStatus
from liaison.cases.models import Case, CaseEvent, CaseFollower, Referral, RoutingRule, TripartiteMeeting
from liaison.core.clock import now
from liaison.demo.cases_demo import MARKER_TITLE, QIANFENG_RESIDENTS_RECEIVED, QIANFENG_SUGGESTIONS
from liaison.organization.models import Region
from liaison.receptions.models import WalkIn
from liaison.stations.models import Station

QIANFENG, YINING = "140109001", "360424100"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _cases_at(code: str):  # type: ignore[no-untyped-def]
    return Case.objects.filter(region_path__startswith=Region.objects.get(code=code).path)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class TestCasesDemo(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("load_demo", stdout=out)
        cls.output = out.getvalue()
        cls.loaded_at = now()

    def test_qianfeng_received_37_residents_in_the_twelve_months_before_the_load(self) -> None:
        stations = Station.objects.filter(region__in=Region.objects.subtree(Region.objects.get(code=QIANFENG)))
        since = self.loaded_at - dt.timedelta(days=365)
        walk_ins = WalkIn.objects.filter(session__station__in=stations)
        assert walk_ins.filter(created_at__gte=since).count() == QIANFENG_RESIDENTS_RECEIVED == 37
        assert walk_ins.filter(session__starts_at__gte=since).count() == 37
        # Every entry opened a case at the same station, filed when the visitor came.
        for walk_in in walk_ins.select_related("case", "session"):
            assert walk_in.case is not None and walk_in.case.station_id == walk_in.session.station_id
            assert abs(walk_in.case.created_at - walk_in.created_at) < dt.timedelta(hours=1)

    def test_qianfeng_took_13_suggestions_in_the_twelve_months_before_the_load(self) -> None:
        since = self.loaded_at - dt.timedelta(days=365)
        suggestions = _cases_at(QIANFENG).filter(kind=CaseKind.SUGGESTION)
        assert suggestions.filter(created_at__gte=since).count() == QIANFENG_SUGGESTIONS == 13
        assert suggestions.count() == 13
        assert suggestions.filter(created_at__lt=self.loaded_at - dt.timedelta(days=200)).exists()

    def test_every_status_appears_at_qianfeng_and_at_yining(self) -> None:
        for code in (QIANFENG, YINING):
            statuses = set(_cases_at(code).values_list("status", flat=True))
            assert statuses == set(CaseStatus.values), (code, set(CaseStatus.values) - statuses)

    def test_overdue_and_escalated_cases_exist_with_their_sweep_events(self) -> None:
        for code in (QIANFENG, YINING):
            cases = _cases_at(code)
            overdue = cases.filter(is_overdue=True, status=CaseStatus.REFERRED)
            assert overdue.exists(), code
            assert CaseEvent.objects.filter(case__in=overdue, kind=EventKind.OVERDUE).exists()
            assert Referral.objects.filter(case__in=overdue, due_date__lt=self.loaded_at.date()).exists()
            assert cases.filter(is_escalated=True, status=CaseStatus.REFERRED).exists(), code
            assert cases.filter(is_escalated=True, status=CaseStatus.REOPENED).exists(), code
        ladder = Referral.objects.filter(status__in=["pending", "accepted"]).values_list("escalation_level", flat=True)
        # The whole ladder: the handler (1), the lead handler (2), the office (3).
        assert {1, 2, 3} <= set(ladder)

    def test_every_status_change_has_an_event_and_timelines_run_forward(self) -> None:
        for case in Case.objects.prefetch_related("events"):
            events = list(case.events.all())
            assert events and events[0].kind == EventKind.SUBMITTED
            changes = [e for e in events if e.to_status]
            assert changes[-1].to_status == case.status or case.status == CaseStatus.CLOSED, case.title
            assert [e.at for e in events] == sorted(e.at for e in events), case.title
            assert abs(events[0].at - case.created_at) < dt.timedelta(minutes=5), case.title
            assert events[-1].at <= self.loaded_at + dt.timedelta(minutes=5)

    def test_the_story_pieces_are_there(self) -> None:
        qianfeng = _cases_at(QIANFENG)
        # A merged duplicate whose filer now follows the surviving case, and a "me too" follower.
        merged = qianfeng.get(status=CaseStatus.MERGED)
        assert merged.merged_into is not None and merged.merged_into.status in ("referred",)
        assert CaseFollower.objects.filter(case=merged.merged_into).count() >= 2
        assert qianfeng.filter(is_published=True).exists() and _cases_at(YINING).filter(is_published=True).exists()
        assert TripartiteMeeting.objects.filter(case__in=qianfeng).exists()
        assert Referral.objects.filter(case__in=qianfeng, status=ReferralStatus.RETURNED).exists()
        assert Referral.objects.filter(case__in=qianfeng, extension_status="requested").exists()
        assert Referral.objects.filter(case__in=_cases_at(YINING), extension_status="approved").exists()
        assert qianfeng.filter(rating="unrated", status=CaseStatus.CLOSED).exists()
        assert qianfeng.filter(status=CaseStatus.DECLINED).exclude(answer="").exists()
        assert qianfeng.filter(resident_user__username="resident1").count() >= 2
        assert RoutingRule.objects.filter(category__code="housing", region__code="140109").exists()
        assert RoutingRule.objects.filter(category__code="roads", region__code="360424").exists()

    def test_seed_004s_broken_windows_were_met_on_and_replaced(self) -> None:
        case = Case.objects.get(title=MARKER_TITLE)
        assert case.status == CaseStatus.CLOSED and case.rating == "satisfied" and case.is_published
        meeting = TripartiteMeeting.objects.get(case=case)
        assert meeting.departments.filter(name="道里区住房和城乡建设局").exists()
        assert "塑钢窗" in case.answer

    def test_department_handlers_include_a_lead_and_reach_only_their_departments_referrals(self) -> None:
        lead = RoleGrant.objects.get(user__username="dept1lead")
        assert lead.is_lead and lead.department.name == "万柏林区住房和城乡建设局"
        assert RoleGrant.objects.filter(is_lead=True).count() == 1
        for username, county in (("dept3", "360424"), ("dept4", "360424")):
            grant = RoleGrant.objects.get(user__username=username)
            assert grant.department.region.code == county
            assert Referral.objects.filter(department=grant.department).exists()
        for username in ("dept1lead", "dept3", "dept4"):
            assert username in self.output

    def test_no_demo_text_message_waits_in_the_outbox(self) -> None:
        from liaison.core.models import Notification

        assert not Notification.objects.filter(status="pending").exclude(channel="in_app").exists()
        assert Notification.objects.filter(channel="in_app", recipient__username="dept1lead").exists()

    def test_a_second_load_adds_no_case(self) -> None:
        counts = (Case.objects.count(), CaseEvent.objects.count(), WalkIn.objects.count())
        call_command("load_demo", stdout=StringIO())
        assert (Case.objects.count(), CaseEvent.objects.count(), WalkIn.objects.count()) == counts
