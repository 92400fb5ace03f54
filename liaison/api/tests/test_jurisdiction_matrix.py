"""SECURITY.md S1–S3 for the API: every operation × every persona × objects of each jurisdiction.

The expectation tables below are the contract: an operation in the OpenAPI document without a
row here fails the suite, and so does any unexpected 2xx, any foreign row in a list, and any
resident's phone or ID number in a response body.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from liaison.api.api import api
from liaison.testing.personas import PERSONAS, RESIDENT_ID_NUMBER, RESIDENT_PHONE, World

STATIONS = ("qianfeng", "qianfeng_point", "xinghua", "yining", "qianfeng_unpublished")
DEPUTIES = ("qianfeng", "qianfeng2", "xinghua", "yining")
ALL_QF_STATIONS = {"qianfeng", "qianfeng_point", "qianfeng_unpublished"}

# Which stations each persona reaches through /manage (None: the endpoint refuses the persona).
STATION_REACH: dict[str, set[str] | None] = {
    "officer": ALL_QF_STATIONS,
    "neighbour_officer": {"xinghua"},
    "county_officer": ALL_QF_STATIONS | {"xinghua"},
    "station_staff": {"qianfeng", "qianfeng_point"},
    "deputy": {"qianfeng"},
    "handler": set(),
    "other_handler": set(),
    "sponsor": {"qianfeng", "qianfeng_point"},
    "resident": None,
    "other_resident": None,
    "anonymous": None,
    "system_admin": set(STATIONS),
}
DEPUTY_REACH: dict[str, set[str] | None] = {
    "officer": {"qianfeng", "qianfeng2"},
    "neighbour_officer": {"xinghua"},
    "county_officer": {"qianfeng", "qianfeng2", "xinghua"},
    "station_staff": {"qianfeng", "qianfeng2"},
    "deputy": {"qianfeng"},
    "handler": set(),
    "other_handler": set(),
    "sponsor": {"qianfeng", "qianfeng2"},
    "resident": None,
    "other_resident": None,
    "anonymous": None,
    "system_admin": set(DEPUTIES),
}
# Which stations/deputies each persona may change (subset of reach).
STATION_CHANGE = {
    "officer": ALL_QF_STATIONS,
    "neighbour_officer": {"xinghua"},
    "county_officer": ALL_QF_STATIONS | {"xinghua"},
    "station_staff": {"qianfeng", "qianfeng_point"},
    "system_admin": set(STATIONS),
}
DEPUTY_CHANGE = {
    "officer": {"qianfeng", "qianfeng2"},
    "neighbour_officer": {"xinghua"},
    "county_officer": {"qianfeng", "qianfeng2", "xinghua"},
    "system_admin": set(DEPUTIES),
}

# Every operation of the OpenAPI document, and the test that covers it.
COVERED_OPERATIONS = {
    ("post", "/api/v1/auth/token"): "test_auth.py",
    ("post", "/api/v1/auth/logout"): "test_auth.py",
    ("get", "/api/v1/auth/me"): "test_auth.py",
    ("get", "/api/v1/regions"): "test_public_lists_are_the_same_for_everyone",
    ("get", "/api/v1/stations"): "test_public_lists_are_the_same_for_everyone",
    ("get", "/api/v1/stations/{station_id}"): "test_public_station_detail",
    ("get", "/api/v1/deputies"): "test_public_lists_are_the_same_for_everyone",
    ("get", "/api/v1/deputies/{deputy_id}"): "test_public_deputy_detail",
    ("get", "/api/v1/stations/{station_id}/sessions"): "test_sessions_api.py",
    ("get", "/api/v1/manage/stations"): "test_manage_station_list",
    ("post", "/api/v1/manage/stations"): "test_manage_station_create",
    ("get", "/api/v1/manage/stations/{station_id}"): "test_manage_station_detail",
    ("patch", "/api/v1/manage/stations/{station_id}"): "test_manage_station_update",
    ("get", "/api/v1/manage/deputies"): "test_manage_deputy_list",
    ("post", "/api/v1/manage/deputies"): "test_manage_deputy_create",
    ("get", "/api/v1/manage/deputies/{deputy_id}"): "test_manage_deputy_detail",
    ("patch", "/api/v1/manage/deputies/{deputy_id}"): "test_manage_deputy_update",
    ("post", "/api/v1/manage/deputies/{deputy_id}/assignments"): "test_assignment_create",
    ("post", "/api/v1/manage/assignments/{assignment_id}/end"): "test_assignment_end",
    # Cases (issue 5): liaison/api/tests/test_cases_matrix.py
    ("post", "/api/v1/cases"): "test_public_case_submission",
    ("post", "/api/v1/cases/track"): "test_public_case_endpoints_answer_everyone_alike",
    ("post", "/api/v1/cases/comment"): "test_public_case_endpoints_answer_everyone_alike",
    ("post", "/api/v1/cases/answer-info"): "test_cases_loop.py",
    ("post", "/api/v1/cases/withdraw"): "test_public_case_endpoints_answer_everyone_alike",
    ("post", "/api/v1/cases/rate"): "test_public_case_endpoints_answer_everyone_alike",
    ("get", "/api/v1/manage/cases"): "test_manage_case_list",
    ("get", "/api/v1/manage/cases/{case_id}"): "test_manage_case_detail",
    ("post", "/api/v1/manage/cases/{case_id}/accept"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/decline"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/assign"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/answer-on-spot"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/refer"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/answer"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/request-info"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/notes"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/transfer"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/merge"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/meetings"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/escalate"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/publish"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/unpublish"): "test_manage_case_transitions",
    ("post", "/api/v1/manage/cases/{case_id}/reveal"): "test_manage_case_reveal",
    ("post", "/api/v1/manage/cases/bulk-assign"): "test_manage_case_bulk_assign",
    ("get", "/api/v1/manage/referrals"): "test_manage_referral_list",
    ("get", "/api/v1/manage/referrals/{referral_id}"): "test_manage_referral_detail",
    ("post", "/api/v1/manage/referrals/{referral_id}/accept"): "test_manage_referral_actions",
    ("post", "/api/v1/manage/referrals/{referral_id}/return"): "test_manage_referral_actions",
    ("post", "/api/v1/manage/referrals/{referral_id}/extension"): "test_manage_referral_actions",
    ("post", "/api/v1/manage/referrals/{referral_id}/reply"): "test_manage_referral_actions",
    ("post", "/api/v1/manage/referrals/{referral_id}/cancel"): "test_manage_referral_actions",
    ("post", "/api/v1/manage/referrals/{referral_id}/extension-decision"): "test_manage_referral_actions",
}

ID_PATTERN = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def assert_no_personal_data(response: Any) -> None:
    """S3: no resident's full phone or ID number in any response body."""
    body = response.content.decode()
    assert RESIDENT_PHONE not in body
    assert RESIDENT_ID_NUMBER not in body
    assert not ID_PATTERN.search(body), "an ID-number-shaped value leaked"


def test_every_openapi_operation_has_an_expectation_row() -> None:
    schema = api.get_openapi_schema()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert operations == set(COVERED_OPERATIONS), "add the new operation to COVERED_OPERATIONS and test it"


def _expected_status(reach: set[str] | None, key: str, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if reach is None or key not in reach:
        return 404
    return 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_station_detail(world: World, persona: str) -> None:
    client = world.api(persona)
    for key in STATIONS:
        response = client.get(f"/api/v1/manage/stations/{world.stations[key].pk}")
        assert response.status_code == _expected_status(STATION_REACH[persona], key, persona), (persona, key)
        assert_no_personal_data(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_deputy_detail(world: World, persona: str) -> None:
    client = world.api(persona)
    for key in DEPUTIES:
        response = client.get(f"/api/v1/manage/deputies/{world.deputies[key].pk}")
        assert response.status_code == _expected_status(DEPUTY_REACH[persona], key, persona), (persona, key)
        assert_no_personal_data(response)


def _list_status(reach: set[str] | None, persona: str) -> int:
    if persona == "anonymous":
        return 401
    return 403 if reach is None else 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_station_list(world: World, persona: str) -> None:
    """0 foreign rows, and the count agrees with the rows (S1: lists and counts)."""
    response = world.api(persona).get("/api/v1/manage/stations?limit=100")
    reach = STATION_REACH[persona]
    assert response.status_code == _list_status(reach, persona)
    assert_no_personal_data(response)
    if response.status_code == 200:
        ids = {item["id"] for item in response.json()["items"]}
        assert ids == {world.stations[k].pk for k in reach or set()}
        assert response.json()["count"] == len(ids)


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_deputy_list(world: World, persona: str) -> None:
    response = world.api(persona).get("/api/v1/manage/deputies?limit=100")
    reach = DEPUTY_REACH[persona]
    assert response.status_code == _list_status(reach, persona)
    assert_no_personal_data(response)
    if response.status_code == 200:
        ids = {item["id"] for item in response.json()["items"]}
        assert ids == {world.deputies[k].pk for k in reach or set()}
        assert response.json()["count"] == len(ids)


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_lists_filtered_or_searched_never_leak(world: World, persona: str) -> None:
    """Search, filters and ordering narrow the visible set; they never widen it."""
    client = world.api(persona)
    reach = DEPUTY_REACH[persona]
    for query in ("q=赵", "q=zjg", "q=WBL17-101", "region=140109", "region=360424", "ordering=-id", "level=township"):
        response = client.get(f"/api/v1/manage/deputies?{query}")
        if response.status_code != 200:
            assert response.status_code == _list_status(reach, persona)
            continue
        ids = {item["id"] for item in response.json()["items"]}
        assert ids <= {world.deputies[k].pk for k in reach or set()}, query
    for query in ("q=兴华", "region=140109002", "kind=station", "ordering=region"):
        response = client.get(f"/api/v1/manage/stations?{query}")
        if response.status_code != 200:
            continue
        ids = {item["id"] for item in response.json()["items"]}
        assert ids <= {world.stations[k].pk for k in STATION_REACH[persona] or set()}, query


def _patch_status(reach: set[str] | None, change: set[str], key: str, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if reach is None or key not in reach:
        return 404
    return 200 if key in change else 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_station_update(world: World, persona: str) -> None:
    client = world.api(persona)
    for key in STATIONS:
        station = world.stations[key]
        station.refresh_from_db()
        response = client.patch(
            f"/api/v1/manage/stations/{station.pk}",
            {"version": station.version, "opening_hours": f"{persona} 9:00-17:00"},
            content_type="application/json",
        )
        expected = _patch_status(STATION_REACH[persona], STATION_CHANGE.get(persona, set()), key, persona)
        assert response.status_code == expected, (persona, key, response.content)
        station.refresh_from_db()
        assert (station.opening_hours == f"{persona} 9:00-17:00") == (expected == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_deputy_update(world: World, persona: str) -> None:
    client = world.api(persona)
    for key in DEPUTIES:
        deputy = world.deputies[key]
        deputy.refresh_from_db()
        response = client.patch(
            f"/api/v1/manage/deputies/{deputy.pk}",
            {"version": deputy.version, "occupation": f"{persona}的职业"},
            content_type="application/json",
        )
        expected = _patch_status(DEPUTY_REACH[persona], DEPUTY_CHANGE.get(persona, set()), key, persona)
        assert response.status_code == expected, (persona, key, response.content)
        deputy.refresh_from_db()
        assert (deputy.occupation == f"{persona}的职业") == (expected == 200)


def test_a_deputy_may_publish_his_own_contact_number_but_nothing_else(world: World) -> None:
    client = world.api("deputy")
    deputy = world.deputies["qianfeng"]
    response = client.patch(
        f"/api/v1/manage/deputies/{deputy.pk}",
        {"version": deputy.version, "public_phone": "13911112222"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["public_phone"] == "13911112222"
    response = client.patch(
        f"/api/v1/manage/deputies/{deputy.pk}",
        {"version": deputy.version + 1, "name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 403


CREATE_STATION = {"name": "新建联络点", "kind": "station", "region_code": "140109001"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_station_create(world: World, persona: str) -> None:
    """Only offices reaching 千峰 (and system admins) create a station there."""
    from liaison.stations.models import Station

    before = Station.objects.count()
    response = world.api(persona).post("/api/v1/manage/stations", CREATE_STATION, content_type="application/json")
    allowed = {"officer", "county_officer", "system_admin"}
    if persona in allowed:
        assert response.status_code == 201, response.content
        assert Station.objects.count() == before + 1
    else:
        expected = {"anonymous": 401, "neighbour_officer": 422}.get(persona, 403)
        assert response.status_code == expected, (persona, response.content)
        assert Station.objects.count() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_deputy_create(world: World, persona: str) -> None:
    from liaison.deputies.models import Deputy

    payload = {
        "term_id": world.terms["wanbailin"].pk,
        "certificate_no": "WBL17-900",
        "name": "新代表",
        "constituency_id": world.constituencies["qianfeng"].pk,
    }
    before = Deputy.objects.count()
    response = world.api(persona).post("/api/v1/manage/deputies", payload, content_type="application/json")
    if persona in {"officer", "county_officer", "system_admin"}:
        assert response.status_code == 201, response.content
        assert Deputy.objects.count() == before + 1
    else:
        expected = {"anonymous": 401, "neighbour_officer": 422}.get(persona, 403)
        assert response.status_code == expected, (persona, response.content)
        assert Deputy.objects.count() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_assignment_create(world: World, persona: str) -> None:
    """Assign 李秀英 (千峰) to 千峰's station: only 千峰's offices; others 404/403/422."""
    from liaison.deputies.models import Assignment

    before = Assignment.objects.count()
    response = world.api(persona).post(
        f"/api/v1/manage/deputies/{world.deputies['qianfeng2'].pk}/assignments",
        {"station_id": world.stations["qianfeng"].pk, "start": "2026-01-01"},
        content_type="application/json",
    )
    expected = {
        "officer": 201,
        "county_officer": 201,
        "system_admin": 201,
        "anonymous": 401,
        "neighbour_officer": 404,
        "handler": 404,
        "other_handler": 404,
        "deputy": 404,
    }.get(persona, 403)
    assert response.status_code == expected, (persona, response.content)
    assert Assignment.objects.count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_assignment_end(world: World, persona: str) -> None:
    assignment = world.assignments["qianfeng2"]
    response = world.api(persona).post(
        f"/api/v1/manage/assignments/{assignment.pk}/end", {"reason": "换届"}, content_type="application/json"
    )
    expected = {
        "officer": 200,
        "county_officer": 200,
        "system_admin": 200,
        "anonymous": 401,
        "neighbour_officer": 404,
        "handler": 404,
        "other_handler": 404,
        "deputy": 404,
        "station_staff": 403,
    }.get(persona, 403)
    assert response.status_code == expected, (persona, response.content)
    assignment.refresh_from_db()
    assert (assignment.end is not None) == (expected == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_lists_are_the_same_for_everyone(world: World, persona: str) -> None:
    """Public endpoints ignore who asks: published data only, identical for every persona."""
    anonymous = world.api("anonymous")
    client = world.api(persona)
    for url in ("/api/v1/stations?limit=100", "/api/v1/deputies?limit=100", "/api/v1/regions?limit=100"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == anonymous.get(url).json()
        assert_no_personal_data(response)
    ids = {s["id"] for s in client.get("/api/v1/stations?limit=100").json()["items"]}
    assert world.stations["qianfeng_unpublished"].pk not in ids


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_station_detail(world: World, persona: str) -> None:
    client = world.api(persona)
    for key in STATIONS:
        response = client.get(f"/api/v1/stations/{world.stations[key].pk}")
        assert response.status_code == (404 if key == "qianfeng_unpublished" else 200)
        assert_no_personal_data(response)
        assert "13912345678" not in response.content.decode(), "a deputy's work phone is not public"


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_deputy_detail(world: World, persona: str) -> None:
    client = world.api(persona)
    for key in DEPUTIES:
        deputy = world.deputies[key]
        response = client.get(f"/api/v1/deputies/{deputy.pk}")
        assert response.status_code == 200
        body = response.json()
        assert "work_phone" not in body
        assert deputy.work_phone not in response.content.decode()
        assert body["public_phone"] == deputy.public_phone
        assert_no_personal_data(response)


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_the_read_only_sponsor_is_refused_every_unsafe_method(world: World, method: str) -> None:
    """S2: every unsafe request of the sponsor on every data route is refused, and nothing changes."""
    from liaison.core.models import AuditEvent

    client = world.api("sponsor")
    station = world.stations["qianfeng"]
    deputy = world.deputies["qianfeng"]
    routes = [
        "/api/v1/manage/stations",
        f"/api/v1/manage/stations/{station.pk}",
        "/api/v1/manage/deputies",
        f"/api/v1/manage/deputies/{deputy.pk}",
        f"/api/v1/manage/deputies/{deputy.pk}/assignments",
        f"/api/v1/manage/assignments/{world.assignments['qianfeng'].pk}/end",
    ]
    before = AuditEvent.objects.count()
    for route in routes:
        body = {"version": 1, "name": "x", "station_id": station.pk, "start": "2026-01-01"}
        response = getattr(client, method)(route, body, content_type="application/json")
        assert response.status_code in (403, 405, 422), (method, route, response.status_code)
        assert not 200 <= response.status_code < 300
    assert AuditEvent.objects.count() == before
