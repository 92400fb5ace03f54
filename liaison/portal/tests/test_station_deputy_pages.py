"""The station page (notice board) and the deputy page: published data only, no private phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.deputies.models import Assignment, Deputy
from liaison.deputies.pinyin import pinyin_key
from liaison.stations.models import Station, StationRule
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

WORK_PHONE = "13912345678"  # 张海生's work phone: for the staff who manage him, never for the public


def _station_page(world: World, key: str = "qianfeng", persona: str = "anonymous") -> str:
    response = world.web(persona).get(f"/stations/{world.stations[key].pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_station_page_shows_the_notice_board(world: World) -> None:
    station = world.stations["qianfeng"]
    station.phone = "0351-6012000"
    station.latitude = "37.870000"
    station.longitude = "112.520000"
    station.save()
    page = _station_page(world)
    assert "千峰街道人大代表联络站" in page
    assert "人大代表联络站" in page and "千峰街道" in page
    assert "千峰南路1号" in page
    assert "工作日 9:00-17:00" in page
    assert 'href="tel:0351-6012000"' in page
    assert "每月双周三代表进站接待" in page
    assert "人大代表接待选民制度" in page
    assert "站长" in page and "王站长" in page
    assert "0351-6012345" not in page, "a staff member's work phone is not published"
    assert "张海生" in page and f'href="/deputies/{world.deputies["qianfeng"].pk}/"' in page
    assert "县级人大代表" in page
    assert f'href="/stations/{world.stations["qianfeng_point"].pk}/"' in page, "its points are linked"
    assert "37.870000" in page and "112.520000" in page


def test_a_point_links_its_parent_station(world: World) -> None:
    page = _station_page(world, "qianfeng_point")
    assert "千峰南社区联络点" in page
    assert f'href="/stations/{world.stations["qianfeng"].pk}/"' in page
    assert "李秀英" in page


def test_the_home_page_links_every_station_to_its_page(world: World) -> None:
    page = world.web("anonymous").get("/").content.decode()
    for key in ("qianfeng", "qianfeng_point", "xinghua", "yining"):
        assert f'href="/stations/{world.stations[key].pk}/"' in page
    assert f'href="/stations/{world.stations["qianfeng_unpublished"].pk}/"' not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_unpublished_station_is_404_for_everyone(world: World, persona: str) -> None:
    response = world.web(persona).get(f"/stations/{world.stations['qianfeng_unpublished'].pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "回到首页" in page, "the helpful 404 page"
    assert "人大代表之家(筹)" not in page


def test_a_point_of_an_unpublished_parent_does_not_link_it(world: World) -> None:
    point = Station.objects.create(
        kind="point",
        name="筹备中的联络点",
        region=world.regions["qianfeng"],
        parent=world.stations["qianfeng_unpublished"],
    )
    page = world.web("anonymous").get(f"/stations/{point.pk}/").content.decode()
    assert f'href="/stations/{world.stations["qianfeng_unpublished"].pk}/"' not in page
    assert "人大代表之家(筹)" not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_never_show_the_work_phone_or_a_residents_phone(world: World, persona: str) -> None:
    client = world.web(persona)
    for url in (f"/stations/{world.stations['qianfeng'].pk}/", f"/deputies/{world.deputies['qianfeng'].pk}/"):
        page = client.get(url).content.decode()
        assert WORK_PHONE not in page, url
        assert RESIDENT_PHONE not in page, url
        assert "0351-6011111" in page and 'href="tel:0351-6011111"' in page, url


def test_a_deputy_without_a_public_number_shows_none(world: World) -> None:
    page = _station_page(world, "qianfeng_point")
    assert "13812345678" not in page
    assert "公开联系电话" not in page
    deputy_page = world.web("anonymous").get(f"/deputies/{world.deputies['qianfeng2'].pk}/").content.decode()
    assert "13812345678" not in deputy_page
    assert "tel:" not in deputy_page


def test_the_deputy_page_shows_public_fields_only(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    page = world.web("anonymous").get(f"/deputies/{deputy.pk}/").content.decode()
    assert "张海生" in page
    assert "县级人大代表" in page
    assert "万柏林区人大第17届" in page
    assert "千峰社区居委会主任" in page
    assert f'href="/stations/{world.stations["qianfeng"].pk}/"' in page
    assert "WBL17-001" not in page, "the certificate number is not a public field"
    assert "千峰第1选区" not in page


def test_a_deputy_without_a_current_published_station_is_404(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    Assignment.objects.filter(deputy=deputy).update(end=dt.date.today())
    response = world.web("anonymous").get(f"/deputies/{deputy.pk}/")
    assert response.status_code == 404
    assert "回到首页" in response.content.decode()
    # Nor is a deputy whose only station is unpublished shown.
    Assignment.objects.create(deputy=deputy, station=world.stations["qianfeng_unpublished"], start=dt.date.today())
    assert world.web("officer").get(f"/deputies/{deputy.pk}/").status_code == 404
    assert "张海生" not in _station_page(world)


def test_an_inactive_deputy_is_404(world: World) -> None:
    Deputy.objects.filter(pk=world.deputies["xinghua"].pk).update(is_active=False)
    assert world.web("anonymous").get(f"/deputies/{world.deputies['xinghua'].pk}/").status_code == 404
    assert "赵建国" not in _station_page(world, "xinghua")


def test_a_script_in_the_notice_is_shown_as_text(world: World) -> None:
    station = world.stations["qianfeng"]
    station.notice = "第一行\n<script>alert(1)</script>\n第三行"
    station.save()
    StationRule.objects.create(station=station, title="<b>规则</b>", body="<img src=x onerror=alert(2)>")
    page = _station_page(world)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "第一行<br>&lt;script&gt;" in page, "line breaks are kept"
    assert "<b>规则</b>" not in page and "<img src=x" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/stations/0/",
        "/stations/99999999999999999999999999/",
        "/stations/9223372036854775807/",
        "/stations/abc/",
        "/stations/-1/",
        "/stations/1.5/",
        "/deputies/0/",
        "/deputies/99999999999999999999999999/",
        "/deputies/9223372036854775808/",
        "/deputies/zhang/",
    ],
)
def test_bad_ids_are_404_not_500(world: World, url: str) -> None:
    response = world.web("anonymous").get(url)
    assert response.status_code == 404
    assert "回到首页" in response.content.decode()


def _add_deputies_and_rules(world: World, n: int) -> None:
    station = world.stations["qianfeng"]
    term = world.terms["wanbailin"]
    start = dt.date.today() - dt.timedelta(days=30)
    for i in range(n):
        name = f"代表{i:02d}"
        deputy = Deputy.objects.create(
            term=term,
            certificate_no=f"Q{n}-{i}",
            name=name,
            name_pinyin=pinyin_key(name),
            level="county",
            public_phone=f"0351-70{i:05d}" if i % 2 else "",
        )
        Assignment.objects.create(deputy=deputy, station=station, start=start)
        StationRule.objects.create(station=station, title=f"制度{n}-{i}", position=i)
        Station.objects.create(kind="point", name=f"联络点{n}-{i}", region=world.regions["qianfeng"], parent=station)


def _queries(world: World, url: str) -> int:
    client = world.web("anonymous")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_station_page_makes_a_fixed_number_of_queries(world: World) -> None:
    url = f"/stations/{world.stations['qianfeng'].pk}/"
    _add_deputies_and_rules(world, 3)
    few = _queries(world, url)
    _add_deputies_and_rules(world, 27)
    page = world.web("anonymous").get(url).content.decode()
    assert page.count('href="/deputies/') == 31, "張海生 and 30 more"
    assert _queries(world, url) == few, "queries must not grow with deputies, rules or points"
    assert few <= 6


def test_the_deputy_page_makes_a_fixed_number_of_queries(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    url = f"/deputies/{deputy.pk}/"
    one = _queries(world, url)
    start = dt.date.today() - dt.timedelta(days=30)
    for key in ("xinghua", "yining", "qianfeng_point"):
        Assignment.objects.create(deputy=deputy, station=world.stations[key], start=start)
    assert _queries(world, url) == one
    assert one <= 3
