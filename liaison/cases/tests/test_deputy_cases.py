"""The deputy's case pages (/my/cases/): a deputy sees the cases assigned to him, answers the
resident on the spot or after the department's reply, asks for more, notes, records meetings."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import User
from liaison.cases import services
from liaison.cases.choices import CaseStatus, EventKind, Rating
from liaison.cases.models import Case, CaseEvent, TripartiteMeeting
from liaison.cases.selectors import track_lookup
from liaison.core.clock import today
from liaison.core.models import AuditEvent, Notification
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

LIST = "/my/cases/"


def detail_url(case: Case) -> str:
    return reverse("cases_deputy:detail", args=[case.pk])


def fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def page(response: Any) -> str:
    text: str = response.content.decode()
    assert RESIDENT_PHONE not in text
    return text


def act(world: World, persona: str, name: str, case: Case, **data: Any) -> Any:
    case = fresh(case)
    data.setdefault("version", case.version)
    return world.web(persona).post(reverse(f"cases_deputy:{name}", args=[case.pk]), data)


def as_(world: World, persona: str) -> Any:
    return jurisdiction_for(world.users[persona])


def department_replied(world: World, reply: str = "已于本周更换3号楼窗户玻璃。") -> Case:
    handler = as_(world, "handler")
    referral = services.referral_accept(actor=handler, referral=world.referrals["qianfeng"])
    services.referral_reply(actor=handler, referral=referral, reply=reply)
    return fresh(world.cases["qianfeng"])


def assigned_new_case(world: World) -> Case:
    return services.case_assign(
        actor=as_(world, "officer"), case=world.cases["qianfeng_new"], deputy_id=world.deputies["qianfeng"].pk
    )


@pytest.fixture
def other_deputy(case_world: World) -> User:
    """兴华's deputy, signed up: a deputy, but not the one the 千峰 cases are assigned to."""
    user = User.objects.create(username="p_xh_deputy", display_name="兴华代表")
    deputy = case_world.deputies["xinghua"]
    deputy.user = user
    deputy.save(update_fields=["user"])
    return user


# ---- who reaches what ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_cases_is_for_deputies_only(case_world: World, persona: str) -> None:
    response = case_world.web(persona).get(LIST)
    expected = {"anonymous": 302, "deputy": 200}.get(persona, 403)
    assert response.status_code == expected
    page(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_case_opens_only_for_its_deputy(case_world: World, persona: str) -> None:
    response = case_world.web(persona).get(detail_url(case_world.cases["qianfeng"]))
    expected = {"anonymous": 302, "deputy": 200}.get(persona, 403)
    assert response.status_code == expected
    page(response)


def test_another_deputy_gets_404_and_never_sees_the_case(case_world: World, other_deputy: User) -> None:
    from django.test import Client

    client = Client()
    client.force_login(other_deputy, backend="django.contrib.auth.backends.ModelBackend")
    case = case_world.cases["qianfeng"]
    assert client.get(detail_url(case)).status_code == 404
    assert case.tracking_code not in page(client.get(LIST))
    for name in ("answer", "answer_on_spot", "request_info", "note", "meeting", "reveal"):
        url = reverse(f"cases_deputy:{name}", args=[case.pk])
        assert client.post(url, {"version": case.version, "answer": "x", "reason": "x"}).status_code == 404, name


def test_the_deputy_gets_404_for_a_case_not_assigned_to_him(case_world: World) -> None:
    client = case_world.web("deputy")
    for key in ("qianfeng_urban", "qianfeng_new", "xinghua", "yining"):
        assert client.get(detail_url(case_world.cases[key])).status_code == 404, key
    assert client.get("/my/cases/99999999999999999999/").status_code == 404


def test_actions_answer_only_post(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    for name in ("answer", "answer_on_spot", "request_info", "note", "meeting", "reveal"):
        assert case_world.web("deputy").get(reverse(f"cases_deputy:{name}", args=[case.pk])).status_code == 405


# ---- the list -----------------------------------------------------------------------------------


def test_my_cases_lists_only_the_cases_assigned_to_me(case_world: World) -> None:
    text = page(case_world.web("deputy").get(LIST))
    assert case_world.cases["qianfeng"].tracking_code in text
    assert "已交办部门" in text
    for key in ("qianfeng_urban", "qianfeng_new", "xinghua", "yining"):
        assert case_world.cases[key].tracking_code not in text, key


def test_a_case_waiting_for_my_answer_comes_first_and_stands_out(case_world: World) -> None:
    assigned_new_case(case_world)
    department_replied(case_world)
    text = page(case_world.web("deputy").get(LIST))
    assert "有 1 件诉求等您答复群众" in text
    assert text.index(case_world.cases["qianfeng"].tracking_code) < text.index(
        case_world.cases["qianfeng_new"].tracking_code
    )
    assert "待我答复" in text and "部门已答复" in text
    waiting = page(case_world.web("deputy").get(LIST, {"show": "waiting"}))
    assert case_world.cases["qianfeng_new"].tracking_code not in waiting


@pytest.mark.parametrize("query", ["show=' OR 1=1", "page=-1", "page=x", "show=closed"])
def test_junk_filters_never_fail(case_world: World, query: str) -> None:
    assert case_world.web("deputy").get(f"{LIST}?{query}").status_code == 200


def test_the_deputy_nav_links_to_my_cases(case_world: World) -> None:
    text = page(case_world.web("deputy").get("/my/duties/"))
    assert 'href="/my/cases/"' in text and "我的诉求" in text


_codes = itertools.count(1)


def _assigned(world: World, n: int) -> None:
    region = world.regions["qianfeng"]
    Case.objects.bulk_create(
        Case(
            tracking_code=f"D{next(_codes):09d}",
            secret_hash="x",
            channel="online",
            title=f"问题{i}",
            description="路灯不亮",
            region=region,
            region_path=region.path,
            status=[CaseStatus.ASSIGNED, CaseStatus.DEPARTMENT_REPLIED, CaseStatus.CLOSED][i % 3],
            deputy=world.deputies["qianfeng"],
        )
        for i in range(n)
    )


def test_my_cases_costs_the_same_queries_at_20_and_100_cases(case_world: World) -> None:
    client = case_world.web("deputy")
    client.get(LIST)
    _assigned(case_world, 19)
    with CaptureQueriesContext(connection) as at_20:
        assert client.get(LIST).status_code == 200
    _assigned(case_world, 80)
    with CaptureQueriesContext(connection) as at_100:
        assert client.get(LIST).status_code == 200
    assert len(at_100) == len(at_20) <= 15


def test_my_cases_pages_by_20(case_world: World, django_assert_max_num_queries: Any) -> None:
    _assigned(case_world, 30)
    client = case_world.web("deputy")
    with django_assert_max_num_queries(15):
        text = page(client.get(LIST, {"page": 2}))
    assert "第 2 页 / 共 2 页" in text


# ---- the case page ------------------------------------------------------------------------------


def test_the_case_page_masks_the_resident_and_shows_the_whole_timeline(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    services.case_note(actor=as_(case_world, "officer"), case=case, text="该户曾多次反映")
    text = page(case_world.web("deputy").get(detail_url(case)))
    assert "3号楼楼道窗户破了" in text and "135****1234" in text and "王*" in text
    assert "千峰南路3号楼" not in text
    assert "该户曾多次反映" in text and "仅内部可见" in text
    assert "查看完整联系方式" in text
    assert "现场答复群众" not in text, "a referred case waits for the department"


def test_the_deputy_reveals_the_phone_with_a_reason(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    url = reverse("cases_deputy:reveal", args=[case.pk])
    response = case_world.web("deputy").post(url, {"reason": ""})
    assert response.status_code == 422 and "请写明为什么需要查看" in page(response)
    response = case_world.web("deputy").post(url, {"reason": "上门回访"})
    assert response.status_code == 200 and RESIDENT_PHONE in response.content.decode()
    assert AuditEvent.objects.filter(action="case.reveal", actor=case_world.users["deputy"]).count() == 1


def test_no_reveal_on_a_closed_case(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert "查看完整联系方式" not in page(case_world.web("deputy").get(detail_url(case)))
    response = case_world.web("deputy").post(reverse("cases_deputy:reveal", args=[case.pk]), {"reason": "回访"})
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action="case.reveal").exists()


def test_the_deputy_answers_after_the_department_replied(case_world: World) -> None:
    case = department_replied(case_world)
    text = page(case_world.web("deputy").get(detail_url(case)))
    assert "住建局的答复" in text
    assert text.count("已于本周更换3号楼窗户玻璃。") >= 2, "the answer box starts from the department's reply"
    response = act(case_world, "deputy", "answer", case, answer="窗户已于本周更换，请您查看。")
    assert response.status_code == 302
    case = fresh(case)
    assert case.status == CaseStatus.ANSWERED and case.answer == "窗户已于本周更换，请您查看。"
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ANSWERED, actor=case_world.users["deputy"]).exists()
    assert Notification.objects.filter(address=RESIDENT_PHONE, subject="您的诉求已答复").exists()
    assert act(case_world, "deputy", "answer", case, answer="再答复").status_code == 409


def test_answering_before_the_department_replied_is_409(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = act(case_world, "deputy", "answer", case, answer="已处理")
    assert response.status_code == 409
    assert "已交办部门" in page(response)
    assert fresh(case).status == CaseStatus.REFERRED


def test_an_empty_answer_is_422_and_nothing_changes(case_world: World) -> None:
    case = department_replied(case_world)
    response = act(case_world, "deputy", "answer", case, answer="  ")
    assert response.status_code == 422
    assert "请写下给群众的答复" in page(response)
    assert fresh(case).status == CaseStatus.DEPARTMENT_REPLIED


def test_a_stale_answer_is_a_conflict(case_world: World) -> None:
    case = department_replied(case_world)
    stale = case.version
    services.case_note(actor=as_(case_world, "officer"), case=case, text="备注不改版本")
    Case.objects.filter(pk=case.pk).update(version=stale + 1)
    response = case_world.web("deputy").post(
        reverse("cases_deputy:answer", args=[case.pk]), {"version": stale, "answer": "已处理"}
    )
    assert response.status_code == 409
    assert "已被他人修改" in page(response)
    assert fresh(case).status == CaseStatus.DEPARTMENT_REPLIED


def test_the_deputy_answers_on_the_spot(case_world: World) -> None:
    case = assigned_new_case(case_world)
    assert "现场答复群众" in page(case_world.web("deputy").get(detail_url(case)))
    response = act(case_world, "deputy", "answer_on_spot", case, answer="加装电梯请到社区居委会领表申请。")
    assert response.status_code == 302
    case = fresh(case)
    assert case.status == CaseStatus.ANSWERED
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ANSWERED_ON_SPOT).exists()


def test_a_not_satisfied_rating_brings_the_case_back_to_the_deputy(case_world: World) -> None:
    case = department_replied(case_world)
    services.case_answer(actor=as_(case_world, "deputy"), case=case, answer="已更换")
    ticket = track_lookup(tracking_code=case.tracking_code, secret=case_world.secrets["qianfeng"])
    services.case_rate(ticket=ticket, rating=Rating.NOT_SATISFIED, comment="只换了一扇")
    text = page(case_world.web("deputy").get(LIST))
    assert "重新办理" in text and "督办" in text and "待我答复" in text
    response = act(case_world, "deputy", "answer_on_spot", case, answer="其余窗户也已更换。")
    assert response.status_code == 302
    assert fresh(case).status == CaseStatus.ANSWERED


def test_script_in_an_answer_is_shown_as_text(case_world: World) -> None:
    case = assigned_new_case(case_world)
    act(case_world, "deputy", "answer_on_spot", case, answer="<img src=x onerror=alert(1)>好")
    text = page(case_world.web("deputy").get(detail_url(case)))
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;好" in text


def test_the_deputy_asks_the_resident_for_more_information(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = act(case_world, "deputy", "request_info", case, case_version=fresh(case).version, question="")
    assert response.status_code == 422
    response = act(case_world, "deputy", "request_info", case, case_version=fresh(case).version, question="是哪一层？")
    assert response.status_code == 302 and fresh(case).info_requested


def test_an_internal_note_stays_internal(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    assert act(case_world, "deputy", "note", case, text="").status_code == 422
    assert act(case_world, "deputy", "note", case, text="已电话联系物业").status_code == 302
    row = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert not row.is_public and row.note == "已电话联系物业"
    handler_page = page(
        case_world.web("handler").get(reverse("cases_department:detail", args=[case_world.referrals["qianfeng"].pk]))
    )
    assert "已电话联系物业" not in handler_page


def test_the_deputy_records_a_tripartite_meeting(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    housing = case_world.departments["housing"]
    response = act(
        case_world,
        "deputy",
        "meeting",
        case,
        held_on=today().isoformat(),
        place="千峰南社区议事厅",
        residents="3号楼居民代表 3 人",
        deputies=[case_world.deputies["qianfeng"].pk],
        departments=[housing.pk],
        outcome="住建局两周内更换全部窗户。",
    )
    assert response.status_code == 302
    meeting = TripartiteMeeting.objects.get(case=case)
    assert list(meeting.departments.all()) == [housing]
    assert list(meeting.deputies.all()) == [case_world.deputies["qianfeng"]]
    text = page(case_world.web("deputy").get(detail_url(case)))
    assert "住建局两周内更换全部窗户。" in text and "千峰南社区议事厅" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"held_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "会商日期不能晚于今天"),
        ({"held_on": "明天"}, "日期格式"),
        ({"residents": ""}, "请填写参加会商的群众"),
        ({"outcome": ""}, "请填写会商结果"),
        ({"deputies": [], "departments": []}, "至少要有一位代表或一个部门"),
        ({"deputies": ["999999"]}, "请从列表中选择代表"),
        ({"departments": ["abc"]}, "请从列表中选择部门"),
    ],
)
def test_a_bad_meeting_is_422_and_nothing_is_written(case_world: World, change: dict[str, Any], message: str) -> None:
    case = case_world.cases["qianfeng"]
    data = {
        "held_on": today().isoformat(),
        "residents": "居民代表",
        "deputies": [case_world.deputies["qianfeng"].pk],
        "departments": [],
        "outcome": "达成一致",
        **change,
    }
    response = act(case_world, "deputy", "meeting", case, **data)
    assert response.status_code == 422
    assert message in page(response)
    assert not TripartiteMeeting.objects.exists()


def test_another_departments_deputy_choice_is_refused_for_a_meeting(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = act(
        case_world,
        "deputy",
        "meeting",
        case,
        held_on=today().isoformat(),
        residents="居民代表",
        departments=[case_world.departments["urban"].pk],
        outcome="达成一致",
    )
    assert response.status_code == 422, "only departments the case was referred to may be chosen"
    assert not TripartiteMeeting.objects.exists()
