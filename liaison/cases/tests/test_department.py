"""The department workspace (/manage/referrals/): a handler sees and acts on his own
department's referrals only; every action is guarded by the referral's state and version."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, TypeVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseStatus, EventKind, ExtensionStatus, ReferralStatus
from liaison.cases.models import Case, CaseEvent, Referral
from liaison.core.clock import today
from liaison.core.models import AuditEvent, Notification
from liaison.core.personal_data import mask_address
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

QUEUE = "/manage/referrals/"
T = TypeVar("T", Case, Referral)


def detail_url(referral: Referral) -> str:
    return reverse("cases_department:detail", args=[referral.pk])


def action_url(name: str, referral: Referral) -> str:
    return reverse(f"cases_department:{name}", args=[referral.pk])


def fresh(row: T) -> T:
    row.refresh_from_db()
    return row


def post(world: World, persona: str, name: str, referral: Referral, **data: Any) -> Any:
    referral = fresh(referral)
    data.setdefault("version", referral.version)
    return world.web(persona).post(action_url(name, referral), data)


def page(response: Any) -> str:
    text: str = response.content.decode()
    assert RESIDENT_PHONE not in text
    return text


# ---- who reaches what ---------------------------------------------------------------------


QUEUE_STATUS = {"anonymous": 302, "handler": 200, "other_handler": 200, "system_admin": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue_is_for_department_handlers_only(case_world: World, persona: str) -> None:
    response = case_world.web(persona).get(QUEUE)
    assert response.status_code == QUEUE_STATUS.get(persona, 403)
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    page(response)


DETAIL_STATUS = {"anonymous": 302, "resident": 403, "other_resident": 403, "handler": 200, "system_admin": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_referral_opens_only_for_its_departments_handler(case_world: World, persona: str) -> None:
    response = case_world.web(persona).get(detail_url(case_world.referrals["qianfeng"]))
    # Everyone else on the staff side, the office that referred it included, gets 404 here.
    assert response.status_code == DETAIL_STATUS.get(persona, 404), persona
    page(response)


def test_a_handler_sees_his_departments_referrals_and_no_other(case_world: World) -> None:
    mine, theirs = case_world.cases["qianfeng"], case_world.cases["qianfeng_urban"]
    text = page(case_world.web("handler").get(QUEUE))
    assert mine.tracking_code in text and mine.title in text
    assert theirs.tracking_code not in text
    other = page(case_world.web("other_handler").get(QUEUE))
    assert theirs.tracking_code in other
    assert mine.tracking_code not in other, "城管局 never sees 住建局's referral"


def test_another_departments_handler_gets_404_for_every_action(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    for name in ("accept", "return", "extend", "reply", "request_info", "reveal"):
        response = post(case_world, "other_handler", name, referral, reason="x", reply="x", question="x", workdays=3)
        assert response.status_code == 404, name
    assert fresh(referral).status == ReferralStatus.PENDING


def test_actions_answer_only_post(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    for name in ("accept", "return", "extend", "reply", "request_info", "reveal"):
        assert case_world.web("handler").get(action_url(name, referral)).status_code == 405


def test_junk_referral_ids_are_404(case_world: World) -> None:
    client = case_world.web("handler")
    assert client.get("/manage/referrals/999999999/").status_code == 404
    assert client.get("/manage/referrals/99999999999999999999999/").status_code == 404


# ---- the queue --------------------------------------------------------------------------------


def test_the_queue_shows_the_deadline_and_marks_an_overdue_referral(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    Referral.objects.filter(pk=referral.pk).update(due_date=today() - dt.timedelta(days=2))
    text = page(case_world.web("handler").get(QUEUE))
    assert "已逾期 2 天" in text
    assert "referral-overdue" in text
    assert case_world.regions["qianfeng"].name in text
    assert "住房" in text or (case_world.cases["qianfeng"].category.name in text)


def test_the_queue_says_how_many_working_days_are_left(case_world: World) -> None:
    text = page(case_world.web("handler").get(QUEUE))
    assert "剩余" in text and "个工作日" in text


def test_the_queue_filters_by_status_and_overdue(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    code = case_world.cases["qianfeng"].tracking_code
    client = case_world.web("handler")
    assert code in page(client.get(QUEUE, {"status": "pending"}))
    assert code not in page(client.get(QUEUE, {"status": "accepted"}))
    assert code not in page(client.get(QUEUE, {"overdue": "1"}))
    services.referral_accept(actor=jurisdiction_for(case_world.users["handler"]), referral=referral)
    services.referral_reply(actor=jurisdiction_for(case_world.users["handler"]), referral=fresh(referral), reply="已修")
    assert code not in page(client.get(QUEUE)), "a replied referral leaves the to-do list"
    assert code in page(client.get(QUEUE, {"status": "all"})), "and stays findable under 全部"


@pytest.mark.parametrize("query", ["status=' OR 1=1 --", "overdue=yes", "page=-1", "page=abc", "status=replied"])
def test_junk_filters_never_fail(case_world: World, query: str) -> None:
    assert case_world.web("handler").get(f"{QUEUE}?{query}").status_code == 200


_codes = itertools.count(1)


def _referrals(world: World, n: int) -> None:
    """n more referrals to 住建局, each on its own case (rows made directly: this is about reads)."""
    region = world.regions["qianfeng"]
    cases = Case.objects.bulk_create(
        Case(
            tracking_code=f"T{next(_codes):09d}",
            secret_hash="x",
            channel="online",
            title=f"问题{i}",
            description="楼道灯坏了",
            region=region,
            region_path=region.path,
            status=CaseStatus.REFERRED,
            department=world.departments["housing"],
        )
        for i in range(n)
    )
    Referral.objects.bulk_create(
        Referral(case=c, department=world.departments["housing"], due_date=today() + dt.timedelta(days=i % 9 - 3))
        for i, c in enumerate(cases)
    )


def test_the_queue_costs_the_same_queries_at_20_and_100_referrals(case_world: World) -> None:
    client = case_world.web("handler")
    client.get(QUEUE)  # warm the session and caches
    _referrals(case_world, 19)
    with CaptureQueriesContext(connection) as at_20:
        assert client.get(QUEUE).status_code == 200
    _referrals(case_world, 80)
    with CaptureQueriesContext(connection) as at_100:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(at_100) == len(at_20) <= 15


def test_the_queue_pages_by_20(case_world: World, django_assert_max_num_queries: Any) -> None:
    _referrals(case_world, 30)
    client = case_world.web("handler")
    with django_assert_max_num_queries(15):
        text = page(client.get(QUEUE, {"page": 2}))
    assert "第 2 页 / 共 2 页" in text


# ---- the referral's page ------------------------------------------------------------------------


def test_the_referral_page_shows_the_case_with_the_resident_masked(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    text = page(case_world.web("handler").get(detail_url(case_world.referrals["qianfeng"])))
    assert case.title in text and "3号楼楼道窗户破了" in text
    assert "135****1234" in text and "王*" in text
    assert "千峰南路3号楼" not in text, "the address is masked"
    assert mask_address(case.address) in text
    assert "查看完整联系方式" in text, "the resident consented: the handler may ask to see it"
    assert "签收" in text and "退回" in text


def test_without_consent_the_referral_carries_no_personal_data(case_world: World) -> None:
    text = page(case_world.web("other_handler").get(detail_url(case_world.referrals["qianfeng_urban"])))
    assert "136****2222" not in text and "13600002222" not in text
    assert "李*" not in text
    assert "查看完整联系方式" not in text


def test_the_referral_page_hides_internal_notes_not_of_this_referral(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    services.case_note(actor=jurisdiction_for(case_world.users["officer"]), case=case, text="内部：该户曾多次反映")
    text = page(case_world.web("handler").get(detail_url(case_world.referrals["qianfeng"])))
    assert "该户曾多次反映" not in text
    assert "交办部门" in text, "the public timeline is there"


# ---- actions ------------------------------------------------------------------------------------


def test_the_handler_signs_for_a_referral(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    client = case_world.web("handler")
    response = client.post(action_url("accept", referral), {"version": fresh(referral).version}, follow=True)
    assert response.redirect_chain == [(detail_url(referral), 302)]
    referral = fresh(referral)
    assert referral.status == ReferralStatus.ACCEPTED and referral.handled_by == case_world.users["handler"]
    assert CaseEvent.objects.filter(referral=referral, kind=EventKind.REFERRAL_ACCEPTED).count() == 1
    text = page(response)
    assert "已签收" in text and "提交办理结果" in text


def test_signing_twice_is_an_expired_action_409(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    post(case_world, "handler", "accept", referral)
    response = post(case_world, "handler", "accept", referral)
    assert response.status_code == 409
    assert "办理中" in page(response) and "不能进行此操作" in response.content.decode()
    assert CaseEvent.objects.filter(referral=referral, kind=EventKind.REFERRAL_ACCEPTED).count() == 1


def test_a_stale_version_is_a_conflict_and_changes_nothing(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    stale = fresh(referral).version
    Referral.objects.filter(pk=referral.pk).update(version=stale + 1)  # someone else saved meanwhile
    response = case_world.web("handler").post(action_url("accept", referral), {"version": stale})
    assert response.status_code == 409
    assert "已被他人修改" in page(response)
    assert fresh(referral).status == ReferralStatus.PENDING


def test_a_missing_or_junk_version_is_422(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    client = case_world.web("handler")
    for data in ({}, {"version": "abc"}, {"version": "-1"}):
        response = client.post(action_url("accept", referral), data)
        assert response.status_code == 422
        assert "页面已过期" in page(response)
    assert fresh(referral).status == ReferralStatus.PENDING


def test_returning_needs_a_reason(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    response = post(case_world, "handler", "return", referral, reason="   ")
    assert response.status_code == 422
    assert "请写明退回的理由" in page(response)
    assert fresh(referral).status == ReferralStatus.PENDING


def test_a_misrouted_referral_goes_back_to_the_office(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    response = post(case_world, "handler", "return", referral, reason="属于物业管理范围，不是住建局职责")
    assert response.status_code == 302
    assert fresh(referral).status == ReferralStatus.RETURNED
    case = Case.objects.get(pk=referral.case_id)
    assert case.status == CaseStatus.ASSIGNED and case.department_id is None
    # The referral is no longer actionable: replying now is an expired referral action.
    response = post(case_world, "handler", "reply", referral, reply="已修好")
    assert response.status_code == 409
    assert "已退回" in page(response)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED


def test_asking_for_an_extension(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    response = post(case_world, "handler", "extend", referral, workdays=5, reason="需要采购玻璃")
    assert response.status_code == 409, "a referral must be signed for first"
    post(case_world, "handler", "accept", referral)
    for bad in ("0", "31", "abc", ""):
        response = post(case_world, "handler", "extend", referral, workdays=bad, reason="需要采购玻璃")
        assert response.status_code == 422, bad
        assert "工作日" in page(response)
    assert fresh(referral).extension_status == ExtensionStatus.NONE
    response = post(case_world, "handler", "extend", referral, workdays=5, reason="需要采购玻璃")
    assert response.status_code == 302
    referral = fresh(referral)
    assert referral.extension_status == ExtensionStatus.REQUESTED and referral.extension_workdays == 5
    response = post(case_world, "handler", "extend", referral, workdays=3, reason="再延")
    assert response.status_code == 409
    assert "已有一份延期申请" in page(response)


def test_replying_needs_a_signed_referral_and_a_result(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    response = post(case_world, "handler", "reply", referral, reply="已更换窗户")
    assert response.status_code == 409
    assert "待签收" in page(response)
    post(case_world, "handler", "accept", referral)
    response = post(case_world, "handler", "reply", referral, reply="")
    assert response.status_code == 422
    assert "请写明办理结果" in page(response)
    assert fresh(referral).status == ReferralStatus.ACCEPTED


def test_the_department_replies_and_the_deputy_is_told(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    post(case_world, "handler", "accept", referral)
    response = post(case_world, "handler", "reply", referral, reply="已于本周更换3号楼窗户玻璃。")
    assert response.status_code == 302
    referral = fresh(referral)
    assert referral.status == ReferralStatus.REPLIED and referral.reply.startswith("已于本周")
    assert Case.objects.get(pk=referral.case_id).status == CaseStatus.DEPARTMENT_REPLIED
    assert Notification.objects.filter(
        recipient=case_world.users["deputy"], link=reverse("cases_deputy:detail", args=[referral.case_id])
    ).exists()
    text = page(case_world.web("handler").get(detail_url(referral)))
    assert "本部门的办理结果" in text and "这件交办已经办结" in text
    assert post(case_world, "handler", "reply", referral, reply="再答复").status_code == 409


def test_script_in_a_reply_is_shown_as_text(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    post(case_world, "handler", "accept", referral)
    post(case_world, "handler", "reply", referral, reply="<script>alert(1)</script>已修")
    text = page(case_world.web("handler").get(detail_url(referral)))
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;已修" in text


def test_control_characters_in_a_reply_are_422(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    post(case_world, "handler", "accept", referral)
    response = post(case_world, "handler", "reply", referral, reply="已修\u202e好")
    assert response.status_code == 422
    assert "控制字符" in page(response)
    assert fresh(referral).status == ReferralStatus.ACCEPTED


def test_a_mislabelled_upload_is_refused_and_nothing_is_written(case_world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral = case_world.referrals["qianfeng"]
    post(case_world, "handler", "accept", referral)
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    try:
        response = post(case_world, "handler", "reply", referral, reply="已修", attachments=fake)
    except NotImplementedError:
        pytest.skip("attachments.validate_uploads is not written yet")
    assert response.status_code == 422
    assert "photo.jpg" in page(response) or "文件" in response.content.decode()
    assert fresh(referral).status == ReferralStatus.ACCEPTED
    assert not referral.attachments.exists()


def test_the_handler_asks_the_resident_for_more_information(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    case = case_world.cases["qianfeng"]
    response = post(case_world, "handler", "request_info", referral, case_version=fresh(case).version, question="")
    assert response.status_code == 422
    assert "请写明需要群众补充的内容" in page(response)
    response = post(
        case_world, "handler", "request_info", referral, case_version=fresh(case).version, question="请拍一张窗户照片"
    )
    assert response.status_code == 302
    assert fresh(case).info_requested
    assert CaseEvent.objects.filter(case=case, kind=EventKind.INFO_REQUESTED, note="请拍一张窗户照片").exists()
    response = post(case_world, "handler", "request_info", referral, case_version=0, question="再拍一张")
    assert response.status_code == 409


def test_the_handler_reveals_the_phone_with_a_reason_and_it_is_audited(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    client = case_world.web("handler")
    response = client.post(action_url("reveal", referral), {"reason": ""})
    assert response.status_code == 422
    assert "请写明为什么需要查看" in page(response)
    assert not AuditEvent.objects.filter(action="case.reveal").exists()
    response = client.post(action_url("reveal", referral), {"reason": "电话联系核实窗户位置"})
    assert response.status_code == 200
    assert RESIDENT_PHONE in response.content.decode() and "王大爷" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    row = AuditEvent.objects.get(action="case.reveal")
    assert row.actor == case_world.users["handler"] and row.reason == "电话联系核实窗户位置"


def test_without_consent_the_reveal_is_refused(case_world: World) -> None:
    referral = case_world.referrals["qianfeng_urban"]
    response = case_world.web("other_handler").post(action_url("reveal", referral), {"reason": "联系群众"})
    assert response.status_code == 403
    assert "13600002222" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="case.reveal").exists()


def test_no_reveal_once_the_referral_is_replied(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    post(case_world, "handler", "accept", referral)
    post(case_world, "handler", "reply", referral, reply="已修")
    text = page(case_world.web("handler").get(detail_url(referral)))
    assert "查看完整联系方式" not in text
    response = case_world.web("handler").post(action_url("reveal", referral), {"reason": "回访"})
    assert response.status_code == 403
    assert RESIDENT_PHONE not in response.content.decode()
