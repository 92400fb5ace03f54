"""The back office's case detail page: who reaches it, what it shows (masked), the audited
reveal of the resident's contact, and a bounded number of queries however long the timeline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseStatus
from liaison.cases.models import Case
from liaison.core.models import AuditEvent
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

# What each persona gets on 千峰's referred case (qianfeng: assigned to the 千峰 deputy and
# referred to 住建局, whose handler is `handler`).
EXPECTED = {
    "officer": 200,
    "neighbour_officer": 404,
    "county_officer": 200,
    "station_staff": 200,
    "deputy": 200,
    "handler": 200,
    "other_handler": 404,
    "sponsor": 404,  # sponsors see dashboards, never residents' cases
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
    "system_admin": 200,
}


def detail(world: World, key: str) -> str:
    return reverse("cases_case:detail", args=[world.cases[key].pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer_on_qianfengs_case(case_world: World, persona: str) -> None:
    response = case_world.web(persona).get(detail(case_world, "qianfeng"))
    assert response.status_code == EXPECTED[persona]
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert RESIDENT_PHONE not in response.content.decode(), "the phone shows only behind the reveal"


def test_the_other_department_never_sees_a_case_referred_elsewhere(case_world: World) -> None:
    assert case_world.web("other_handler").get(detail(case_world, "qianfeng")).status_code == 404
    assert case_world.web("handler").get(detail(case_world, "qianfeng_urban")).status_code == 404


def test_a_neighbouring_township_officer_gets_404_and_the_county_officer_sees_both(case_world: World) -> None:
    assert case_world.web("neighbour_officer").get(detail(case_world, "qianfeng_new")).status_code == 404
    assert case_world.web("county_officer").get(detail(case_world, "xinghua")).status_code == 200
    assert case_world.web("officer").get(detail(case_world, "yining")).status_code == 404


def test_a_junk_or_missing_case_id_gets_404(case_world: World) -> None:
    assert case_world.web("officer").get("/manage/cases/999999/").status_code == 404


def test_the_page_shows_the_case_with_its_contact_masked(case_world: World) -> None:
    page = case_world.web("officer").get(detail(case_world, "qianfeng")).content.decode()
    case = case_world.cases["qianfeng"]
    assert case.tracking_code in page
    assert "已交办部门" in page and "text-bg-primary" in page, "status as text and colour"
    assert "剩余" in page, "the deadline reads as working days left"
    assert "135****1234" in page and "王**" in page
    assert "王大爷" not in page
    assert "千峰南路3号楼" not in page, "the address is masked by default"
    assert "万柏林区住房和城乡建设局" in page and "待签收" in page
    assert "查看完整联系方式" in page
    assert "提交诉求" in page and "交办部门" in page, "the full timeline"


def test_the_officer_sees_the_routing_suggestion_and_similar_cases_on_a_new_case(case_world: World) -> None:
    page = case_world.web("officer").get(detail(case_world, "qianfeng_new")).content.decode()
    assert "系统建议" in page
    assert "张海生" in page, "the deputy at the case's station is suggested"
    assert "可能重复的诉求" in page
    assert case_world.cases["qianfeng"].tracking_code in page, "the open 住房 case nearby is a merge candidate"
    assert "把本条并入这条" in page


def test_a_handler_sees_the_case_read_only(case_world: World) -> None:
    page = case_world.web("handler").get(detail(case_world, "qianfeng")).content.decode()
    assert "只能查看" in page
    case_id = case_world.cases["qianfeng"].pk
    for name in ("accept", "assign", "refer", "answer", "escalate", "note", "merge", "transfer"):
        assert f"/manage/cases/{case_id}/{name}" not in page, name
    assert "系统建议" not in page
    # The resident consented, and the referral to 住建局 is open: the handler may reveal.
    assert "查看完整联系方式" in page


def test_a_handler_without_the_residents_consent_sees_no_contact_and_no_reveal(case_world: World) -> None:
    page = case_world.web("other_handler").get(detail(case_world, "qianfeng_urban")).content.decode()
    assert "群众未同意向承办部门提供个人信息" in page
    assert "查看完整联系方式" not in page
    assert "136****2222" not in page


def test_a_deputy_sees_answer_actions_but_no_triage_actions(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    page = case_world.web("deputy").get(detail(case_world, "qianfeng")).content.decode()
    assert f"/manage/cases/{case.pk}/request-info/" in page
    assert f"/manage/cases/{case.pk}/escalate/" not in page
    assert f"/manage/cases/{case.pk}/referrals/" not in page


def test_internal_notes_are_marked_and_script_tags_are_escaped(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    services.case_note(actor=jurisdiction_for(case_world.users["officer"]), case=case, text="<script>alert(1)</script>")
    page = case_world.web("officer").get(detail(case_world, "qianfeng")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "内部" in page


def test_the_reveal_shows_the_full_contact_once_and_audits_it(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    url = reverse("cases_case:reveal", args=[case.pk])
    response = case_world.web("officer").post(url, {"reason": "需要电话联系群众核实楼号"})
    assert response.status_code == 200
    page = response.content.decode()
    assert RESIDENT_PHONE in page and "王大爷" in page and "千峰南路3号楼" in page
    assert "no-store" in response["Cache-Control"]
    row = AuditEvent.objects.get(action="case.reveal", target_id=str(case.pk))
    assert row.reason == "需要电话联系群众核实楼号"
    assert RESIDENT_PHONE not in str(row.changes)
    again = case_world.web("officer").get(detail(case_world, "qianfeng")).content.decode()
    assert RESIDENT_PHONE not in again, "the next page load is masked again"


def test_a_reveal_without_a_reason_is_refused_and_not_audited(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = case_world.web("officer").post(reverse("cases_case:reveal", args=[case.pk]), {"reason": " "})
    assert response.status_code == 422
    assert "请填写此项" in response.content.decode()
    assert RESIDENT_PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="case.reveal").exists()


def test_the_consenting_residents_department_may_reveal(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = case_world.web("handler").post(
        reverse("cases_case:reveal", args=[case.pk]), {"reason": "上门维修前联系"}
    )
    assert response.status_code == 200
    assert RESIDENT_PHONE in response.content.decode()


def test_a_department_may_not_reveal_without_the_residents_consent(case_world: World) -> None:
    case = case_world.cases["qianfeng_urban"]
    response = case_world.web("other_handler").post(reverse("cases_case:reveal", args=[case.pk]), {"reason": "联系"})
    assert response.status_code == 403
    assert "13600002222" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="case.reveal").exists()


def test_the_reveal_is_refused_once_the_case_is_closed(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    page = case_world.web("officer").get(detail(case_world, "qianfeng")).content.decode()
    assert "查看完整联系方式" not in page
    response = case_world.web("officer").post(reverse("cases_case:reveal", args=[case.pk]), {"reason": "回访"})
    assert response.status_code == 409
    assert "诉求已办结，不能再查看完整联系方式" in response.content.decode()
    assert RESIDENT_PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="case.reveal").exists()


@pytest.mark.parametrize("persona", ["neighbour_officer", "other_handler"])
def test_the_reveal_of_an_out_of_reach_case_is_404(case_world: World, persona: str) -> None:
    case = case_world.cases["qianfeng"]
    response = case_world.web(persona).post(reverse("cases_case:reveal", args=[case.pk]), {"reason": "看看"})
    assert response.status_code == 404


def test_the_sponsor_may_not_reveal(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = case_world.web("sponsor").post(reverse("cases_case:reveal", args=[case.pk]), {"reason": "看看"})
    assert response.status_code == 403


def test_the_page_costs_the_same_queries_with_5_or_60_timeline_rows(case_world: World) -> None:
    officer = jurisdiction_for(case_world.users["officer"])
    case = case_world.cases["qianfeng"]
    client = case_world.web("officer")
    url = detail(case_world, "qianfeng")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(55):
        services.case_note(actor=officer, case=case, text=f"第 {i} 次电话回访")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 30


def test_the_new_case_page_has_a_bounded_query_count(case_world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = case_world.web("officer")
    url = detail(case_world, "qianfeng_new")
    client.get(url)
    with django_assert_max_num_queries(35):
        assert client.get(url).status_code == 200
