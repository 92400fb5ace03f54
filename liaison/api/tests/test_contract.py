"""The API contract of issue 2: paging, writes with versions, error envelope, languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.deputies.models import Assignment, Deputy
from liaison.deputies.pinyin import pinyin_key
from liaison.stations.models import Station
from liaison.testing.personas import World

JSON = "application/json"


def test_lists_page_with_limit_and_offset_and_an_exact_count(world: World) -> None:
    client = world.api("anonymous")
    first = client.get("/api/v1/stations?limit=2").json()
    second = client.get("/api/v1/stations?limit=2&offset=2").json()
    assert first["count"] == second["count"] == 4
    assert len(first["items"]) == 2
    assert len(second["items"]) == 2
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    assert client.get("/api/v1/stations?offset=99").json() == {"items": [], "count": 4, "count_is_estimate": False}


def test_the_default_page_is_twenty_items(world: World) -> None:
    body = world.api("anonymous").get("/api/v1/regions").json()
    assert body["count"] == 10
    assert len(body["items"]) == 10


@pytest.mark.parametrize("query", ["limit=101", "limit=0", "offset=-1", "limit=abc"])
def test_bad_paging_is_a_422_with_field_errors(world: World, query: str) -> None:
    response = world.api("anonymous").get(f"/api/v1/stations?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert set(body["fields"]) <= {"limit", "offset"}
    assert body["fields"]


def test_public_items_carry_the_documented_fields(world: World) -> None:
    client = world.api("anonymous")
    region = client.get("/api/v1/regions?q=千峰").json()["items"]
    assert {"code": "140109001", "name": "千峰街道", "tier": "township", "parent_code": "140109"} in region
    station = client.get("/api/v1/stations?region=140109001").json()["items"]
    assert {s["name"] for s in station} == {"千峰街道人大代表联络站", "千峰南社区联络点"}
    point = next(s for s in station if s["kind"] == "point")
    assert set(point) == {"id", "name", "kind", "region_code", "parent_id"}
    assert point["parent_id"] == world.stations["qianfeng"].pk
    deputies = client.get("/api/v1/deputies?region=140109").json()["items"]
    assert {d["name"] for d in deputies} == {"张海生", "李秀英", "赵建国"}
    assert set(deputies[0]) == {"id", "name", "level"}


def test_public_deputy_filters(world: World) -> None:
    client = world.api("anonymous")
    by_station = client.get(f"/api/v1/deputies?station={world.stations['qianfeng'].pk}").json()["items"]
    assert [d["name"] for d in by_station] == ["张海生"]
    by_level = client.get("/api/v1/deputies?level=township").json()["items"]
    assert [d["name"] for d in by_level] == ["黄一魏"]
    assert client.get("/api/v1/deputies?region=999999").json()["count"] == 0


def test_a_deputy_whose_assignment_ended_leaves_the_public_list(world: World) -> None:
    Assignment.objects.filter(pk=world.assignments["xinghua"].pk).update(end=dt.date.today() - dt.timedelta(days=1))
    names = {d["name"] for d in world.api("anonymous").get("/api/v1/deputies").json()["items"]}
    assert "赵建国" not in names
    assert world.api("anonymous").get(f"/api/v1/deputies/{world.deputies['xinghua'].pk}").status_code == 404


def test_the_station_notice_board_shows_deputies_with_their_chosen_numbers(world: World) -> None:
    body = world.api("anonymous").get(f"/api/v1/stations/{world.stations['qianfeng'].pk}").json()
    assert body["deputies"] == [
        {"id": world.deputies["qianfeng"].pk, "name": "张海生", "level": "county", "public_phone": "0351-6011111"}
    ]
    assert body["rules"][0]["title"] == "人大代表接待选民制度"
    assert body["staff"] == [{"kind": "head", "kind_label": "站长", "name": "王站长"}]


def test_create_answers_201_with_the_new_object_and_a_version(world: World) -> None:
    response = world.api("officer").post(
        "/api/v1/manage/stations",
        {
            "name": "千峰北社区联络点",
            "kind": "point",
            "region_code": "140109001001",
            "parent_id": world.stations["qianfeng"].pk,
            "phone": "０３５１-６０１２３４５",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["phone"] == "0351-6012345"
    assert body["region_code"] == "140109001001"
    assert body["can_change"] is True


def test_patch_changes_only_the_given_fields_and_bumps_the_version(world: World) -> None:
    station = world.stations["qianfeng"]
    client = world.api("officer")
    response = client.patch(
        f"/api/v1/manage/stations/{station.pk}", {"version": 1, "notice": "本周三接待"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    station.refresh_from_db()
    assert station.notice == "本周三接待"
    assert station.address == "千峰南路1号"


def test_a_stale_version_is_a_409_and_changes_nothing(world: World) -> None:
    station = world.stations["qianfeng"]
    client = world.api("officer")
    assert (
        client.patch(
            f"/api/v1/manage/stations/{station.pk}", {"version": 1, "notice": "A"}, content_type=JSON
        ).status_code
        == 200
    )
    stale = client.patch(f"/api/v1/manage/stations/{station.pk}", {"version": 1, "notice": "B"}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    station.refresh_from_db()
    assert station.notice == "A"


def test_patch_without_a_version_is_a_422(world: World) -> None:
    response = world.api("officer").patch(
        f"/api/v1/manage/stations/{world.stations['qianfeng'].pk}", {"notice": "x"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "version" in response.json()["fields"]


def test_mass_assignment_is_refused_and_writes_nothing(world: World) -> None:
    """S4: status, jurisdiction, ids of other jurisdictions — unknown fields are a 422."""
    station = world.stations["qianfeng"]
    for extra in ({"id": 999}, {"region_id": world.regions["yining"].pk}, {"created_at": "2020-01-01"}, {"points": []}):
        response = world.api("officer").patch(
            f"/api/v1/manage/stations/{station.pk}", {"version": 1, **extra}, content_type=JSON
        )
        assert response.status_code == 422, extra
    station.refresh_from_db()
    assert station.version == 1


def test_moving_a_station_out_of_reach_is_a_422(world: World) -> None:
    station = world.stations["qianfeng"]
    response = world.api("officer").patch(
        f"/api/v1/manage/stations/{station.pk}", {"version": 1, "region_code": "140109002"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "region_code" in response.json()["fields"]
    station.refresh_from_db()
    assert station.region_id == world.regions["qianfeng"].pk


def test_a_point_under_another_jurisdictions_station_is_a_422(world: World) -> None:
    response = world.api("officer").post(
        "/api/v1/manage/stations",
        {"name": "越界联络点", "kind": "point", "region_code": "140109001", "parent_id": world.stations["xinghua"].pk},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "parent_id" in response.json()["fields"]


def test_a_point_needs_a_parent_and_a_station_cannot_have_one(world: World) -> None:
    client = world.api("officer")
    orphan = client.post(
        "/api/v1/manage/stations", {"name": "孤点", "kind": "point", "region_code": "140109001"}, content_type=JSON
    )
    assert orphan.status_code == 422
    assert orphan.json()["fields"]["parent_id"] == ["联络点必须选择所属的联络站或代表之家。"]
    nested = client.post(
        "/api/v1/manage/stations",
        {"name": "站中站", "kind": "station", "region_code": "140109001", "parent_id": world.stations["qianfeng"].pk},
        content_type=JSON,
    )
    assert nested.status_code == 422


def test_the_same_certificate_number_twice_in_a_term_is_a_409(world: World) -> None:
    payload = {
        "term_id": world.terms["wanbailin"].pk,
        "certificate_no": "WBL17-001",
        "name": "重号代表",
        "constituency_id": world.constituencies["qianfeng"].pk,
    }
    response = world.api("officer").post("/api/v1/manage/deputies", payload, content_type=JSON)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "certificate_no" in response.json()["fields"]


def test_a_deputy_is_created_with_pinyin_and_the_terms_level(world: World) -> None:
    payload = {
        "term_id": world.terms["wanbailin"].pk,
        "certificate_no": "WBL17-003",
        "name": "王小明",
        "constituency_id": world.constituencies["qianfeng"].pk,
        "work_phone": "+86 139 0000 1111",
    }
    response = world.api("officer").post("/api/v1/manage/deputies", payload, content_type=JSON)
    assert response.status_code == 201, response.content
    deputy = Deputy.objects.get(pk=response.json()["id"])
    assert deputy.level == "county"
    assert deputy.work_phone == "13900001111"
    assert deputy.name_pinyin == pinyin_key("王小明") == "wangxiaoming wxm"
    found = world.api("officer").get("/api/v1/manage/deputies?q=wxm").json()["items"]
    assert [d["name"] for d in found] == ["王小明"]


def test_a_bad_phone_is_a_specific_chinese_field_error(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    response = world.api("officer").patch(
        f"/api/v1/manage/deputies/{deputy.pk}", {"version": 1, "work_phone": "12345"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "电话号码" in response.json()["fields"]["work_phone"][0]


def test_messages_follow_accept_language_with_chinese_by_default(world: World) -> None:
    client = world.api("anonymous")
    zh = client.get("/api/v1/stations/999999")
    assert zh.status_code == 404
    assert zh.json() == {"code": "not_found", "message": "没有找到该内容。", "fields": {}}
    en = client.get("/api/v1/stations/999999", headers={"Accept-Language": "en"})
    assert en.json()["code"] == "not_found"
    assert en.json()["message"] == "Not found."
    hant = client.get("/api/v1/stations/999999", headers={"Accept-Language": "zh-Hant"})
    assert hant.json()["message"] == "沒有找到該內容。"


def test_error_codes_are_listed_in_the_openapi_document(world: World) -> None:
    schema = world.api("anonymous").get("/api/v1/openapi.json").json()
    codes = schema["components"]["schemas"]["ErrorCode"]["enum"]
    assert {"invalid_input", "not_found", "version_conflict", "unauthorized", "forbidden", "conflict"} <= set(codes)


def test_the_interactive_docs_come_from_local_assets(world: World) -> None:
    page = world.api("anonymous").get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_assignments_end_and_stay_in_the_history(world: World) -> None:
    client = world.api("officer")
    assignment = world.assignments["qianfeng2"]
    assert (
        client.post(
            f"/api/v1/manage/assignments/{assignment.pk}/end", {"reason": "工作调动"}, content_type=JSON
        ).status_code
        == 200
    )
    again = client.post(f"/api/v1/manage/assignments/{assignment.pk}/end", {}, content_type=JSON)
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_state"
    detail = client.get(f"/api/v1/manage/deputies/{world.deputies['qianfeng2'].pk}").json()
    assert detail["stations"] == []
    assert detail["assignments"][0]["end_reason"] == "工作调动"


def test_several_assignments_at_once_across_levels(world: World) -> None:
    client = world.api("county_officer")
    deputy = world.deputies["qianfeng"]
    response = client.post(
        f"/api/v1/manage/deputies/{deputy.pk}/assignments",
        {"station_id": world.stations["xinghua"].pk, "start": "2026-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 201
    detail = client.get(f"/api/v1/manage/deputies/{deputy.pk}").json()
    assert {s["name"] for s in detail["stations"]} == {"千峰街道人大代表联络站", "兴华街道人大代表联络站"}
    # Now 兴华's office also sees him (rule 9: a current station in its subtree)…
    assert world.api("neighbour_officer").get(f"/api/v1/manage/deputies/{deputy.pk}").status_code == 200
    # …but only 千峰's office, where his constituency lies, edits his core record.
    response = world.api("neighbour_officer").patch(
        f"/api/v1/manage/deputies/{deputy.pk}", {"version": 1, "occupation": "x"}, content_type=JSON
    )
    assert response.status_code == 403


# ---- query-count guards: identical at 20 and 100 items ---------------------------------------


@pytest.fixture
def crowded(world: World) -> World:
    """120 more stations and deputies in 千峰， so pages of 20 and 100 are both full."""
    qf = world.regions["qianfeng"]
    term = world.terms["wanbailin"]
    stations = Station.objects.bulk_create(
        [Station(kind="station", name=f"联络站{i:03d}", region=qf) for i in range(120)]
    )
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                term=term,
                certificate_no=f"X{i:04d}",
                name=f"代表{i:03d}",
                name_pinyin=f"daibiao{i:03d} db",
                level="county",
                constituency=world.constituencies["qianfeng"],
            )
            for i in range(120)
        ]
    )
    Assignment.objects.bulk_create(
        [Assignment(deputy=d, station=s, start=dt.date(2025, 1, 1)) for d, s in zip(deputies, stations, strict=True)]
    )
    return world


LIST_URLS = [
    ("anonymous", "/api/v1/stations"),
    ("anonymous", "/api/v1/deputies"),
    ("anonymous", "/api/v1/regions"),
    ("officer", "/api/v1/manage/stations"),
    ("officer", "/api/v1/manage/deputies"),
]
AUTH_QUERIES = {"anonymous": 0, "officer": 4}  # token+user, grants, points, deputy link


@pytest.mark.parametrize(("persona", "url"), LIST_URLS)
def test_list_query_counts_are_identical_at_20_and_100_items(crowded: World, persona: str, url: str) -> None:
    counts = []
    for limit in (20, 100):
        client = crowded.api(persona)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{url}?limit={limit}")
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, response.json()["count"])
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] - AUTH_QUERIES[persona] <= 6, counts


def test_detail_pages_use_a_fixed_number_of_queries(crowded: World) -> None:
    client = crowded.api("officer")
    deputy = crowded.deputies["qianfeng"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/api/v1/manage/deputies/{deputy.pk}").status_code == 200
    assert len(ctx.captured_queries) <= 12
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/api/v1/stations/{crowded.stations['qianfeng'].pk}").status_code == 200
    assert len(ctx.captured_queries) <= 6


@pytest.mark.parametrize(
    "url", ["/api/v1/regions?q=%00", "/api/v1/manage/stations?q=a%00b", "/api/v1/manage/deputies?q=%1b"]
)
def test_control_characters_in_search_text_are_a_422(world: World, url: str) -> None:
    """A NUL would otherwise reach PostgreSQL, which refuses it with a server error."""
    response = world.api("officer").get(url)
    assert response.status_code == 422
    assert "q" in response.json()["fields"]


def test_a_nul_in_the_username_is_a_422_not_a_server_error(world: World) -> None:
    response = world.api("anonymous").post(
        "/api/v1/auth/token", {"username": "a\x00b", "password": "x"}, content_type=JSON
    )
    assert response.status_code == 422


@pytest.mark.parametrize("field", ["name", "region_code", "is_published", "kind"])
def test_blanking_a_required_station_field_is_a_422(world: World, field: str) -> None:
    station = world.stations["qianfeng"]
    response = world.api("officer").patch(
        f"/api/v1/manage/stations/{station.pk}", {"version": 1, field: None}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["fields"][field] == ["此项不能为空。"]


def test_an_assignment_more_than_a_year_ahead_is_a_422(world: World) -> None:
    response = world.api("officer").post(
        f"/api/v1/manage/deputies/{world.deputies['qianfeng2'].pk}/assignments",
        {"station_id": world.stations["qianfeng"].pk, "start": "9999-12-31"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "start" in response.json()["fields"]
