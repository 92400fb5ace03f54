"""The back office's station pages: persona matrix, filters, the read-only detail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.stations.models import Station
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

LIST = "/manage/stations/"
NAMES = {
    "qianfeng": "千峰街道人大代表联络站",
    "qianfeng_point": "千峰南社区联络点",
    "xinghua": "兴华街道人大代表联络站",
    "yining": "义宁镇良瑞社区人大代表联络站",
    "qianfeng_unpublished": "千峰街道人大代表之家(筹)",
}
QIANFENG = {"qianfeng", "qianfeng_point", "qianfeng_unpublished"}
REACH = {
    "officer": QIANFENG,
    "neighbour_officer": {"xinghua"},
    "county_officer": QIANFENG | {"xinghua"},
    "station_staff": {"qianfeng", "qianfeng_point"},
    "sponsor": {"qianfeng", "qianfeng_point"},
    "deputy": {"qianfeng"},
    "handler": set(),
    "other_handler": set(),
    "system_admin": set(NAMES),
}


def _detail(world: World, key: str) -> str:
    return f"/manage/stations/{world.stations[key].pk}/"


def _rows(page: str) -> str:
    """The list's table body only (the header and filters may name stations too)."""
    start = page.find("<tbody>")
    return page[start : page.find("</tbody>")] if start >= 0 else ""


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_station_list_shows_only_stations_in_reach(world: World, persona: str) -> None:
    response = world.web(persona).get(LIST)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/manage/stations/")
        return
    if persona in ("resident", "other_resident"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    for key, name in NAMES.items():
        assert (f">{name}</a>" in rows) == (key in REACH[persona]), (persona, name)
    assert RESIDENT_PHONE not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_station_page_is_404_outside_the_reach(world: World, persona: str) -> None:
    client = world.web(persona)
    for key in NAMES:
        response = client.get(_detail(world, key))
        if persona == "anonymous":
            assert response.status_code == 302
        elif persona in ("resident", "other_resident"):
            assert response.status_code == 403
        elif key in REACH[persona]:
            assert response.status_code == 200, (persona, key)
            assert RESIDENT_PHONE not in response.content.decode()
        else:
            assert response.status_code == 404, (persona, key)
            assert "回到首页" in response.content.decode()


def test_the_station_page_shows_fields_staff_rules_points_and_deputies(world: World) -> None:
    page = world.web("officer").get(_detail(world, "qianfeng")).content.decode()
    for text in ("千峰南路1号", "王站长", "人大代表接待选民制度", "千峰南社区联络点", "张海生", "140109001"):
        assert text in page, text
    assert f'href="/manage/deputies/{world.deputies["qianfeng"].pk}/"' in page
    assert "李秀英" not in page, "she is at the point, not at the station"


def test_the_station_page_is_read_only(world: World) -> None:
    client = world.web("officer")
    assert '<form method="post"' not in client.get(_detail(world, "qianfeng")).content.decode()
    assert client.post(_detail(world, "qianfeng"), {"name": "x"}).status_code == 405


@pytest.mark.parametrize(
    ("query", "found", "missing"),
    [
        ("q=兴华", "兴华街道人大代表联络站", "千峰街道人大代表联络站"),
        ("kind=point", "千峰南社区联络点", "千峰街道人大代表联络站"),
        ("region=140109002", "兴华街道人大代表联络站", "千峰南社区联络点"),
        ("region=999999", "没有符合条件的站点", "千峰南社区联络点"),
    ],
)
def test_filters_narrow_the_station_list(world: World, query: str, found: str, missing: str) -> None:
    page = world.web("county_officer").get(f"{LIST}?{query}").content.decode()
    assert found in page
    assert f">{missing}</a>" not in _rows(page)


def test_a_page_of_20_costs_the_same_queries_for_25_or_120_stations(world: World) -> None:
    region = world.regions["qianfeng"]
    client = world.web("officer")

    def add(count: int, start: int) -> None:
        Station.objects.bulk_create(
            Station(kind="station", name=f"测试站{n}", region=region) for n in range(start, start + count)
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the session's first request does its own one-off work (a session write)
    add(22, 0)
    small = queries()
    add(95, 100)
    assert queries() == small
    assert "共 120 个站点" in client.get(LIST).content.decode()
