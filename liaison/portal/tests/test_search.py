"""The home page's one search box: an address recognised to a region, a deputy's name; the station sketch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.deputies.models import Deputy
from liaison.organization.models import Region
from liaison.portal.maps import MAX_HEIGHT, WIDTH, station_map
from liaison.stations.models import Station
from liaison.testing.personas import RESIDENT_PHONE, World

WORK_PHONES = ("13912345678", "13812345678", "13712345678", "13612345678")
QIANFENG_STATION = "千峰街道人大代表联络站"
XINGHUA_STATION = "兴华街道人大代表联络站"
YINING_STATION = "义宁镇良瑞社区人大代表联络站"


def _search(world: World, text: str) -> str:
    response = world.web("anonymous").get("/", {"q": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert RESIDENT_PHONE not in page
    for phone in WORK_PHONES:
        assert phone not in page, "a deputy's work phone never reaches the public"
    return page


def test_a_full_address_is_recognised_down_to_the_township(world: World) -> None:
    page = _search(world, "山西省太原市万柏林区千峰街道千峰南路1号")
    assert "已为您找到地区\uff1a山西省 太原市 万柏林区 千峰街道" in page
    assert QIANFENG_STATION in page
    assert XINGHUA_STATION not in page
    assert "千峰街道人大代表之家(筹)" not in page, "unpublished stations stay private"
    assert '<option value="140109001" selected>' in page, "the region chooser follows the recognised region"


def test_a_name_without_its_suffix_is_enough(world: World) -> None:
    page = _search(world, "千峰")
    assert "千峰街道的站点" in page and QIANFENG_STATION in page
    page = _search(world, "万柏林 兴华")
    assert "兴华街道的站点" in page and XINGHUA_STATION in page and QIANFENG_STATION not in page


def test_a_province_and_county_give_the_county_and_every_station_under_it(world: World) -> None:
    page = _search(world, "山西万柏林区")
    assert "万柏林区的站点" in page
    assert QIANFENG_STATION in page and XINGHUA_STATION in page and YINING_STATION not in page


def test_a_township_under_another_county_is_not_matched(world: World) -> None:
    page = _search(world, "修水县千峰街道")
    assert "修水县的站点" in page
    assert YINING_STATION in page
    assert QIANFENG_STATION not in page


def test_an_ambiguous_name_offers_choices(world: World) -> None:
    Region.objects.create(code="360424101", name="兴华镇", tier="township", parent=world.regions["xiushui"])
    page = _search(world, "兴华")
    assert "您是指" in page
    assert 'href="/?region=140109002"' in page and "山西省 太原市 万柏林区 兴华街道" in page
    assert 'href="/?region=360424101"' in page and "江西省 九江市 修水县 兴华镇" in page
    assert XINGHUA_STATION not in page, "no station list until the resident chooses"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("!!!@@@###", "没有找到与"),
        ("zzzzqqqq", "没有找到与"),
        ("的" * 10_000, "内容太长了"),
        ("\x00\x01\x02\u202e", "请输入您的地址"),
        ("   ", "请输入您的地址"),
    ],
)
def test_garbage_gets_a_clear_message_and_the_region_chooser(world: World, text: str, message: str) -> None:
    page = _search(world, text)
    assert message in page
    assert "选择您所在的地区" in page


def test_control_characters_inside_a_name_are_dropped(world: World) -> None:
    page = _search(world, "千\x00峰\u200b街道")
    assert QIANFENG_STATION in page


def test_a_deputy_is_found_by_name_and_by_pinyin(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    for text in ("张海生", "张海", "zhs", "ZHS", "zhanghai"):
        page = _search(world, text)
        assert "找到的代表" in page, text
        assert f'href="/deputies/{deputy.pk}/"' in page, text
        assert "县级人大代表" in page and QIANFENG_STATION in page, text
        assert "0351-6011111" not in page, "phones are for the deputy page, not the result list"


def test_only_public_deputies_are_found(world: World) -> None:
    Deputy.objects.filter(pk=world.deputies["xinghua"].pk).update(is_active=False)
    page = _search(world, "赵建国")
    assert "找到的代表" not in page and f'href="/deputies/{world.deputies["xinghua"].pk}/"' not in page
    Station.objects.filter(pk=world.stations["yining"].pk).update(is_published=False)
    page = _search(world, "hyw")
    assert "找到的代表" not in page, "a deputy whose only station is unpublished is not public"
    assert "13700001111" not in page


def test_a_region_and_a_deputy_both_show_when_both_match(world: World) -> None:
    Region.objects.create(code="360424102", name="张海镇", tier="township", parent=world.regions["xiushui"])
    page = _search(world, "张海生")
    assert "已为您找到地区\uff1a江西省 九江市 修水县 张海镇" in page
    assert f'href="/deputies/{world.deputies["qianfeng"].pk}/"' in page


def _place(station: Station, lat: str, lng: str) -> None:
    station.latitude = Decimal(lat)
    station.longitude = Decimal(lng)
    station.save()


def test_the_stations_are_drawn_from_their_positions_with_named_links(world: World) -> None:
    _place(world.stations["qianfeng"], "37.861800", "112.521600")
    page = _search(world, "千峰")
    assert "<svg" in page and "站点位置示意图" in page
    assert f'<a href="/stations/{world.stations["qianfeng"].pk}/" aria-label="位置1\uff1a{QIANFENG_STATION}"' in page
    assert "位置待补充\uff1a千峰南社区联络点" in page, "a station without a position is listed, not drawn"
    assert "tile" not in page.lower() and "https://" not in page


def test_no_sketch_without_any_position_and_none_for_all_regions(world: World) -> None:
    assert "<svg" not in _search(world, "千峰")
    _place(world.stations["qianfeng"], "37.861800", "112.521600")
    assert "<svg" not in world.web("anonymous").get("/").content.decode()
    assert "<svg" in world.web("anonymous").get("/?region=140109001").content.decode()


def test_the_sketch_fits_the_stations_into_its_box() -> None:
    region = Region(code="140109001", name="千峰街道", tier="township")
    stations = [
        Station(pk=1, name="a", region=region, latitude=Decimal("37.80"), longitude=Decimal("112.40")),
        Station(pk=2, name="b", region=region, latitude=Decimal("37.90"), longitude=Decimal("112.60")),
        Station(pk=3, name="c", region=region),
        Station(pk=4, name="d", region=region, latitude=Decimal("37.85"), longitude=Decimal("112.50")),
    ]
    sketch = station_map(stations)
    assert [m.number for m in sketch.markers] == [1, 2, 3]
    assert [n for _, n in sketch.numbered(stations)] == [1, 2, None, 3]
    assert [s.name for s in sketch.unplaced] == ["c"]
    assert sketch.height <= MAX_HEIGHT
    for m in sketch.markers:
        assert 0 < float(m.x) < WIDTH and 0 < float(m.y) < sketch.height
    a, b, d = sketch.markers
    assert float(a.x) < float(d.x) < float(b.x), "east is right"
    assert float(a.y) > float(d.y) > float(b.y), "north is up"
    single = station_map(stations[:1])
    assert float(single.markers[0].x) == WIDTH / 2
    assert station_map([]).markers == []


@pytest.mark.parametrize("count", [20, 100])
def test_the_search_results_cost_the_same_queries_for_20_and_100_stations(
    world: World, count: int, django_assert_max_num_queries: object
) -> None:
    qf = world.regions["qianfeng"]
    Station.objects.bulk_create(
        Station(
            kind="station",
            name=f"千峰测试站{i:03d}",
            region=qf,
            latitude=Decimal("37.86") + Decimal(i) / 1000,
            longitude=Decimal("112.52") + Decimal(i) / 1000,
        )
        for i in range(count)
    )
    client = world.web("anonymous")
    client.get("/", {"q": "千峰"})  # builds the name index (once per process)
    # Region, its subtree, stations, chooser, deputies, their stations: none per station.
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        page = client.get("/", {"q": "千峰 张海生"}).content.decode()
    assert "千峰测试站000" in page and "找到的代表" in page
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        page = client.get("/", {"region": "140109001"}).content.decode()
    assert "<svg" in page and page.count("<circle") >= 40


@given(text=st.text(max_size=200))
def test_any_text_never_breaks_the_home_page(world: World, text: str) -> None:
    response = world.web("anonymous").get("/", {"q": text})
    assert response.status_code == 200
