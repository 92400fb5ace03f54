"""The workflow actions on the case detail page: each one's happy path, and the guards that
refuse it (illegal state and stale version 409, out of reach 404, not allowed 403, bad input
422 with the error next to the field and nothing written)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseStatus, ExtensionStatus, ReferralStatus
from liaison.cases.models import Case, CaseEvent, Referral, TripartiteMeeting
from liaison.core.clock import today
from liaison.testing.personas import World

CASE_ACTIONS = (
    "accept",
    "decline",
    "assign",
    "answer_on_spot",
    "refer",
    "answer",
    "request_info",
    "note",
    "transfer",
    "merge",
    "meeting",
    "escalate",
    "publish",
    "unpublish",
    "reveal",
)
REFERRAL_ACTIONS = ("referral_cancel", "extension_decide")


def url(world: World, name: str, key: str = "qianfeng") -> str:
    case = world.cases[key]
    if name in REFERRAL_ACTIONS:
        return reverse(f"cases_case:{name}", args=[case.pk, world.referrals[key].pk])
    return reverse(f"cases_case:{name}", args=[case.pk])


def fresh(world: World, key: str) -> Case:
    return Case.objects.get(pk=world.cases[key].pk)


def post(world: World, persona: str, name: str, key: str, data: dict[str, Any] | None = None) -> Any:
    if name in REFERRAL_ACTIONS:
        version = Referral.objects.get(pk=world.referrals[key].pk).version
    else:
        version = fresh(world, key).version
    body = {"version": version, **(data or {})}
    return world.web(persona).post(url(world, name, key), body)


def actor(world: World, persona: str) -> Any:
    return jurisdiction_for(world.users[persona])


def replied(world: World) -> Case:
    """千峰's case after 住建局 accepted and replied (through the services)."""
    handler = actor(world, "handler")
    referral = services.referral_accept(actor=handler, referral=world.referrals["qianfeng"])
    services.referral_reply(actor=handler, referral=referral, reply="已更换3号楼楼道窗户。")
    return fresh(world, "qianfeng")


# ---- routes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASE_ACTIONS + REFERRAL_ACTIONS)
def test_a_get_on_an_action_route_is_405(case_world: World, name: str) -> None:
    assert case_world.web("officer").get(url(case_world, name)).status_code == 405


@pytest.mark.parametrize("name", CASE_ACTIONS + REFERRAL_ACTIONS)
def test_an_anonymous_post_is_sent_to_the_login(case_world: World, name: str) -> None:
    response = Client().post(url(case_world, name), {"version": 0})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", CASE_ACTIONS + REFERRAL_ACTIONS)
def test_a_neighbouring_township_officer_gets_404_on_every_action(case_world: World, name: str) -> None:
    before = CaseEvent.objects.count()
    response = post(case_world, "neighbour_officer", name, "qianfeng", {"reason": "x", "text": "x"})
    assert response.status_code == 404
    assert CaseEvent.objects.count() == before


@pytest.mark.parametrize("name", CASE_ACTIONS + REFERRAL_ACTIONS)
def test_the_sponsor_is_refused_every_action(case_world: World, name: str) -> None:
    before = CaseEvent.objects.count()
    response = post(case_world, "sponsor", name, "qianfeng", {"reason": "x", "text": "x"})
    assert response.status_code == 403
    assert CaseEvent.objects.count() == before


@pytest.mark.parametrize("name", CASE_ACTIONS + REFERRAL_ACTIONS)
def test_the_other_department_gets_404_on_every_action(case_world: World, name: str) -> None:
    response = post(case_world, "other_handler", name, "qianfeng", {"reason": "x", "text": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["accept", "decline", "assign", "refer", "transfer", "merge", "escalate", "publish"])
def test_the_handler_may_not_run_the_offices_actions(case_world: World, name: str) -> None:
    before = CaseEvent.objects.count()
    response = post(case_world, "handler", name, "qianfeng", {"reason": "x"})
    assert response.status_code == 403
    assert CaseEvent.objects.count() == before


# ---- accept and decline ------------------------------------------------------------------


def test_the_officer_accepts_a_submitted_case(case_world: World) -> None:
    client = case_world.web("officer")
    body = {"version": fresh(case_world, "qianfeng_new").version, "note": "属实"}
    response = client.post(url(case_world, "accept", "qianfeng_new"), body)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases_case:detail", args=[case_world.cases["qianfeng_new"].pk])
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.ACCEPTED
    page = client.get(response["Location"]).content.decode()
    assert "已受理，群众会收到通知。" in page


def test_accepting_a_referred_case_is_an_illegal_state(case_world: World) -> None:
    before = CaseEvent.objects.count()
    response = post(case_world, "officer", "accept", "qianfeng")
    assert response.status_code == 409
    assert "不能进行此操作" in response.content.decode()
    assert CaseEvent.objects.count() == before


def test_a_stale_form_gets_a_version_conflict(case_world: World) -> None:
    stale = fresh(case_world, "qianfeng_new").version
    services.case_request_info(
        actor=actor(case_world, "county_officer"), case=fresh(case_world, "qianfeng_new"), question="请补充小区名称"
    )
    response = case_world.web("officer").post(url(case_world, "accept", "qianfeng_new"), {"version": stale})
    assert response.status_code == 409
    assert "该内容已被他人修改，请刷新后重试" in response.content.decode()
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.SUBMITTED


def test_a_form_without_its_version_is_refused(case_world: World) -> None:
    response = case_world.web("officer").post(url(case_world, "accept", "qianfeng_new"), {})
    assert response.status_code == 422
    assert "页面已过期" in response.content.decode()
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.SUBMITTED


def test_the_officer_declines_with_a_reason(case_world: World) -> None:
    response = post(case_world, "officer", "decline", "qianfeng_new", {"reason": "不属于人大代表联络站受理范围"})
    assert response.status_code == 302
    case = fresh(case_world, "qianfeng_new")
    assert case.status == CaseStatus.DECLINED and "受理范围" in case.answer


def test_a_decline_without_a_reason_shows_the_error_at_the_field_and_writes_nothing(case_world: World) -> None:
    before = CaseEvent.objects.count()
    response = post(case_world, "officer", "decline", "qianfeng_new", {"reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写此项。" in page
    assert 'id="action-decline" open' in page, "the failing action stays open"
    assert CaseEvent.objects.count() == before
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.SUBMITTED


def test_control_characters_in_a_reason_are_a_field_error(case_world: World) -> None:
    response = post(case_world, "officer", "decline", "qianfeng_new", {"reason": "理由\u202e反转"})
    assert response.status_code == 422
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.SUBMITTED


# ---- assign ------------------------------------------------------------------------------


def test_the_officer_assigns_a_deputy(case_world: World) -> None:
    deputy = case_world.deputies["qianfeng2"]
    response = post(case_world, "officer", "assign", "qianfeng_new", {"deputy": deputy.pk})
    assert response.status_code == 302
    case = fresh(case_world, "qianfeng_new")
    assert case.deputy_id == deputy.pk and case.status == CaseStatus.ASSIGNED


def test_a_deputy_out_of_reach_cannot_be_assigned(case_world: World) -> None:
    response = post(case_world, "officer", "assign", "qianfeng_new", {"deputy": case_world.deputies["yining"].pk})
    assert response.status_code == 422
    assert "只能分派给本辖区的在任代表" in response.content.decode()
    assert fresh(case_world, "qianfeng_new").deputy_id is None


def test_the_assign_form_puts_the_suggested_deputy_first(case_world: World) -> None:
    page = case_world.web("officer").get(reverse("cases_case:detail", args=[case_world.cases["qianfeng_new"].pk]))
    html = page.content.decode()
    assert "张海生（推荐）" in html


# ---- answer on the spot, refer, answer ----------------------------------------------------


def test_the_station_staff_answers_on_the_spot(case_world: World) -> None:
    response = post(
        case_world, "station_staff", "answer_on_spot", "qianfeng_new", {"answer": "加装电梯请到社区居委会申请。"}
    )
    assert response.status_code == 302
    case = fresh(case_world, "qianfeng_new")
    assert case.status == CaseStatus.ANSWERED and "居委会" in case.answer


def test_answering_on_the_spot_a_referred_case_is_an_illegal_state(case_world: World) -> None:
    response = post(case_world, "deputy", "answer_on_spot", "qianfeng", {"answer": "已处理"})
    assert response.status_code == 409
    assert fresh(case_world, "qianfeng").status == CaseStatus.REFERRED


def test_the_officer_refers_to_a_department_with_the_categorys_deadline(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    page = case_world.web("officer").get(reverse("cases_case:detail", args=[case.pk])).content.decode()
    assert f'name="due_workdays" value="{case.category.due_workdays}"' in page
    assert "share_personal_data" not in page, "the resident did not consent: no personal data to share"
    response = post(
        case_world,
        "officer",
        "refer",
        "qianfeng_new",
        {"department": case_world.departments["housing"].pk, "due_workdays": 5, "instructions": "请核实"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.department == case_world.departments["housing"]
    assert referral.instructions == "请核实" and not referral.shares_personal_data
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.REFERRED


def test_a_referral_to_a_department_elsewhere_or_a_silly_deadline_is_refused(case_world: World) -> None:
    response = post(
        case_world,
        "officer",
        "refer",
        "qianfeng_new",
        {"department": case_world.departments["housing"].pk, "due_workdays": 0},
    )
    assert response.status_code == 422
    assert "办理时限应为 1 到 60 个工作日" in response.content.decode()
    response = post(case_world, "officer", "refer", "qianfeng_new", {"department": 999999, "due_workdays": 5})
    assert response.status_code == 422
    assert not Referral.objects.filter(case=case_world.cases["qianfeng_new"]).exists()


def test_a_deputy_can_answer_but_not_refer(case_world: World) -> None:
    response = post(case_world, "deputy", "refer", "qianfeng", {"department": case_world.departments["urban"].pk})
    assert response.status_code == 403
    case = replied(case_world)
    page = case_world.web("deputy").get(reverse("cases_case:detail", args=[case.pk])).content.decode()
    assert "已更换3号楼楼道窗户。" in page, "the answer form is prefilled with the department's reply"
    response = post(case_world, "deputy", "answer", "qianfeng", {"answer": "窗户已于本周更换，请您查看。"})
    assert response.status_code == 302
    case = fresh(case_world, "qianfeng")
    assert case.status == CaseStatus.ANSWERED and case.answer == "窗户已于本周更换，请您查看。"


def test_answering_before_the_department_replied_is_an_illegal_state(case_world: World) -> None:
    response = post(case_world, "deputy", "answer", "qianfeng", {"answer": "已处理"})
    assert response.status_code == 409


def test_an_empty_answer_is_a_field_error(case_world: World) -> None:
    replied(case_world)
    response = post(case_world, "deputy", "answer", "qianfeng", {"answer": "   "})
    assert response.status_code == 422
    assert fresh(case_world, "qianfeng").status == CaseStatus.DEPARTMENT_REPLIED


# ---- request info, note, meeting ----------------------------------------------------------


def test_the_deputy_asks_the_resident_for_more_information(case_world: World) -> None:
    response = post(case_world, "deputy", "request_info", "qianfeng", {"question": "请拍一张窗户的照片"})
    assert response.status_code == 302
    assert fresh(case_world, "qianfeng").info_requested


def test_an_internal_note_is_written_and_never_public(case_world: World) -> None:
    response = post(case_world, "station_staff", "note", "qianfeng", {"text": "已电话联系物业"})
    assert response.status_code == 302
    row = CaseEvent.objects.filter(case=case_world.cases["qianfeng"]).latest("id")
    assert row.note == "已电话联系物业" and not row.is_public


def test_a_tripartite_meeting_is_recorded(case_world: World) -> None:
    response = post(
        case_world,
        "officer",
        "meeting",
        "qianfeng",
        {
            "held_on": today().isoformat(),
            "place": "千峰南社区议事厅",
            "residents": "3号楼居民5人",
            "deputies": [case_world.deputies["qianfeng"].pk],
            "departments": [case_world.departments["housing"].pk],
            "outcome": "住建局本周内更换窗户。",
        },
    )
    assert response.status_code == 302
    meeting = TripartiteMeeting.objects.get(case=case_world.cases["qianfeng"])
    assert list(meeting.deputies.all()) == [case_world.deputies["qianfeng"]]
    page = case_world.web("officer").get(response["Location"]).content.decode()
    assert "住建局本周内更换窗户。" in page


def test_a_meeting_in_the_future_or_without_participants_is_refused(case_world: World) -> None:
    response = post(
        case_world,
        "officer",
        "meeting",
        "qianfeng",
        {
            "held_on": (today() + dt.timedelta(days=3)).isoformat(),
            "residents": "居民",
            "outcome": "结果",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "会商日期不能晚于今天" in page
    assert not TripartiteMeeting.objects.exists()


# ---- transfer and merge ------------------------------------------------------------------


def test_the_officer_transfers_a_case_to_the_neighbouring_township(case_world: World) -> None:
    response = post(
        case_world,
        "officer",
        "transfer",
        "qianfeng_new",
        {
            "region": case_world.regions["xinghua"].pk,
            "station": case_world.stations["xinghua"].pk,
            "reason": "地点在兴华街道",
        },
    )
    assert response.status_code == 302
    case = fresh(case_world, "qianfeng_new")
    assert case.region == case_world.regions["xinghua"]
    # The 千峰 office loses sight of it; 兴华 now holds it.
    detail = reverse("cases_case:detail", args=[case.pk])
    assert case_world.web("officer").get(detail).status_code == 404
    assert case_world.web("neighbour_officer").get(detail).status_code == 200


def test_a_transfer_with_an_unlisted_region_is_refused(case_world: World) -> None:
    response = post(
        case_world, "officer", "transfer", "qianfeng_new", {"region": case_world.regions["yining"].pk, "reason": "x"}
    )
    assert response.status_code == 422
    assert fresh(case_world, "qianfeng_new").region == case_world.regions["qianfeng"]


def test_a_case_with_an_open_referral_cannot_be_transferred(case_world: World) -> None:
    response = post(
        case_world, "officer", "transfer", "qianfeng", {"region": case_world.regions["xinghua"].pk, "reason": "x"}
    )
    assert response.status_code == 409


def test_the_officer_merges_a_duplicate_by_its_tracking_code(case_world: World) -> None:
    target = case_world.cases["qianfeng"]
    code = target.tracking_code.replace("-", "").lower()  # as a clerk types it
    response = post(case_world, "officer", "merge", "qianfeng_new", {"into": code})
    assert response.status_code == 302
    case = fresh(case_world, "qianfeng_new")
    assert case.status == CaseStatus.MERGED and case.merged_into_id == target.pk


def test_a_merge_into_a_case_out_of_reach_is_a_field_error(case_world: World) -> None:
    response = post(case_world, "officer", "merge", "qianfeng_new", {"into": case_world.cases["xinghua"].tracking_code})
    assert response.status_code == 422
    assert "没有找到要合并到的诉求" in response.content.decode()
    response = post(case_world, "officer", "merge", "qianfeng_new", {"into": str(case_world.cases["yining"].pk)})
    assert response.status_code == 422
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.SUBMITTED


# ---- escalate, publish, unpublish ----------------------------------------------------------


def test_the_officer_escalates_a_case(case_world: World) -> None:
    response = post(case_world, "officer", "escalate", "qianfeng", {"reason": "群众多次反映"})
    assert response.status_code == 302
    assert fresh(case_world, "qianfeng").is_escalated


def test_a_stale_escalation_gets_a_version_conflict(case_world: World) -> None:
    stale = fresh(case_world, "qianfeng").version
    services.case_request_info(actor=actor(case_world, "officer"), case=fresh(case_world, "qianfeng"), question="照片")
    response = case_world.web("officer").post(url(case_world, "escalate"), {"version": stale, "reason": "催"})
    assert response.status_code == 409
    assert not fresh(case_world, "qianfeng").is_escalated


def test_a_resolved_case_is_published_and_taken_down(case_world: World) -> None:
    services.case_answer_on_spot(
        actor=actor(case_world, "officer"), case=fresh(case_world, "qianfeng_new"), answer="请到社区申请"
    )
    response = post(
        case_world, "officer", "publish", "qianfeng_new", {"summary": "千峰南社区居民咨询加装电梯，已答复。"}
    )
    assert response.status_code == 302
    assert fresh(case_world, "qianfeng_new").is_published
    response = post(case_world, "officer", "unpublish", "qianfeng_new", {"reason": "内容需修改"})
    assert response.status_code == 302
    assert not fresh(case_world, "qianfeng_new").is_published


def test_a_summary_with_a_phone_number_is_refused(case_world: World) -> None:
    services.case_answer_on_spot(
        actor=actor(case_world, "officer"), case=fresh(case_world, "qianfeng_new"), answer="请到社区申请"
    )
    response = post(case_world, "officer", "publish", "qianfeng_new", {"summary": "居民13912345678咨询"})
    assert response.status_code == 422
    assert "不能出现群众的姓名、电话或身份证号" in response.content.decode()
    assert not fresh(case_world, "qianfeng_new").is_published


def test_publishing_an_open_case_is_an_illegal_state(case_world: World) -> None:
    response = post(case_world, "officer", "publish", "qianfeng", {"summary": "摘要"})
    assert response.status_code == 409


def test_unpublishing_a_case_never_published_is_an_illegal_state(case_world: World) -> None:
    response = post(case_world, "officer", "unpublish", "qianfeng", {"reason": "撤"})
    assert response.status_code == 409


# ---- the office's referral actions -----------------------------------------------------------


def test_the_officer_cancels_a_referral(case_world: World) -> None:
    response = post(case_world, "officer", "referral_cancel", "qianfeng", {"reason": "交错部门"})
    assert response.status_code == 302
    assert Referral.objects.get(pk=case_world.referrals["qianfeng"].pk).status == ReferralStatus.CANCELLED
    assert fresh(case_world, "qianfeng").status == CaseStatus.ASSIGNED


def test_a_referral_action_on_another_cases_referral_is_404(case_world: World) -> None:
    wrong = reverse(
        "cases_case:referral_cancel",
        args=[case_world.cases["qianfeng"].pk, case_world.referrals["qianfeng_urban"].pk],
    )
    response = case_world.web("officer").post(wrong, {"version": 0, "reason": "x"})
    assert response.status_code == 404


def test_a_deputy_may_not_cancel_a_referral(case_world: World) -> None:
    response = post(case_world, "deputy", "referral_cancel", "qianfeng", {"reason": "x"})
    assert response.status_code == 403


def _extension_requested(world: World) -> Referral:
    handler = actor(world, "handler")
    referral = services.referral_accept(actor=handler, referral=world.referrals["qianfeng"])
    return services.referral_request_extension(actor=handler, referral=referral, workdays=5, reason="需要采购玻璃")


def test_the_officer_approves_an_extension(case_world: World) -> None:
    referral = _extension_requested(case_world)
    old_due = referral.due_date
    page = case_world.web("officer").get(reverse("cases_case:detail", args=[referral.case_id])).content.decode()
    assert "需要采购玻璃" in page and "审批延期申请" in page
    response = case_world.web("officer").post(
        url(case_world, "extension_decide"), {"version": referral.version, "decision": "approve"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.extension_status == ExtensionStatus.APPROVED and referral.due_date > old_due
    assert fresh(case_world, "qianfeng").due_date == referral.due_date


def test_refusing_an_extension_needs_a_note(case_world: World) -> None:
    referral = _extension_requested(case_world)
    response = case_world.web("officer").post(
        url(case_world, "extension_decide"), {"version": referral.version, "decision": "refuse"}
    )
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.extension_status == ExtensionStatus.REQUESTED


def test_deciding_an_extension_nobody_asked_for_is_an_illegal_state(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    response = case_world.web("officer").post(
        url(case_world, "extension_decide"), {"version": referral.version, "decision": "approve"}
    )
    assert response.status_code == 409


def test_a_stale_referral_form_gets_a_version_conflict(case_world: World) -> None:
    referral = _extension_requested(case_world)
    response = case_world.web("officer").post(
        url(case_world, "extension_decide"), {"version": referral.version - 1, "decision": "approve"}
    )
    assert response.status_code == 409
    assert "该内容已被他人修改，请刷新后重试" in response.content.decode()


def test_a_bad_upload_with_an_answer_is_refused_with_the_reason_and_nothing_written(
    case_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison.cases import attachments
    from liaison.core.errors import InvalidInput

    def refuse(files: Any) -> Any:
        raise InvalidInput(fields={"attachments": ["“窗户.exe”不是照片或 PDF。"]})

    monkeypatch.setattr(attachments, "validate_uploads", refuse)
    before = CaseEvent.objects.count()
    upload = SimpleUploadedFile("窗户.exe", b"MZ\x90\x00", content_type="image/jpeg")
    response = case_world.web("station_staff").post(
        url(case_world, "answer_on_spot", "qianfeng_new"),
        {"version": fresh(case_world, "qianfeng_new").version, "answer": "已答复", "attachments": [upload]},
    )
    assert response.status_code == 422
    assert "不是照片或 PDF" in response.content.decode()
    assert CaseEvent.objects.count() == before
    assert fresh(case_world, "qianfeng_new").status == CaseStatus.SUBMITTED


def test_an_answer_on_the_spot_carries_a_photo_linked_from_the_timeline(case_world: World) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from liaison.cases.models import CaseAttachment

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    upload = SimpleUploadedFile("现场照片.png", buffer.getvalue(), content_type="image/png")
    client = case_world.web("station_staff")
    response = client.post(
        url(case_world, "answer_on_spot", "qianfeng_new"),
        {"version": fresh(case_world, "qianfeng_new").version, "answer": "已现场查看", "attachments": [upload]},
    )
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=case_world.cases["qianfeng_new"])
    page = client.get(response["Location"]).content.decode()
    assert reverse("cases_files:download", args=[attachment.pk]) in page
