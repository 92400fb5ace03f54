"""The back office's station forms: creating, editing, the rules board, and who may do it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from liaison.core.models import AuditEvent
from liaison.stations.models import Station, StationRule
from liaison.testing.personas import PERSONAS, World

NEW = "/manage/stations/new/"


def _edit(world: World, key: str) -> str:
    return f"/manage/stations/{world.stations[key].pk}/edit/"


def _new_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "station",
        "name": "千峰北社区人大代表联络站",
        "region_code": "140109001001",
        "parent": "",
        "address": "千峰北路8号",
        "latitude": "37.870590",
        "longitude": "112.522003",
        "phone": "0351 6012 399",
        "opening_hours": "工作日 9:00-17:00",
        "notice": "每周三下午代表接待",
        "is_published": "on",
    }
    data.update(changes)
    return data


def _edit_data(station: Station, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "update",
        "version": station.version,
        "kind": station.kind,
        "name": station.name,
        "region_code": station.region.code,
        "parent": station.parent_id or "",
        "address": station.address,
        "latitude": station.latitude or "",
        "longitude": station.longitude or "",
        "phone": station.phone,
        "opening_hours": station.opening_hours,
        "notice": station.notice,
        "is_published": "on" if station.is_published else "",
    }
    data.update(changes)
    return data


def _snapshot() -> tuple[list[Any], int]:
    """The stations and their audit rows (signing in writes audit rows of its own)."""
    return list(Station.objects.order_by("pk").values()), AuditEvent.objects.filter(
        action__startswith="station"
    ).count()


def test_the_officer_creates_a_station_and_an_audit_row_records_it(world: World) -> None:
    client = world.web("officer")
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _new_data())
    assert response.status_code == 302
    station = Station.objects.get(name="千峰北社区人大代表联络站")
    assert response["Location"] == f"/manage/stations/{station.pk}/"
    assert station.region == world.regions["qianfeng_community"]
    assert station.phone == "0351-6012399"
    assert str(station.latitude) == "37.870590"
    event = AuditEvent.objects.get(action="station.created", target_id=str(station.pk))
    assert event.actor == world.users["officer"]
    assert event.changes["name"] == [None, "千峰北社区人大代表联络站"]
    assert "已新建站点" in client.get(response["Location"]).content.decode()


def test_a_point_is_created_under_its_station(world: World) -> None:
    parent = world.stations["qianfeng"]
    response = world.web("officer").post(NEW, _new_data(kind="point", name="千峰北联络点", parent=parent.pk))
    assert response.status_code == 302
    assert Station.objects.get(name="千峰北联络点").parent == parent


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": ""}, "name", "请填写站点名称"),
        ({"name": "   "}, "name", "请填写站点名称"),
        ({"name": "站" * 10_000}, "name", "名称不能超过 100 个字"),
        ({"name": "千峰\x07联络站"}, "name", "控制字符"),
        ({"name": "千峰\u202e联络站"}, "name", "文字方向控制符"),
        ({"address": "千峰\u2028北路"}, "address", "控制字符"),
        ({"phone": "12345"}, "phone", "电话号码"),
        ({"latitude": "200"}, "latitude", "纬度应在 -90 到 90 之间"),
        ({"longitude": "-181"}, "longitude", "经度应在 -180 到 180 之间"),
        ({"latitude": "北纬"}, "latitude", "纬度应为数字"),
        ({"kind": "castle"}, "kind", "请从列表中选择站点类型"),
        ({"kind": "point"}, "parent", "联络点必须选择所属的联络站或代表之家"),
        ({"parent": "999999"}, "parent", "请从列表中选择所属的联络站或代表之家"),
        ({"region_code": "140109002"}, "region_code", "该区划不在您的管辖范围内"),
        ({"region_code": "360424100"}, "region_code", "该区划不在您的管辖范围内"),
        ({"region_code": "999999999"}, "region_code", "没有找到区划代码"),
        ({"region_code": "abc"}, "region_code", "区划代码应为 6 到 12 位数字"),
    ],
)
def test_bad_input_shows_a_field_error_and_writes_nothing(
    world: World, changes: dict[str, str], field: str, error: str
) -> None:
    before = _snapshot()
    response = world.web("officer").post(NEW, _new_data(**changes))
    assert response.status_code == 422
    page = response.content.decode()
    assert "没有保存" in page
    form = response.context["form"]
    assert any(error in str(e) for e in form.errors.get(field, [])), form.errors
    assert _snapshot() == before


def test_a_point_must_lie_within_its_parent_station_region(world: World) -> None:
    county = world.web("county_officer")
    response = county.post(NEW, _new_data(kind="point", region_code="140109002", parent=world.stations["qianfeng"].pk))
    assert response.status_code == 422
    assert "联络点应位于所属站点的区划之内" in response.content.decode()


def test_the_officer_edits_a_station_and_the_audit_row_holds_the_diff(world: World) -> None:
    station = world.stations["qianfeng"]
    client = world.web("officer")
    page = client.get(_edit(world, "qianfeng")).content.decode()
    assert 'value="千峰南路1号"' in page
    response = client.post(_edit(world, "qianfeng"), _edit_data(station, opening_hours="周一至周六 8:30-17:30"))
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.opening_hours == "周一至周六 8:30-17:30"
    assert station.version == 2
    event = AuditEvent.objects.get(action="station.updated", target_id=str(station.pk))
    assert event.changes == {"opening_hours": ["工作日 9:00-17:00", "周一至周六 8:30-17:30"]}
    assert "站点信息已保存" in client.get(response["Location"]).content.decode()


def test_bad_input_on_the_edit_page_changes_nothing(world: World) -> None:
    station = world.stations["qianfeng"]
    before = _snapshot()
    response = world.web("officer").post(_edit(world, "qianfeng"), _edit_data(station, name="", latitude="200"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写站点名称" in page and "纬度应在 -90 到 90 之间" in page
    assert _snapshot() == before


def test_a_stale_version_shows_a_conflict_and_changes_nothing(world: World) -> None:
    station = world.stations["qianfeng"]
    stale = _edit_data(station, address="我的修改")
    Station.objects.filter(pk=station.pk).update(address="别人的修改", version=station.version + 1)
    response = world.web("officer").post(_edit(world, "qianfeng"), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "有人修改了这个站点的信息" in page
    assert 'value="别人的修改"' in page
    station.refresh_from_db()
    assert station.address == "别人的修改"
    assert not AuditEvent.objects.filter(action="station.updated").exists()


def test_station_staff_edit_only_the_notice_board_fields(world: World) -> None:
    station = world.stations["qianfeng"]
    client = world.web("station_staff")
    page = client.get(_edit(world, "qianfeng")).content.decode()
    assert 'name="opening_hours"' in page
    assert 'name="name"' not in page and 'name="region_code"' not in page
    data = {
        "action": "update",
        "version": station.version,
        "address": "千峰南路2号",
        "phone": "",
        "opening_hours": "工作日",
        "notice": "新公告",
        "name": "被改掉的名称",
    }
    assert client.post(_edit(world, "qianfeng"), data).status_code == 302
    station.refresh_from_db()
    assert (station.address, station.notice, station.name) == ("千峰南路2号", "新公告", "千峰街道人大代表联络站")


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_the_edit_page(world: World, persona: str) -> None:
    client = world.web(persona)
    expected = {
        "anonymous": 302,
        "resident": 403,
        "other_resident": 403,
        "officer": 200,
        "county_officer": 200,
        "system_admin": 200,
        "station_staff": 200,
        "sponsor": 403,  # sees the station, may not change it
        "deputy": 403,
        "neighbour_officer": 404,
        "handler": 404,
        "other_handler": 404,
    }[persona]
    response = client.get(_edit(world, "qianfeng"))
    assert response.status_code == expected, persona
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", ["neighbour_officer", "sponsor", "deputy", "handler", "resident", "anonymous"])
def test_those_who_may_not_change_a_station_cannot_post(world: World, persona: str) -> None:
    station = world.stations["qianfeng"]
    before = _snapshot()
    response = world.web(persona).post(_edit(world, "qianfeng"), _edit_data(station, name="改名"))
    assert response.status_code in (302, 403, 404)
    if persona == "neighbour_officer":
        assert response.status_code == 404
    rule = StationRule.objects.get(station=station)
    response = world.web(persona).post(_edit(world, "qianfeng"), {"action": "rule_remove", "rule": rule.pk})
    assert response.status_code in (302, 403, 404)
    assert StationRule.objects.filter(pk=rule.pk).exists()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer", 200),
        ("system_admin", 200),
        ("neighbour_officer", 200),  # an office admin, though only for his own township
        ("station_staff", 403),
        ("sponsor", 403),
        ("deputy", 403),
        ("handler", 403),
        ("resident", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_create_a_station(world: World, persona: str, expected: int) -> None:
    client = world.web(persona)
    assert client.get(NEW).status_code == expected
    before = _snapshot()
    response = client.post(NEW, _new_data())
    assert response.status_code == (
        422 if expected == 200 and persona == "neighbour_officer" else 302 if expected == 200 else expected
    )
    if persona not in ("officer", "system_admin"):
        assert _snapshot() == before


def test_the_new_station_button_is_shown_to_those_who_may_create(world: World) -> None:
    assert 'href="/manage/stations/new/"' in world.web("officer").get("/manage/stations/").content.decode()
    assert 'href="/manage/stations/new/"' not in world.web("sponsor").get("/manage/stations/").content.decode()
    detail = f"/manage/stations/{world.stations['qianfeng'].pk}/"
    assert _edit(world, "qianfeng") in world.web("officer").get(detail).content.decode()
    assert _edit(world, "qianfeng") not in world.web("sponsor").get(detail).content.decode()


def test_the_rules_board_adds_and_removes_a_rule_with_audit_rows(world: World) -> None:
    station = world.stations["qianfeng"]
    client = world.web("station_staff")
    data = {"action": "rule_add", "rule-title": "代表值班制度", "rule-body": "每周三下午\n轮流值班"}
    assert client.post(_edit(world, "qianfeng"), data).status_code == 302
    rule = StationRule.objects.get(station=station, title="代表值班制度")
    assert rule.body == "每周三下午\n轮流值班"
    assert AuditEvent.objects.filter(action="station.rule_added", target_id=str(station.pk)).exists()
    page = world.web("anonymous").get(f"/stations/{station.pk}/").content.decode()
    assert "代表值班制度" in page
    response = client.post(_edit(world, "qianfeng"), {"action": "rule_remove", "rule": rule.pk})
    assert response.status_code == 302
    assert not StationRule.objects.filter(pk=rule.pk).exists()
    event = AuditEvent.objects.get(action="station.rule_removed")
    assert event.changes["title"] == "代表值班制度"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"rule-title": ""}, "请填写制度名称"),
        ({"rule-title": "制" * 101}, "制度名称不能超过 100 个字"),
        ({"rule-title": "值班\u202e制度"}, "控制字符"),
    ],
)
def test_a_bad_rule_shows_an_error_and_adds_nothing(world: World, data: dict[str, str], error: str) -> None:
    before = StationRule.objects.count()
    response = world.web("officer").post(_edit(world, "qianfeng"), {"action": "rule_add", **data})
    assert response.status_code == 422
    assert error in response.content.decode()
    assert StationRule.objects.count() == before


def test_another_stations_rule_cannot_be_removed_through_this_page(world: World) -> None:
    foreign = StationRule.objects.create(station=world.stations["xinghua"], title="兴华制度")
    response = world.web("officer").post(_edit(world, "qianfeng"), {"action": "rule_remove", "rule": foreign.pk})
    assert response.status_code == 404
    assert StationRule.objects.filter(pk=foreign.pk).exists()


def test_the_forms_need_a_csrf_token(world: World) -> None:
    officer = world.users["officer"]
    assert officer is not None
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    before = _snapshot()
    assert client.post(NEW, _new_data()).status_code == 403
    station = world.stations["qianfeng"]
    assert client.post(_edit(world, "qianfeng"), _edit_data(station, name="改名")).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("path", ["/manage/stations/", "/manage/stations/new/"])
def test_the_list_and_the_form_cost_the_same_queries_for_20_or_100_stations(world: World, path: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.web("officer")

    def add(count: int, start: int) -> None:
        Station.objects.bulk_create(
            Station(kind="station", name=f"测试站{n}", region=world.regions["qianfeng"])
            for n in range(start, start + count)
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the session's first request does its own one-off work
    add(20, 0)
    small = queries()
    add(80, 100)
    assert queries() == small
