"""The .ics feeds: RFC 5545 output parsed back with icalendar; stable UIDs; only public data."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from liaison.receptions.choices import SessionStatus
from liaison.testing.personas import RESIDENT_PHONE, World

from .public_support import SHANGHAI, make_session

pytestmark = pytest.mark.django_db


def _parse(response: object) -> Calendar:
    return Calendar.from_ical(response.content)  # type: ignore[attr-defined]


def test_the_station_feed_is_a_valid_calendar_with_one_event_per_session(world: World) -> None:
    station = world.stations["qianfeng"]
    deputy = world.deputies["qianfeng"]
    planned = make_session(station, days_ahead=5, deputies=(deputy,), theme="老旧小区改造", place="千峰南路1号二楼")
    cancelled = make_session(station, days_ahead=19, status=SessionStatus.CANCELLED)
    make_session(station, days_ahead=-60)  # too old for the feed
    make_session(world.stations["xinghua"], days_ahead=5)  # another station's
    response = world.web("anonymous").get(f"/stations/{station.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content
    cal = _parse(response)
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert station.name in str(cal["X-WR-CALNAME"])
    zones = list(cal.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"session-{planned.pk}@liaison", f"session-{cancelled.pk}@liaison"}
    event = events[f"session-{planned.pk}@liaison"]
    start = event.decoded("DTSTART")
    assert start == planned.starts_at
    assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(hours=8)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTEND") == planned.ends_at
    assert "DTSTAMP" in event
    assert "老旧小区改造" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "千峰南路1号二楼"
    assert deputy.name in str(event["DESCRIPTION"])
    assert int(str(event["SEQUENCE"])) == planned.version
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(events[f"session-{cancelled.pk}@liaison"]["STATUS"]) == "CANCELLED"
    assert RESIDENT_PHONE not in response.content.decode()
    assert deputy.work_phone not in response.content.decode()


def test_uids_are_stable_and_sequence_follows_the_version(world: World) -> None:
    station = world.stations["qianfeng"]
    session = make_session(station, days_ahead=5)
    url = f"/stations/{station.pk}/calendar.ics"
    first = _parse(world.web("anonymous").get(url))
    session.version += 1
    session.starts_at = dt.datetime.combine(session.date, dt.time(14, 0), tzinfo=SHANGHAI)
    session.ends_at = dt.datetime.combine(session.date, dt.time(16, 0), tzinfo=SHANGHAI)
    session.save()
    second = _parse(world.web("anonymous").get(url))
    (a,) = first.walk("VEVENT")
    (b,) = second.walk("VEVENT")
    assert str(a["UID"]) == str(b["UID"]) == f"session-{session.pk}@liaison"
    assert int(str(b["SEQUENCE"])) == int(str(a["SEQUENCE"])) + 1
    assert b.decoded("DTSTART").astimezone(SHANGHAI).hour == 14


def test_a_provisional_session_is_tentative_and_says_so(world: World) -> None:
    station = world.stations["qianfeng"]
    make_session(station, days_ahead=5, provisional=True)
    (event,) = _parse(world.web("anonymous").get(f"/stations/{station.pk}/calendar.ics")).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "待定" in str(event["SUMMARY"])


def test_the_deputy_feed_lists_his_duties_at_any_published_station(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    mine = make_session(world.stations["qianfeng"], days_ahead=3, deputies=(deputy,))
    make_session(world.stations["qianfeng"], days_ahead=4, deputies=(world.deputies["qianfeng2"],))
    make_session(world.stations["qianfeng_unpublished"], days_ahead=5, deputies=(deputy,))
    response = world.web("anonymous").get(f"/deputies/{deputy.pk}/calendar.ics")
    assert response.status_code == 200
    cal = _parse(response)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"session-{mine.pk}@liaison"]
    assert deputy.name in str(cal["X-WR-CALNAME"])


def test_unpublished_stations_and_unknown_deputies_have_no_feed(world: World) -> None:
    client = world.web("anonymous")
    assert client.get(f"/stations/{world.stations['qianfeng_unpublished'].pk}/calendar.ics").status_code == 404
    assert client.get("/stations/999999/calendar.ics").status_code == 404
    assert client.get("/deputies/999999/calendar.ics").status_code == 404
    world.deputies["xinghua"].is_active = False
    world.deputies["xinghua"].save()
    assert client.get(f"/deputies/{world.deputies['xinghua'].pk}/calendar.ics").status_code == 404


def test_the_feed_costs_the_same_queries_for_few_or_many_sessions(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    station = world.stations["qianfeng"]
    deputies = (world.deputies["qianfeng"], world.deputies["qianfeng2"])
    url = f"/stations/{station.pk}/calendar.ics"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert world.web("anonymous").get(url).status_code == 200
        return len(ctx.captured_queries)

    for n in range(20):
        make_session(station, days_ahead=n + 1, deputies=deputies)
    small = count()
    for n in range(20, 100):
        make_session(station, days_ahead=n + 1, deputies=deputies)
    assert count() == small
