"""The case API's contract: rate limits with Retry-After, the resident's token, the staff list's
filters and constant query count, what a department and a follower may see, merges, transfers,
meetings, and field errors in Chinese with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.api.api import api
from liaison.cases import codes
from liaison.cases.models import Case, CaseFollower, Referral, TripartiteMeeting
from liaison.core.clock import today
from liaison.testing.personas import RESIDENT_PHONE, World

JSON = "application/json"


def post(client: Any, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, body, content_type=JSON, headers=headers)


def ticket(world: World, key: str, **extra: Any) -> dict[str, Any]:
    return {"tracking_code": world.cases[key].tracking_code, "secret": world.secrets[key], **extra}


# ---- public: rate limits and the resident's token -----------------------------------------------


def test_the_eleventh_submission_in_a_minute_is_a_429_with_retry_after(world: World) -> None:
    client = world.api("anonymous")
    body = {"category": "housing", "description": "楼道灯坏了", "station": world.stations["qianfeng"].pk}
    for _i in range(10):
        assert post(client, "/api/v1/cases", body).status_code == 201
    before = Case.objects.count()
    response = post(client, "/api/v1/cases", body)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "rate_limited"
    assert "秒后再试" in response.json()["message"]
    assert Case.objects.count() == before


def test_twenty_wrong_secrets_lock_the_address_out_of_tracking_for_a_while(case_world: World) -> None:
    client = case_world.api("anonymous")
    right = ticket(case_world, "qianfeng")
    for _i in range(5):  # successful lookups are not counted
        assert post(client, "/api/v1/cases/track", right).status_code == 200
    wrong = {**right, "secret": "000000" if right["secret"] != "000000" else "111111"}
    for _i in range(20):
        response = post(client, "/api/v1/cases/track", wrong)
        assert response.status_code == 404
        assert response.json()["message"] == "查询码或查询密码不正确。"
    response = post(client, "/api/v1/cases/track", right)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert post(client, "/api/v1/cases/rate", {**right, "rating": "satisfied"}).status_code == 429


def test_a_bad_bearer_token_on_a_public_submission_is_a_401(world: World) -> None:
    response = world.api("anonymous").post(
        "/api/v1/cases",
        {"category": "housing", "description": "x", "station": world.stations["qianfeng"].pk},
        content_type=JSON,
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Case.objects.exists()


def test_a_submission_without_a_place_asks_for_one(world: World) -> None:
    response = post(world.api("anonymous"), "/api/v1/cases", {"category": "housing", "description": "路灯坏了"})
    assert response.status_code == 422
    assert "region" in response.json()["fields"]


def test_the_address_finds_the_region_and_a_suggestion_is_filed_as_such(world: World) -> None:
    response = post(
        world.api("anonymous"),
        "/api/v1/cases",
        {"category": "housing", "kind": "suggestion", "description": "建议加装电梯", "address": "千峰街道南社区"},
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    assert case.kind == "suggestion" and case.region == world.regions["qianfeng"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": ""}, "description"),
        ({"phone": "12345"}, "phone"),
        ({"kind": "complaint"}, "kind"),
        ({"consent": "maybe"}, "consent"),
        ({"latitude": 91}, "latitude"),
        ({"station": 0}, "station"),
        ({"station": 999_999}, "station"),
        ({"name": "张\n三"}, "name"),
    ],
)
def test_a_bad_submission_field_is_a_422_on_that_field_and_writes_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    full = {"category": "housing", "description": "窗户坏了", "station": world.stations["qianfeng"].pk, **body}
    response = post(world.api("anonymous"), "/api/v1/cases", full)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"], response.json()
    assert not Case.objects.exists()


# ---- public: what a follower and a merged duplicate's filer may do ------------------------------


def test_a_merged_duplicates_filer_follows_the_surviving_case_but_may_not_rate_or_withdraw_it(
    case_world: World,
) -> None:
    officer = case_world.api("officer")
    duplicate = case_world.cases["qianfeng_new"]
    survivor = case_world.cases["qianfeng"]
    merged = post(officer, f"/api/v1/manage/cases/{duplicate.pk}/merge", {"into": survivor.pk})
    assert merged.status_code == 200, merged.content
    assert merged.json()["status"] == "merged" and merged.json()["merged_into_id"] == survivor.pk
    resident = case_world.api("anonymous")
    tracked = post(resident, "/api/v1/cases/track", ticket(case_world, "qianfeng_new")).json()
    assert tracked["title"] == survivor.title
    assert tracked["is_filer"] is False and not tracked["can_withdraw"]
    # The survivor's filer's own words and contact are not the follower's to read.
    assert tracked["description"] == "" and tracked["address"] == ""
    assert tracked["contact"] == {"name": "", "phone": ""}
    response = post(resident, "/api/v1/cases/withdraw", ticket(case_world, "qianfeng_new"))
    assert response.status_code == 403
    survivor.refresh_from_db()
    assert survivor.status == "referred"


def test_a_follower_sees_his_own_masked_contact_only(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    secret = codes.new_secret()
    code = codes.new_tracking_code()
    CaseFollower.objects.create(
        case=case, tracking_code=code, secret_hash=codes.secret_hash(code, secret), name="赵小花", phone="13700005555"
    )
    tracked = post(case_world.api("anonymous"), "/api/v1/cases/track", {"tracking_code": code, "secret": secret})
    assert tracked.status_code == 200
    body = tracked.json()
    assert body["contact"] == {"name": "赵**", "phone": "137****5555"}
    assert body["tracking_code"] == code and not body["is_filer"]
    assert RESIDENT_PHONE not in tracked.content.decode()


def test_rating_not_satisfied_needs_a_comment(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    post(case_world.api("officer"), f"/api/v1/manage/cases/{case.pk}/answer-on-spot", {"answer": "已答复"})
    response = post(
        case_world.api("anonymous"), "/api/v1/cases/rate", ticket(case_world, "qianfeng_new", rating="not_satisfied")
    )
    assert response.status_code == 422
    assert "comment" in response.json()["fields"]
    response = post(
        case_world.api("anonymous"), "/api/v1/cases/rate", ticket(case_world, "qianfeng_new", rating="great")
    )
    assert response.status_code == 422
    assert "rating" in response.json()["fields"]
    case.refresh_from_db()
    assert case.status == "answered" and case.rating == ""


# ---- manage: list filters, ordering and the query-count guard ----------------------------------


def test_the_staff_list_filters_by_status_category_deputy_department_and_search(case_world: World) -> None:
    client = case_world.api("county_officer")
    cases = case_world.cases

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/manage/cases?{query}")
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["items"]}

    assert ids("status=submitted") == {cases["qianfeng_new"].pk, cases["xinghua"].pk}
    assert ids("category=roads") == {cases["xinghua"].pk}
    assert ids(f"deputy={case_world.deputies['qianfeng'].pk}") == {cases["qianfeng"].pk}
    assert ids(f"department={case_world.departments['urban'].pk}") == {cases["qianfeng_urban"].pk}
    assert ids(f"region={case_world.regions['xinghua'].pk}") == {cases["xinghua"].pk}
    assert ids(f"q={cases['qianfeng'].tracking_code.lower()}") == {cases["qianfeng"].pk}
    assert ids("q=路灯") == {cases["xinghua"].pk}
    assert ids("overdue=true") == set()
    assert ids(f"date_from={today().isoformat()}&date_to={today().isoformat()}") == {
        cases[k].pk for k in ("qianfeng", "qianfeng_urban", "qianfeng_new", "xinghua")
    }
    row = client.get(f"/api/v1/manage/cases?q={cases['qianfeng'].tracking_code}").json()["items"][0]
    assert row["resident_name"] == "王**" and row["resident_phone"] == "135****1234"
    assert row["deputy"]["name"] and row["department"]["id"] == case_world.departments["housing"].pk


@pytest.mark.parametrize(
    "query", ["ordering=title", "ordering=-id;DROP TABLE x", "status=lost", "limit=101", "date_from=yesterday"]
)
def test_a_bad_filter_or_ordering_is_a_422(case_world: World, query: str) -> None:
    response = case_world.api("officer").get(f"/api/v1/manage/cases?{query}")
    assert response.status_code == 422
    assert response.json()["fields"]


def _many_cases(world: World, n: int) -> None:
    station = world.stations["qianfeng"]
    region = station.region
    rows = [
        Case(
            tracking_code=codes.new_tracking_code(),
            secret_hash="x",
            channel="online",
            title=f"第{i}条",
            description="批量",
            region=region,
            region_path=region.path,
            station=station,
            deputy=world.deputies["qianfeng"],
            resident_name="张三",
            resident_phone="13800001111",
        )
        for i in range(n)
    ]
    Case.objects.bulk_create(rows)
    referrals = [
        Referral(case=c, department=world.departments["housing"], due_date=today(), shares_personal_data=i % 2 == 0)
        for i, c in enumerate(Case.objects.filter(description="批量"))
    ]
    Referral.objects.bulk_create(referrals)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("officer", "/api/v1/manage/cases"),
        ("handler", "/api/v1/manage/cases"),
        ("handler", "/api/v1/manage/referrals"),
    ],
)
def test_a_list_costs_the_same_queries_at_20_and_at_100_items(
    world: World, persona: str, url: str, django_assert_max_num_queries: Any
) -> None:
    _many_cases(world, 120)
    client = world.api(persona)
    small = _queries(client, f"{url}?limit=20")
    large = _queries(client, f"{url}?limit=100")
    assert small == large
    with django_assert_max_num_queries(12):
        body = client.get(f"{url}?limit=100").json()
    assert len(body["items"]) == 100 and body["count"] == 120


def test_a_department_sees_the_masked_contact_only_of_residents_who_consented(world: World) -> None:
    _many_cases(world, 4)
    items = world.api("handler").get("/api/v1/manage/cases").json()["items"]
    shown = sorted(i["resident_phone"] for i in items)
    assert shown == ["", "", "138****1111", "138****1111"]


# ---- manage: detail as a department sees it -------------------------------------------------------


def test_a_department_sees_its_own_referral_and_no_internal_note(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    officer = case_world.api("officer")
    post(officer, f"/api/v1/manage/cases/{case.pk}/notes", {"text": "内部：该楼物业有纠纷"})
    office_view = officer.get(f"/api/v1/manage/cases/{case.pk}").json()
    assert office_view["can_triage"] and office_view["can_reveal"]
    handler_view = case_world.api("handler").get(f"/api/v1/manage/cases/{case.pk}").json()
    assert not handler_view["can_triage"] and not handler_view["can_answer"]
    assert [r["department"]["id"] for r in handler_view["referrals"]] == [case_world.departments["housing"].pk]
    assert all("物业有纠纷" not in e["note"] for e in handler_view["timeline"])
    assert any("物业有纠纷" in e["note"] for e in office_view["timeline"])
    assert handler_view["resident_phone"] == "135****1234"
    urban = case_world.api("other_handler").get(f"/api/v1/manage/cases/{case_world.cases['qianfeng_urban'].pk}")
    assert urban.json()["resident_name"] == "" and urban.json()["resident_phone"] == ""
    assert urban.json()["can_reveal"] is False


def test_a_transfer_moves_the_case_out_of_the_offices_sight(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    officer = case_world.api("officer")
    response = post(
        officer,
        f"/api/v1/manage/cases/{case.pk}/transfer",
        {"region": case_world.regions["xinghua"].pk, "station": case_world.stations["xinghua"].pk, "reason": "属兴华"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["region"]["id"] == case_world.regions["xinghua"].pk
    assert officer.get(f"/api/v1/manage/cases/{case.pk}").status_code == 404
    assert case_world.api("neighbour_officer").get(f"/api/v1/manage/cases/{case.pk}").status_code == 200


def test_a_meeting_is_recorded_with_its_participants(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = post(
        case_world.api("deputy"),
        f"/api/v1/manage/cases/{case.pk}/meetings",
        {
            "held_on": today().isoformat(),
            "place": "千峰街道联络站",
            "residents": "王大爷等 3 人",
            "deputies": [case_world.deputies["qianfeng"].pk],
            "departments": [case_world.departments["housing"].pk],
            "outcome": "住建局本周更换窗户",
        },
    )
    assert response.status_code == 200, response.content
    meeting = response.json()["meetings"][0]
    assert meeting["deputies"][0]["id"] == case_world.deputies["qianfeng"].pk
    assert meeting["departments"][0]["id"] == case_world.departments["housing"].pk
    assert TripartiteMeeting.objects.filter(case=case).count() == 1


def test_a_meeting_in_the_future_or_without_participants_is_a_422(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    response = post(
        case_world.api("officer"),
        f"/api/v1/manage/cases/{case.pk}/meetings",
        {"held_on": "2999-01-01", "residents": "王大爷", "outcome": "议定"},
    )
    assert response.status_code == 422
    assert {"held_on", "deputies"} <= set(response.json()["fields"])
    assert not TripartiteMeeting.objects.exists()


def test_a_reveal_needs_a_reason_and_is_refused_once_the_case_is_closed(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    officer = case_world.api("officer")
    response = post(officer, f"/api/v1/manage/cases/{case.pk}/reveal", {"reason": ""})
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    post(officer, f"/api/v1/manage/cases/{case.pk}/decline", {"reason": "不属于受理范围"})
    response = post(officer, f"/api/v1/manage/cases/{case.pk}/reveal", {"reason": "回访"})
    assert response.status_code == 409


def test_a_summary_with_a_phone_number_is_not_published(case_world: World) -> None:
    case = case_world.cases["qianfeng_new"]
    officer = case_world.api("officer")
    post(officer, f"/api/v1/manage/cases/{case.pk}/answer-on-spot", {"answer": "已答复"})
    response = post(officer, f"/api/v1/manage/cases/{case.pk}/publish", {"summary": "联系 13912345678 处理"})
    assert response.status_code == 422
    assert response.json()["fields"]["summary"] == ["公开摘要中不能出现群众的姓名、电话或身份证号。"]
    case.refresh_from_db()
    assert not case.is_published


def test_a_referral_to_a_department_of_another_county_is_a_422(case_world: World) -> None:
    from liaison.organization.models import Department

    far = Department.objects.filter(region__path__startswith=case_world.regions["yining"].path[:6]).exclude(
        region__path__startswith=case_world.cases["qianfeng_new"].region_path[:6]
    )
    department = far.first()
    if department is None:
        department = Department.objects.create(region=case_world.regions["yining"], name="修水县住建局")
    case = case_world.cases["qianfeng_new"]
    response = post(case_world.api("officer"), f"/api/v1/manage/cases/{case.pk}/refer", {"department": department.pk})
    assert response.status_code == 422
    assert "department" in response.json()["fields"]
    assert not Referral.objects.filter(case=case).exists()


def test_bulk_assign_with_one_case_out_of_reach_assigns_none(case_world: World) -> None:
    mine, theirs = case_world.cases["qianfeng_new"], case_world.cases["xinghua"]
    response = post(
        case_world.api("officer"),
        "/api/v1/manage/cases/bulk-assign",
        {"cases": [mine.pk, theirs.pk], "deputy": case_world.deputies["qianfeng"].pk},
    )
    assert response.status_code == 422
    assert "cases" in response.json()["fields"]
    mine.refresh_from_db()
    assert mine.deputy_id is None


def test_the_referral_queue_filters_by_status_and_overdue(case_world: World) -> None:
    client = case_world.api("handler")
    referral = case_world.referrals["qianfeng"]
    assert client.get("/api/v1/manage/referrals?overdue=true").json()["count"] == 0
    assert client.get("/api/v1/manage/referrals?status=pending").json()["count"] == 1
    assert client.get("/api/v1/manage/referrals?status=replied").json()["count"] == 0
    Referral.objects.filter(pk=referral.pk).update(due_date=today().replace(year=today().year - 1))
    row = client.get("/api/v1/manage/referrals?overdue=true").json()["items"][0]
    assert row["is_overdue"] and row["deadline_label"].startswith("已逾期")


def test_every_case_operation_is_in_the_openapi_document_with_its_errors() -> None:
    paths = api.get_openapi_schema()["paths"]
    assert {"/api/v1/cases", "/api/v1/cases/track", "/api/v1/manage/cases/{case_id}/refer"} <= set(paths)
    submit = paths["/api/v1/cases"]["post"]
    assert {200, 201, 422, 429} <= {int(k) for k in submit["responses"]}
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    refer = paths["/api/v1/manage/cases/{case_id}/refer"]["post"]
    assert {200, 401, 403, 404, 409, 422} <= {int(k) for k in refer["responses"]}
