"""GET /api/v1/stations/{id}/sessions: a published station's reception days, public, not paged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.jurisdiction import ANONYMOUS
from liaison.api.tests.test_jurisdiction_matrix import assert_no_personal_data
from liaison.core.clock import today
from liaison.receptions.choices import SessionStatus
from liaison.receptions.services_booking import booking_create
from liaison.receptions.tests.public_support import make_session
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

pytestmark = pytest.mark.django_db


def _url(station_id: int, start: dt.date | None = None, end: dt.date | None = None) -> str:
    params = []
    if start is not None:
        params.append(f"from={start:%Y-%m-%d}")
    if end is not None:
        params.append(f"to={end:%Y-%m-%d}")
    return f"/api/v1/stations/{station_id}/sessions" + ("?" + "&".join(params) if params else "")


def test_both_dates_are_inclusive_and_items_carry_the_deputies(world: World) -> None:
    station = world.stations["qianfeng"]
    first = make_session(station, days_ahead=3, deputies=(world.deputies["qianfeng"], world.deputies["qianfeng2"]))
    last = make_session(station, days_ahead=10, theme="环境整治", provisional=True, start=dt.time(14), end=dt.time(16))
    make_session(station, days_ahead=2)
    make_session(station, days_ahead=11)
    make_session(station, days_ahead=5, status=SessionStatus.CANCELLED)
    make_session(world.stations["xinghua"], days_ahead=5)
    booking_create(actor=ANONYMOUS, session=first, name="王大爷", phone=RESIDENT_PHONE)
    response = world.api("anonymous").get(_url(station.pk, first.date, last.date))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [first.pk, last.pk]
    item = body["items"][0]
    assert set(item) >= {"id", "date", "start", "end", "theme", "provisional", "deputies"}
    assert item["date"] == first.date.isoformat()
    assert item["start"] == "09:00:00" and item["end"] == "11:30:00", "Asia/Shanghai local times"
    assert sorted(d["name"] for d in item["deputies"]) == ["张海生", "李秀英"]
    assert all(set(d) == {"id", "name"} for d in item["deputies"])
    assert item["seats_left"] == 19
    assert body["items"][1]["theme"] == "环境整治"
    assert body["items"][1]["provisional"] is True
    assert body["items"][1]["start"] == "14:00:00"
    assert_no_personal_data(response)
    assert "13912345678" not in response.content.decode(), "no deputy's work phone"


def test_without_dates_the_next_year_is_answered(world: World) -> None:
    station = world.stations["qianfeng"]
    make_session(station, days_ahead=0)
    make_session(station, days_ahead=365)
    make_session(station, days_ahead=366)
    make_session(station, days_ahead=-1)
    assert world.api("anonymous").get(_url(station.pk)).json()["count"] == 2


def test_366_days_is_the_limit(world: World) -> None:
    station = world.stations["qianfeng"]
    client = world.api("anonymous")
    start = dt.date(2027, 1, 1)
    assert client.get(_url(station.pk, start, dt.date(2027, 12, 31))).status_code == 200
    assert client.get(_url(station.pk, dt.date(2028, 1, 1), dt.date(2028, 12, 31))).status_code == 200  # leap: 366
    assert client.get(_url(station.pk, start, dt.date(2028, 1, 1))).status_code == 200  # 366 days
    response = client.get(_url(station.pk, start, dt.date(2028, 1, 2)))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "366" in body["fields"]["to"][0]
    assert "天" in body["fields"]["to"][0]


def test_from_after_to_is_a_422_with_a_chinese_field_error(world: World) -> None:
    response = world.api("anonymous").get(
        _url(world.stations["qianfeng"].pk, dt.date(2027, 2, 1), dt.date(2027, 1, 31))
    )
    assert response.status_code == 422
    assert response.json()["fields"]["to"] == ["结束日期不能早于开始日期。"]


@pytest.mark.parametrize("query", ["from=2027-13-01", "to=tomorrow", "from=20270101", "from=9999-12-31"])
def test_bad_dates_are_422_never_500(world: World, query: str) -> None:
    response = world.api("anonymous").get(f"/api/v1/stations/{world.stations['qianfeng'].pk}/sessions?{query}")
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert response.json()["fields"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_unpublished_or_unknown_stations_are_404_for_everyone(world: World, persona: str) -> None:
    client = world.api(persona)
    hidden = world.stations["qianfeng_unpublished"]
    make_session(hidden, days_ahead=3)
    assert client.get(_url(hidden.pk)).status_code == 404
    assert client.get(_url(987654321)).status_code == 404
    assert client.get(_url(world.stations["qianfeng"].pk)).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_answer_is_the_same_for_everyone(world: World, persona: str) -> None:
    station = world.stations["qianfeng"]
    session = make_session(station, days_ahead=3, deputies=(world.deputies["qianfeng"],))
    booking_create(actor=ANONYMOUS, session=session, name="王大爷", phone=RESIDENT_PHONE, matter="噪音")
    url = _url(station.pk)
    response = world.api(persona).get(url)
    assert response.status_code == 200
    assert response.json() == world.api("anonymous").get(url).json()
    assert_no_personal_data(response)


def test_a_group_reception_is_listed_for_the_partner_station(world: World) -> None:
    session = make_session(world.stations["qianfeng"], days_ahead=3)
    session.partner_stations.add(world.stations["xinghua"])
    body = world.api("anonymous").get(_url(world.stations["xinghua"].pk)).json()
    assert [i["id"] for i in body["items"]] == [session.pk]


def test_the_list_costs_the_same_queries_for_20_or_100_sessions(world: World) -> None:
    station = world.stations["qianfeng"]
    deputies = (world.deputies["qianfeng"], world.deputies["qianfeng2"])
    client = world.api("anonymous")
    url = _url(station.pk, today(), today() + dt.timedelta(days=200))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for n in range(20):
        make_session(station, days_ahead=n + 1, deputies=deputies)
    small = count()
    for n in range(20, 100):
        make_session(station, days_ahead=n + 1, deputies=deputies)
    assert count() == small
    assert client.get(url).json()["count"] == 100
