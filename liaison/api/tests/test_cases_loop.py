"""The whole loop of a case through the API only, and the bad inputs of issue 5's "done means":
an unknown category, script tags, an illegal transition, a stale version, an expired referral
action, a replayed Idempotency-Key with another body, huge and deeply nested JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from liaison.cases.models import Case, CaseEvent, IdempotencyRecord, Referral
from liaison.core.models import Notification
from liaison.testing.personas import RESIDENT_PHONE, World

JSON = "application/json"


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, body, content_type=JSON, headers=headers)


def submit(world: World, **extra: Any) -> dict[str, Any]:
    body = {
        "category": "housing",
        "description": "3号楼楼道窗户破了，冬天漏风。",
        "address": "千峰南路3号楼",
        "name": "王大爷",
        "phone": RESIDENT_PHONE,
        "consent": True,
        "station": world.stations["qianfeng"].pk,
        **extra,
    }
    response = post(world.api("anonymous"), "/api/v1/cases", body)
    assert response.status_code == 201, response.content
    return response.json()


def ticket(filed: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"tracking_code": filed["tracking_code"], "secret": filed["secret"], **extra}


def test_a_request_goes_round_the_whole_loop_through_the_api(world: World) -> None:
    resident = world.api("anonymous")
    filed = submit(world)
    assert filed["status"] == "submitted"
    case = Case.objects.get(tracking_code=filed["tracking_code"])
    assert case.channel == "app"

    officer = world.api("officer")
    url = f"/api/v1/manage/cases/{case.pk}"
    detail = officer.get(url).json()
    assert detail["resident_phone"] == "135****1234"
    detail = post(officer, f"{url}/accept", {"version": detail["version"], "note": "已受理"}).json()
    assert detail["status"] == "accepted"
    detail = post(officer, f"{url}/assign", {"version": detail["version"], "deputy": world.deputies["qianfeng"].pk})
    assert detail.status_code == 200, detail.content
    detail = post(
        officer,
        f"{url}/refer",
        {
            "version": detail.json()["version"],
            "department": world.departments["housing"].pk,
            "due_workdays": 5,
            "instructions": "请尽快更换窗户",
        },
    ).json()
    assert detail["status"] == "referred"
    assert detail["department"]["id"] == world.departments["housing"].pk
    referral_id = detail["referrals"][-1]["id"]
    assert detail["referrals"][-1]["shares_personal_data"] is True

    handler = world.api("handler")
    queue = handler.get("/api/v1/manage/referrals").json()
    assert [r["id"] for r in queue["items"]] == [referral_id]
    row = queue["items"][0]
    assert row["deadline_label"].startswith("剩余")
    accepted = post(handler, f"/api/v1/manage/referrals/{referral_id}/accept", {"version": row["version"]}).json()
    assert accepted["status"] == "accepted"
    assert accepted["resident_phone"] == "135****1234"
    replied = post(
        handler,
        f"/api/v1/manage/referrals/{referral_id}/reply",
        {"version": accepted["version"], "reply": "已更换3号楼楼道窗户"},
    ).json()
    assert replied["status"] == "replied"
    assert replied["case"]["status"] == "department_replied"

    deputy = world.api("deputy")
    detail = deputy.get(url).json()
    answered = post(deputy, f"{url}/answer", {"version": detail["version"], "answer": "窗户已于本周更换"}).json()
    assert answered["status"] == "answered"

    tracked = post(resident, "/api/v1/cases/track", ticket(filed)).json()
    assert tracked["answer"] == "窗户已于本周更换" and tracked["can_rate"]
    rated = post(resident, "/api/v1/cases/rate", ticket(filed, rating="not_satisfied", comment="只换了一扇"))
    assert rated.status_code == 200, rated.content
    assert rated.json()["status"] == "reopened"
    case.refresh_from_db()
    assert case.is_escalated and case.status == "reopened"

    detail = officer.get(url).json()
    assert detail["is_escalated"]
    again = post(officer, f"{url}/answer-on-spot", {"version": detail["version"], "answer": "其余窗户也已更换"})
    assert again.json()["status"] == "answered"
    rated = post(resident, "/api/v1/cases/rate", ticket(filed, rating="satisfied")).json()
    assert rated["status"] == "closed"
    assert rated["rating"] == "satisfied" and rated["rating_label"] == "满意"
    kinds = [e["kind"] for e in rated["timeline"]]
    assert kinds[0] == "submitted" and kinds[-1] == "closed"
    assert {"escalated", "reopened", "department_replied", "answered"} <= set(kinds)
    assert Notification.objects.filter(address=RESIDENT_PHONE).exists()


def test_the_resident_sees_no_internal_note_and_no_full_phone(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    officer = case_world.api("officer")
    post(officer, f"/api/v1/manage/cases/{case.pk}/notes", {"text": "内部：该楼物业有纠纷"})
    body = {"tracking_code": case.tracking_code, "secret": case_world.secrets["qianfeng"]}
    response = post(case_world.api("anonymous"), "/api/v1/cases/track", body)
    assert response.status_code == 200
    text = response.content.decode()
    assert "物业有纠纷" not in text
    assert RESIDENT_PHONE not in text
    assert response.json()["contact"] == {"name": "王**", "phone": "135****1234"}
    # The staff side shows the note, marked internal.
    timeline = officer.get(f"/api/v1/manage/cases/{case.pk}").json()["timeline"]
    assert any(e["kind"] == "note" and not e["is_public"] for e in timeline)


def test_a_resident_comments_answers_a_question_and_withdraws(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    resident = case_world.api("anonymous")
    body = {"tracking_code": case.tracking_code, "secret": case_world.secrets["qianfeng_new"]}
    commented = post(resident, "/api/v1/cases/comment", {**body, "text": "补充：电梯井道已预留"}).json()
    assert commented["timeline"][-1]["kind"] == "commented"
    not_asked = post(resident, "/api/v1/cases/answer-info", {**body, "text": "照片见附件"})
    assert not_asked.status_code == 422 and "text" in not_asked.json()["fields"]
    officer = case_world.api("officer")
    asked = post(officer, f"/api/v1/manage/cases/{case.pk}/request-info", {"question": "请告知楼栋号"})
    assert asked.status_code == 200 and asked.json()["info_requested"]
    tracked = post(resident, "/api/v1/cases/track", body).json()
    assert tracked["info_requested"] and tracked["question"] == "请告知楼栋号"
    answered = post(resident, "/api/v1/cases/answer-info", {**body, "text": "5号楼"}).json()
    assert not answered["info_requested"]
    withdrawn = post(resident, "/api/v1/cases/withdraw", {**body, "reason": "已自行解决"}).json()
    assert withdrawn["status"] == "withdrawn" and not withdrawn["can_comment"]


# ---- bad inputs: each a clear 4xx, nothing written ---------------------------------------------


def test_an_unknown_category_is_a_422_on_category_and_writes_nothing(world: World) -> None:
    before = Case.objects.count()
    response = post(
        world.api("anonymous"),
        "/api/v1/cases",
        {"category": "no-such-thing", "description": "路灯坏了", "station": world.stations["qianfeng"].pk},
    )
    assert response.status_code == 422
    assert response.json()["fields"]["category"] == ["没有这个诉求类别，请从列表中选择。"]
    assert Case.objects.count() == before


def test_script_tags_are_stored_and_returned_as_plain_text(world: World) -> None:
    payload = "<script>alert('x')</script>窗户坏了"
    filed = submit(world, description=payload, title="<img src=x onerror=alert(1)>")
    tracked = post(world.api("anonymous"), "/api/v1/cases/track", ticket(filed))
    assert tracked["Content-Type"].startswith(JSON)
    assert tracked.json()["description"] == payload
    assert tracked.json()["title"] == "<img src=x onerror=alert(1)>"


def test_an_illegal_transition_is_a_409_and_writes_nothing(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    before = CaseEvent.objects.count()
    response = post(case_world.api("officer"), f"/api/v1/manage/cases/{case.pk}/answer", {"answer": "已处理"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_state"
    assert CaseEvent.objects.count() == before
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_stale_version_is_a_409_conflict_and_the_first_write_stands(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    officer, staff = case_world.api("officer"), case_world.api("station_staff")
    first = post(officer, f"/api/v1/manage/cases/{case.pk}/accept", {"version": case.version, "note": "受理"})
    assert first.status_code == 200
    second = post(staff, f"/api/v1/manage/cases/{case.pk}/escalate", {"version": case.version, "reason": "催"})
    assert second.status_code == 409
    assert second.json()["code"] == "version_conflict"
    case.refresh_from_db()
    assert case.status == "accepted" and not case.is_escalated


def test_a_referral_action_after_cancellation_is_a_409(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    cancelled = post(
        case_world.api("officer"), f"/api/v1/manage/referrals/{referral.pk}/cancel", {"reason": "交办错了部门"}
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    events = CaseEvent.objects.count()
    reply = post(case_world.api("handler"), f"/api/v1/manage/referrals/{referral.pk}/reply", {"reply": "已处理"})
    assert reply.status_code == 409
    assert reply.json()["code"] == "illegal_state"
    assert CaseEvent.objects.count() == events
    assert Referral.objects.get(pk=referral.pk).reply == ""


def test_a_replayed_idempotency_key_returns_the_same_case_and_another_body_is_a_422(world: World) -> None:
    client = world.api("anonymous")
    body = {"category": "housing", "description": "楼道灯坏了", "station": world.stations["qianfeng"].pk}
    first = post(client, "/api/v1/cases", body, **{"Idempotency-Key": "retry-0001"})
    assert first.status_code == 201
    count = Case.objects.count()
    again = post(client, "/api/v1/cases", body, **{"Idempotency-Key": "retry-0001"})
    assert again.status_code == 200
    assert again.json() == first.json()
    other = post(client, "/api/v1/cases", {**body, "description": "别的事"}, **{"Idempotency-Key": "retry-0001"})
    assert other.status_code == 422
    assert "idempotency_key" in other.json()["fields"]
    assert Case.objects.count() == count
    assert IdempotencyRecord.objects.filter(key="retry-0001").count() == 1


def test_a_replay_answers_the_first_body_even_after_the_case_moved_on(world: World) -> None:
    client = world.api("anonymous")
    body = {"category": "housing", "description": "楼道灯坏了", "station": world.stations["qianfeng"].pk}
    first = post(client, "/api/v1/cases", body, **{"Idempotency-Key": "retry-0002"}).json()
    Case.objects.filter(tracking_code=first["tracking_code"]).update(status="accepted")
    assert post(client, "/api/v1/cases", body, **{"Idempotency-Key": "retry-0002"}).json() == first


@pytest.mark.parametrize("field", ["status", "region", "deputy", "version", "resident_user", "secret_hash"])
def test_fields_a_resident_may_not_set_are_a_422_and_write_nothing(world: World, field: str) -> None:
    before = Case.objects.count()
    body = {"category": "housing", "description": "窗户", "station": world.stations["qianfeng"].pk, field: 1}
    response = post(world.api("anonymous"), "/api/v1/cases", body)
    assert response.status_code == 422
    assert response.json()["fields"][field] == ["不允许提交此字段。"]
    assert Case.objects.count() == before


def test_extra_fields_on_a_transition_are_a_422_and_change_nothing(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    response = post(
        case_world.api("officer"),
        f"/api/v1/manage/cases/{case.pk}/accept",
        {"note": "", "status": "closed", "region": case_world.regions["yining"].pk},
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"status", "region"}
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_huge_body_is_a_4xx_not_a_server_error(world: World) -> None:
    before = Case.objects.count()
    body = {"category": "housing", "description": "窗" * 3_000_000, "station": world.stations["qianfeng"].pk}
    response = post(world.api("anonymous"), "/api/v1/cases", body)
    assert 400 <= response.status_code < 500
    assert Case.objects.count() == before


def test_deeply_nested_json_is_a_4xx_not_a_server_error(world: World) -> None:
    raw = '{"category": "housing", "description": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = world.api("anonymous").post("/api/v1/cases", raw, content_type=JSON)
    assert 400 <= response.status_code < 500
    raw = '{"tracking_code": ' + '{"a":' * 5000 + "1" + "}" * 5000 + ', "secret": "x"}'
    response = world.api("anonymous").post("/api/v1/cases/track", raw, content_type=JSON)
    assert 400 <= response.status_code < 500


def test_control_characters_in_the_description_are_a_422_on_description(world: World) -> None:
    before = Case.objects.count()
    body = {"category": "housing", "description": "窗户\u202e坏了", "station": world.stations["qianfeng"].pk}
    response = post(world.api("anonymous"), "/api/v1/cases", body)
    assert response.status_code == 422
    assert "description" in response.json()["fields"]
    assert Case.objects.count() == before
