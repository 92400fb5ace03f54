"""The station and deputy pages show the coming reception days; the staff's bookings page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.jurisdiction import ANONYMOUS
from liaison.core.clock import today
from liaison.receptions.choices import SessionStatus
from liaison.receptions.services_booking import booking_create
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

from .public_support import make_session

pytestmark = pytest.mark.django_db

WEEKDAYS = "一二三四五六日"


def _long_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


def test_the_station_page_lists_the_next_sessions_with_deputies_and_theme(world: World) -> None:
    station = world.stations["qianfeng"]
    first = make_session(
        station,
        days_ahead=4,
        deputies=(world.deputies["qianfeng"],),
        theme="养老服务",
        start=dt.time(14, 0),
        end=dt.time(16, 30),
    )
    full = make_session(station, days_ahead=18, capacity=1, provisional=True)
    booking_create(actor=ANONYMOUS, session=full, name="甲", phone=RESIDENT_PHONE)
    make_session(station, days_ahead=11, status=SessionStatus.CANCELLED, theme="取消了的")
    make_session(station, days_ahead=-3, theme="过去的")
    page = world.web("anonymous").get(f"/stations/{station.pk}/").content.decode()
    assert "接待日安排" in page
    assert _long_date(first.date) in page
    assert "14:00–16:30" in page
    assert "养老服务" in page
    assert "张海生" in page
    assert "待定" in page
    assert "已约满" in page
    assert "取消了的" not in page and "过去的" not in page
    assert f'href="/stations/{station.pk}/sessions/{first.pk}/book/"' in page
    assert f'href="/stations/{station.pk}/sessions/{full.pk}/book/"' not in page, "no 预约 button when full"
    assert f'href="/stations/{station.pk}/calendar.ics"' in page
    assert "添加到日历" in page
    assert RESIDENT_PHONE not in page


def test_a_station_without_sessions_says_what_to_do(world: World) -> None:
    page = world.web("anonymous").get(f"/stations/{world.stations['xinghua'].pk}/").content.decode()
    assert "近期还没有安排接待日" in page


def test_a_group_reception_shows_on_the_partner_station_too(world: World) -> None:
    session = make_session(world.stations["qianfeng"], days_ahead=6, theme="组团接待")
    session.partner_stations.add(world.stations["xinghua"])
    page = world.web("anonymous").get(f"/stations/{world.stations['xinghua'].pk}/").content.decode()
    assert "组团接待" in page


def test_the_deputy_page_lists_his_duties(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    mine = make_session(world.stations["qianfeng"], days_ahead=9, deputies=(deputy,), theme="我的接待")
    make_session(world.stations["qianfeng"], days_ahead=10, theme="别人的接待")
    page = world.web("anonymous").get(f"/deputies/{deputy.pk}/").content.decode()
    assert "我的接待" in page and "别人的接待" not in page
    assert _long_date(mine.date) in page
    assert world.stations["qianfeng"].name in page
    assert f'href="/deputies/{deputy.pk}/calendar.ics"' in page


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200  # type: ignore[attr-defined]
    return len(ctx.captured_queries)


def test_the_public_pages_cost_the_same_queries_for_few_or_many_sessions(world: World) -> None:
    station = world.stations["qianfeng"]
    deputy = world.deputies["qianfeng"]
    client = world.web("anonymous")
    deputies = (deputy, world.deputies["qianfeng2"])
    for n in range(20):
        make_session(station, days_ahead=n + 1, deputies=deputies)
    small = (_queries(client, f"/stations/{station.pk}/"), _queries(client, f"/deputies/{deputy.pk}/"))
    for n in range(20, 100):
        make_session(station, days_ahead=n + 1, deputies=deputies)
    assert (_queries(client, f"/stations/{station.pk}/"), _queries(client, f"/deputies/{deputy.pk}/")) == small


# ---- staff: the bookings of a session ----------------------------------------------------------

BOOKINGS_PAGE = {
    "officer": 200,
    "county_officer": 200,
    "station_staff": 200,
    "sponsor": 200,
    "deputy": 200,
    "system_admin": 200,
    "neighbour_officer": 404,
    "handler": 404,
    "other_handler": 404,
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_bookings_page_is_scoped_and_masks_phones(world: World, persona: str) -> None:
    session = make_session(world.stations["qianfeng"])
    booking_create(actor=ANONYMOUS, session=session, name="王大爷", phone=RESIDENT_PHONE, matter="楼道灯坏了")
    response = world.web(persona).get(f"/manage/receptions/sessions/{session.pk}/bookings/")
    assert response.status_code == BOOKINGS_PAGE[persona], persona
    page = response.content.decode()
    assert RESIDENT_PHONE not in page
    if response.status_code == 200:
        assert "135****1234" in page
        assert "楼道灯坏了" in page
        assert "已预约 1 人" in page


def test_the_neighbour_cannot_see_a_session_of_qianfeng_and_vice_versa(world: World) -> None:
    mine = make_session(world.stations["xinghua"])
    assert world.web("neighbour_officer").get(f"/manage/receptions/sessions/{mine.pk}/bookings/").status_code == 200
    assert world.web("officer").get(f"/manage/receptions/sessions/{mine.pk}/bookings/").status_code == 404
    assert world.web("officer").get("/manage/receptions/sessions/999999/bookings/").status_code == 404


def test_the_bookings_page_costs_the_same_queries_for_20_or_100_bookings(world: World) -> None:
    session = make_session(world.stations["qianfeng"], capacity=200)
    client = world.web("officer")
    url = f"/manage/receptions/sessions/{session.pk}/bookings/"
    for n in range(20):
        booking_create(actor=ANONYMOUS, session=session, name=f"甲{n}", phone=f"135000{n:05d}")
    small = _queries(client, url)
    for n in range(20, 100):
        booking_create(actor=ANONYMOUS, session=session, name=f"甲{n}", phone=f"135000{n:05d}")
    assert _queries(client, url) == small
    assert "已预约 100 人" in client.get(url).content.decode()


def test_today_is_a_bookable_day_until_the_session_ends(world: World) -> None:
    session = make_session(world.stations["qianfeng"], days_ahead=0, start=dt.time(0, 0), end=dt.time(23, 59))
    assert session.date == today()
    response = world.web("anonymous").get(f"/stations/{session.station_id}/sessions/{session.pk}/book/")
    assert response.status_code == 200
