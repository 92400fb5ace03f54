"""The resident's pages of cases: submit, follow a similar case, track and act, recover codes by
phone, "my requests", and the 联络站码 / 代表码."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import codes, services
from liaison.cases.choices import CaseStatus, EventKind
from liaison.cases.models import Case, CaseEvent, CaseFollower, IdempotencyRecord, RecoveryCode
from liaison.cases.selectors import track_lookup
from liaison.cases.selectors_public import mask_text
from liaison.core.models import Notification
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World


def actor(world: World, persona: str) -> Any:
    return jurisdiction_for(world.users[persona])


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "request",
        "category": "housing",
        "description": "5号楼门口的路灯坏了一个月。",
        "address": "千峰南路5号楼",
        "station": world.stations["qianfeng"].pk,
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def code_and_secret(page: str) -> tuple[str, str]:
    code = re.search(r"case-code[^>]*>([A-Z0-9-]+)<", page)
    secret = re.search(r"case-secret[^>]*>(\d{6})<", page)
    assert code and secret, "the submitted page shows the code and the secret"
    return code.group(1), secret.group(1)


def tracked_client(world: World, key: str) -> Client:
    client = world.web("anonymous")
    response = client.post("/track/", {"tracking_code": world.cases[key].tracking_code, "secret": world.secrets[key]})
    assert response.status_code == 303
    return client


# ---- the form ---------------------------------------------------------------------------------


def test_the_form_opened_by_a_station_code_names_the_station_and_shows_the_notice(case_world: World) -> None:
    station = case_world.stations["qianfeng"]
    response = case_world.web("anonymous").get(f"/cases/new/?station={station.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert station.name in page
    assert "个人信息告知（2026-11 版）" in page
    assert "同意向承办部门提供我的姓名和电话" in page
    assert "住房物业" in page and "加装电梯" in page, "each category with its help text"
    assert f'value="{station.pk}"' in page
    assert 'name="submission_token"' in page


def test_the_form_opened_by_a_deputy_code_names_the_deputy(case_world: World) -> None:
    deputy = case_world.deputies["qianfeng"]
    page = case_world.web("anonymous").get(f"/cases/new/?deputy={deputy.pk}").content.decode()
    assert f"代表 {deputy.name}" in page


def test_without_a_station_the_form_offers_regions_with_stations(case_world: World) -> None:
    client = case_world.web("anonymous")
    page = client.get("/cases/new/").content.decode()
    assert "选择您所在的地区" in page and "山西省" in page
    region = case_world.regions["qianfeng"]
    page = client.get(f"/cases/new/?region={region.code}").content.decode()
    assert f'name="region" value="{region.code}"' in page


def test_a_junk_station_parameter_still_shows_the_form(case_world: World) -> None:
    response = case_world.web("anonymous").get("/cases/new/?station=' OR 1=1 --&deputy=99999999999999999999")
    assert response.status_code == 200


# ---- submitting -------------------------------------------------------------------------------


def test_a_resident_submits_a_request_and_gets_a_code_and_secret_once(case_world: World) -> None:
    before = Case.objects.count()
    response = case_world.web("anonymous").post("/cases/new/", form_data(case_world, phone=RESIDENT_PHONE))
    page = response.content.decode()
    assert response.status_code == 200
    assert "请截图或抄下" in page
    code, secret = code_and_secret(page)
    assert Case.objects.count() == before + 1
    case = Case.objects.get(tracking_code=code)
    assert case.status == CaseStatus.SUBMITTED and case.station == case_world.stations["qianfeng"]
    assert case.notice_version == "2026-11"
    assert track_lookup(tracking_code=code, secret=secret).case == case
    assert RESIDENT_PHONE not in page


def test_a_resident_who_consents_is_recorded_with_the_time(case_world: World) -> None:
    case_world.web("anonymous").post(
        "/cases/new/", form_data(case_world, name="张三", phone="13900001111", consent="on")
    )
    case = Case.objects.get(resident_phone="13900001111")
    assert case.consent and case.consent_at is not None


def test_the_same_form_token_twice_files_one_case(case_world: World) -> None:
    client = case_world.web("anonymous")
    data = form_data(case_world)
    first = client.post("/cases/new/", data).content.decode()
    second = client.post("/cases/new/", data).content.decode()
    assert code_and_secret(first) == code_and_secret(second)
    assert Case.objects.filter(description=data["description"]).count() == 1


def test_the_same_token_with_other_content_is_refused_in_plain_words(case_world: World) -> None:
    client = case_world.web("anonymous")
    data = form_data(case_world)
    client.post("/cases/new/", data)
    response = client.post("/cases/new/", {**data, "description": "另一件事"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "这份表格已经提交过了" in page
    assert "Idempotency" not in page
    assert data["submission_token"] not in page, "a fresh token for the new request"
    assert not Case.objects.filter(description="另一件事").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": "no-such-category"}, "category", "没有这个诉求类别"),
        ({"category": ""}, "category", "请选择诉求类别"),
        ({"description": ""}, "description", "请写下您要反映的事情"),
        ({"name": "张" * 10_000}, "name", "姓名最多 50 个字"),
        ({"phone": "12345"}, "phone", "电话号码"),
        ({"kind": "complaint"}, "kind", "诉求"),
        ({"description": "路灯坏了\u202e"}, "description", "控制字符"),
        ({"latitude": "north"}, None, "坐标应为数字"),
        ({"station": "", "address": "火星基地"}, None, "请选择所在地区或联络站"),
    ],
)
def test_bad_input_is_a_422_in_chinese_and_writes_nothing(
    case_world: World, overrides: dict[str, Any], field: str | None, message: str
) -> None:
    cases, records = Case.objects.count(), IdempotencyRecord.objects.count()
    response = case_world.web("anonymous").post("/cases/new/", form_data(case_world, **overrides))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    if field:
        assert "field-error" in page or "invalid-feedback" in page
    assert Case.objects.count() == cases and IdempotencyRecord.objects.count() == records


def test_full_width_phone_digits_are_understood(case_world: World) -> None:
    response = case_world.web("anonymous").post("/cases/new/", form_data(case_world, phone="１３９ ００００ ２２２２"))
    assert response.status_code == 200
    assert Case.objects.filter(resident_phone="13900002222").exists()


def test_script_tags_are_stored_as_text_and_shown_escaped(case_world: World) -> None:
    client = case_world.web("anonymous")
    payload = "<script>alert(1)</script>窗户坏了"
    page = client.post("/cases/new/", form_data(case_world, description=payload, title=payload)).content.decode()
    code, secret = code_and_secret(page)
    assert Case.objects.get(tracking_code=code).description == payload
    client.post("/track/", {"tracking_code": code, "secret": secret})
    shown = client.get(f"/track/{Case.objects.get(tracking_code=code).pk}/").content.decode()
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_the_honeypot_answers_400_and_writes_nothing(case_world: World) -> None:
    before = Case.objects.count()
    response = case_world.web("anonymous").post("/cases/new/", form_data(case_world, website="http://spam.example"))
    assert response.status_code == 400
    assert Case.objects.count() == before


def test_the_eleventh_submission_in_a_minute_gets_429_with_retry_after(case_world: World) -> None:
    client = case_world.web("anonymous")
    for _ in range(10):
        assert client.post("/cases/new/", form_data(case_world, description="")).status_code == 422
    before = Case.objects.count()
    response = client.post("/cases/new/", form_data(case_world))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Case.objects.count() == before
    assert client.get("/cases/new/").status_code == 200, "only submissions are counted"


# ---- similar cases and "me too" ---------------------------------------------------------------


def test_similar_open_cases_show_masked_titles_and_no_personal_data(case_world: World) -> None:
    services.case_submit(
        actor=jurisdiction_for(None),
        data=services.CaseInput(
            category="housing",
            description="电梯坏了请联系13912345678",
            name="赵六",
            phone="13912345678",
            station_id=case_world.stations["qianfeng"].pk,
        ),
    )
    station = case_world.stations["qianfeng"].pk
    page = case_world.web("anonymous").get(f"/cases/similar/?category=housing&station={station}").content.decode()
    assert "3号楼楼道窗户破了" in page
    assert "139****5678" in page
    for secret in ("13912345678", "赵六", "王大爷", RESIDENT_PHONE, "千峰南路3号楼"):
        assert secret not in page
    assert "我也遇到了（关注这条）" in page
    other = case_world.web("anonymous").get(f"/cases/similar/?category=roads&station={station}").content.decode()
    assert "3号楼楼道窗户破了" not in other


def test_the_form_with_a_category_chosen_lists_similar_cases(case_world: World) -> None:
    station = case_world.stations["qianfeng"].pk
    page = case_world.web("anonymous").get(f"/cases/new/?station={station}&category=housing").content.decode()
    assert "附近已有人反映过类似的事情" in page


def test_mask_text_hides_phones_and_id_numbers() -> None:
    assert mask_text("电话 135 0000 1234，身份证11010519491231002X") == "电话 135****1234，身份证110105********002X"


def test_a_resident_joins_a_similar_case_and_gets_his_own_code(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    client = case_world.web("anonymous")
    assert client.get(f"/cases/{case.pk}/join/").status_code == 200
    response = client.post(f"/cases/{case.pk}/join/", {"name": "钱七", "phone": "13700007777", "consent": "on"})
    assert response.status_code == 200
    code, secret = code_and_secret(response.content.decode())
    follower = CaseFollower.objects.get(tracking_code=code)
    assert follower.case == case and follower.consent
    ticket = track_lookup(tracking_code=code, secret=secret)
    assert ticket.case == case and not ticket.is_filer


def test_joining_a_closed_or_unknown_case_is_404(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    services.case_decline(actor=actor(case_world, "officer"), case=case, reason="不属于受理范围")
    client = case_world.web("anonymous")
    assert client.get(f"/cases/{case.pk}/join/").status_code == 404
    assert client.post(f"/cases/{case.pk}/join/", {}).status_code == 404
    assert client.get("/cases/999999999/join/").status_code == 404
    assert not CaseFollower.objects.filter(case=case).exists()


# ---- tracking ---------------------------------------------------------------------------------


def test_a_wrong_secret_is_404_and_the_21st_failure_in_an_hour_is_429(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    wrong = "000000" if case_world.secrets["qianfeng"] != "000000" else "111111"
    client = case_world.web("anonymous")
    for _ in range(20):
        response = client.post("/track/", {"tracking_code": case.tracking_code, "secret": wrong})
        assert response.status_code == 404
        assert "查询码或查询密码不正确" in response.content.decode()
    response = client.post("/track/", {"tracking_code": case.tracking_code, "secret": case_world.secrets["qianfeng"]})
    assert response.status_code == 429, "even the right secret waits once the client guessed too often"
    assert int(response["Retry-After"]) > 0


def test_the_secret_never_travels_in_a_url(case_world: World) -> None:
    response = case_world.web("anonymous").get(
        f"/track/?tracking_code={case_world.cases['qianfeng'].tracking_code}&secret={case_world.secrets['qianfeng']}"
    )
    assert response.status_code == 200
    assert "办理过程" not in response.content.decode(), "a GET shows the empty form, never the case"


def test_the_tracked_page_shows_public_events_only_and_masks_the_phone(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    services.case_note(actor=actor(case_world, "officer"), case=case, text="内部备注：住建局王科长电话")
    client = tracked_client(case_world, "qianfeng")
    response = client.get(f"/track/{case.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "3号楼楼道窗户破了" in page
    assert "已交办部门" in page
    assert "内部备注" not in page and "王科长" not in page
    assert RESIDENT_PHONE not in page
    assert "135****1234" in page


def test_the_tracked_page_without_a_proven_ticket_sends_the_visitor_to_the_form(case_world: World) -> None:
    client = tracked_client(case_world, "qianfeng")
    response = client.get(f"/track/{case_world.cases['xinghua'].pk}/")
    assert response.status_code == 303 and response["Location"] == "/track/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_opens_a_case_without_its_secret(case_world: World, persona: str) -> None:
    client = case_world.web(persona)
    case = case_world.cases["qianfeng"]
    response = client.get(f"/track/{case.pk}/")
    if persona == "resident":
        assert response.status_code == 200, "the signed-in resident who filed it"
    else:
        assert response.status_code == 303
    post = client.post(f"/track/{case.pk}/", {"action": "comment", "text": "x"})
    assert post.status_code == 303
    commented = CaseEvent.objects.filter(case=case, kind=EventKind.COMMENTED).exists()
    assert commented == (persona == "resident"), "only the filer's own account may comment without the secret"


def test_a_resident_comments_on_his_case(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    client = tracked_client(case_world, "qianfeng")
    response = client.post(f"/track/{case.pk}/", {"action": "comment", "text": "窗户还在漏风"})
    assert response.status_code == 303
    assert CaseEvent.objects.filter(case=case, kind=EventKind.COMMENTED, note="窗户还在漏风").exists()
    assert "留言已提交" in client.get(f"/track/{case.pk}/").content.decode()


def test_an_empty_comment_is_a_422(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = tracked_client(case_world, "qianfeng").post(f"/track/{case.pk}/", {"action": "comment", "text": ""})
    assert response.status_code == 422
    assert "请写下留言内容" in response.content.decode()


def test_a_resident_answers_a_request_for_more_information(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    services.case_request_info(actor=actor(case_world, "officer"), case=case, question="请说明是哪栋楼")
    client = tracked_client(case_world, "qianfeng_new")
    page = client.get(f"/track/{case.pk}/").content.decode()
    assert "请说明是哪栋楼" in page and "提交补充材料" in page
    response = client.post(f"/track/{case.pk}/", {"action": "info", "text": "7号楼"})
    assert response.status_code == 303
    case.refresh_from_db()
    assert not case.info_requested


def test_a_resident_withdraws_only_with_confirmation(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    client = tracked_client(case_world, "qianfeng_new")
    response = client.post(f"/track/{case.pk}/", {"action": "withdraw", "reason": "已解决"})
    assert response.status_code == 422
    assert "请勾选确认" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    response = client.post(f"/track/{case.pk}/", {"action": "withdraw", "reason": "已解决", "confirm": "on"})
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    again = client.post(f"/track/{case.pk}/", {"action": "comment", "text": "还在吗"})
    assert again.status_code in (200, 409)


def _answered(world: World) -> Case:
    referral = services.referral_accept(actor=actor(world, "handler"), referral=world.referrals["qianfeng"])
    services.referral_reply(actor=actor(world, "handler"), referral=referral, reply="已更换窗户")
    case = Case.objects.get(pk=world.cases["qianfeng"].pk)
    return services.case_answer(actor=actor(world, "deputy"), case=case, answer="窗户已于本周更换")


def test_not_satisfied_reopens_the_case(case_world: World) -> None:
    case = _answered(case_world)
    client = tracked_client(case_world, "qianfeng")
    page = client.get(f"/track/{case.pk}/").content.decode()
    assert "窗户已于本周更换" in page and "评价答复" in page
    missing = client.post(f"/track/{case.pk}/", {"action": "rate", "rating": "not_satisfied"})
    assert missing.status_code == 422, "not satisfied needs a reason"
    response = client.post(f"/track/{case.pk}/", {"action": "rate", "rating": "not_satisfied", "comment": "只换了一扇"})
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED and case.is_escalated
    assert "重新办理" in client.get(f"/track/{case.pk}/").content.decode()


def test_rating_a_case_that_is_not_answered_is_a_409(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = tracked_client(case_world, "qianfeng").post(
        f"/track/{case.pk}/", {"action": "rate", "rating": "satisfied"}
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


def test_a_follower_can_neither_withdraw_nor_rate(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    joined = services.case_join(actor=jurisdiction_for(None), case=case, name="钱七")
    client = case_world.web("anonymous")
    client.post("/track/", {"tracking_code": joined.tracking_code, "secret": joined.secret})
    page = client.get(f"/track/{case.pk}/").content.decode()
    assert "撤回诉求" not in page
    assert "千峰南路3号楼" not in page, "the filer's own words stay his"
    response = client.post(f"/track/{case.pk}/", {"action": "withdraw", "confirm": "on"})
    assert response.status_code == 403
    _answered(case_world)
    response = client.post(f"/track/{case.pk}/", {"action": "rate", "rating": "satisfied"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED


def test_an_unknown_action_is_a_400(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = tracked_client(case_world, "qianfeng").post(f"/track/{case.pk}/", {"action": "delete"})
    assert response.status_code == 400


# ---- recovery ---------------------------------------------------------------------------------


def _otp(phone: str) -> str:
    note = Notification.objects.filter(address=phone, dedupe_key__startswith="recovery:").latest("id")
    found = re.search(r"\d{6}", note.body)
    assert found
    return found.group(0)


def test_a_resident_recovers_his_codes_with_a_one_time_code(case_world: World) -> None:
    client = case_world.web("anonymous")
    response = client.post("/track/recover/", {"step": "phone", "phone": RESIDENT_PHONE})
    assert response.status_code == 200
    assert "如果该号码提交过诉求，验证码已发送" in response.content.decode()
    response = client.post("/track/recover/", {"step": "code", "code": _otp(RESIDENT_PHONE)})
    assert response.status_code == 303
    page = client.get("/track/recover/").content.decode()
    case = case_world.cases["qianfeng"]
    assert case.tracking_code in page
    assert RESIDENT_PHONE not in page
    assert client.get(f"/track/{case.pk}/").status_code == 200
    assert client.get(f"/track/{case_world.cases['xinghua'].pk}/").status_code == 303


def test_a_phone_without_cases_gets_the_same_answer_and_no_message(case_world: World) -> None:
    response = case_world.web("anonymous").post("/track/recover/", {"step": "phone", "phone": "13811112222"})
    assert "如果该号码提交过诉求，验证码已发送" in response.content.decode()
    assert not Notification.objects.filter(address="13811112222").exists()


def test_a_code_dies_after_five_wrong_tries(case_world: World) -> None:
    client = case_world.web("anonymous")
    client.post("/track/recover/", {"step": "phone", "phone": RESIDENT_PHONE})
    right = _otp(RESIDENT_PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert client.post("/track/recover/", {"step": "code", "code": wrong}).status_code == 422
    response = client.post("/track/recover/", {"step": "code", "code": right})
    assert response.status_code == 422
    assert "已失效" in response.content.decode()
    assert RecoveryCode.objects.get().used_at is not None


def test_a_fourth_code_for_one_phone_in_ten_minutes_is_429(case_world: World) -> None:
    for n in range(3):
        client = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert client.post("/track/recover/", {"step": "phone", "phone": RESIDENT_PHONE}).status_code == 200
    response = Client(REMOTE_ADDR="10.0.0.9").post("/track/recover/", {"step": "phone", "phone": RESIDENT_PHONE})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert RecoveryCode.objects.filter(phone_hash=codes.phone_hash(RESIDENT_PHONE)).count() == 3


def test_a_bad_phone_for_recovery_is_a_422(case_world: World) -> None:
    response = case_world.web("anonymous").post("/track/recover/", {"step": "phone", "phone": "abc"})
    assert response.status_code == 422
    assert "电话号码" in response.content.decode()


# ---- my requests --------------------------------------------------------------------------------


def test_my_requests_needs_a_sign_in(case_world: World) -> None:
    response = case_world.web("anonymous").get("/cases/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_signed_in_resident_sees_his_own_requests_only(case_world: World) -> None:
    mine = case_world.web("resident").get("/cases/mine/").content.decode()
    assert "3号楼楼道窗户破了" in mine and case_world.cases["qianfeng"].tracking_code in mine
    assert "兴华路路灯不亮" not in mine
    other = case_world.web("other_resident").get("/cases/mine/").content.decode()
    assert "兴华路路灯不亮" in other and "3号楼楼道窗户破了" not in other
    assert case_world.web("resident").get(f"/track/{case_world.cases['qianfeng'].pk}/").status_code == 200


def _clone_cases(world: World, total: int) -> None:
    template = Case.objects.get(pk=world.cases["qianfeng"].pk)
    rows = []
    for _ in range(total):
        template.pk = None
        template.tracking_code = codes.new_tracking_code()
        rows.append(Case(**{f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields}))
    Case.objects.bulk_create(rows)


def test_my_requests_takes_the_same_queries_at_20_and_100(case_world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = case_world.web("resident")
    counts = []
    for total in (20, 80):
        _clone_cases(case_world, total)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/mine/?page=2").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 9, counts


# ---- QR codes -----------------------------------------------------------------------------------


def test_the_station_code_is_a_printable_qr_of_the_prefilled_form(case_world: World) -> None:
    station = case_world.stations["qianfeng"]
    response = case_world.web("anonymous").get(f"/stations/{station.pk}/case-qr/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "联络站码" in page and "<svg" in page and f"/cases/new/?station={station.pk}" in page


def test_the_deputy_code_opens_the_form_for_the_deputy(case_world: World) -> None:
    deputy = case_world.deputies["qianfeng"]
    page = case_world.web("anonymous").get(f"/deputies/{deputy.pk}/case-qr/").content.decode()
    assert "代表码" in page and f"/cases/new/?deputy={deputy.pk}" in page


def test_qr_codes_of_unpublished_stations_and_inactive_deputies_are_404(case_world: World) -> None:
    client = case_world.web("anonymous")
    station = case_world.stations["qianfeng"]
    station.is_published = False
    station.save(update_fields=["is_published"])
    assert client.get(f"/stations/{station.pk}/case-qr/").status_code == 404
    deputy = case_world.deputies["xinghua"]
    deputy.is_active = False
    deputy.save(update_fields=["is_active"])
    assert client.get(f"/deputies/{deputy.pk}/case-qr/").status_code == 404
    assert client.get("/stations/0/case-qr/").status_code == 404


def test_the_portal_links_to_the_request_form_and_tracking(case_world: World) -> None:
    client = case_world.web("anonymous")
    station = case_world.stations["qianfeng"]
    deputy = case_world.deputies["qianfeng"]
    assert f"/cases/new/?station={station.pk}" in client.get(f"/stations/{station.pk}/").content.decode()
    assert f"/cases/new/?deputy={deputy.pk}" in client.get(f"/deputies/{deputy.pk}/").content.decode()
    home = client.get("/").content.decode()
    assert "/cases/new/" in home and "/track/" in home


# ---- photos and PDFs --------------------------------------------------------------------------


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_photo_is_stored_with_the_request_and_listed_on_the_tracked_page(case_world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison.cases.models import CaseAttachment

    client = case_world.web("anonymous")
    photo = SimpleUploadedFile("窗户.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post("/cases/new/", {**form_data(case_world), "attachments": [photo]})
    assert response.status_code == 200
    code, secret = code_and_secret(response.content.decode())
    case = Case.objects.get(tracking_code=code)
    attachment = CaseAttachment.objects.get(case=case)
    client.post("/track/", {"tracking_code": code, "secret": secret})
    page = client.get(f"/track/{case.pk}/").content.decode()
    assert f"/cases/files/{attachment.pk}/" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("窗户.jpg", b"this is not a picture at all"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1)),
        ("empty.png", b""),
    ],
)
def test_mislabelled_oversized_or_empty_uploads_are_a_422_and_write_nothing(
    case_world: World, name: str, content: bytes
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Case.objects.count()
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = case_world.web("anonymous").post("/cases/new/", {**form_data(case_world), "attachments": [upload]})
    assert response.status_code == 422
    assert "invalid-feedback" in response.content.decode()
    assert Case.objects.count() == before
