"""Schedules, session generation, regeneration after a rule change, the roster by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.core.clock import now, today
from liaison.core.errors import Forbidden, IllegalState, InvalidInput
from liaison.core.models import AuditEvent
from liaison.deputies.models import Assignment, Deputy
from liaison.deputies.pinyin import pinyin_key
from liaison.receptions.choices import BookingStatus, DutyStatus, SessionKind, SessionStatus
from liaison.receptions.holidays import seed_workday_overrides
from liaison.receptions.models import Booking, Duty, ReceptionSchedule, ReceptionSession
from liaison.receptions.services_schedule import (
    ConfirmationRequired,
    duty_add,
    duty_remove,
    schedule_create,
    schedule_update,
    session_create,
    sessions_generate,
)
from liaison.receptions.tasks import extend_sessions
from liaison.stations.models import Station
from liaison.testing.personas import World

EXTRA = ("王建华", "刘芳", "陈志强", "杨丽")


def add_deputies(world: World, station_key: str = "qianfeng", names: tuple[str, ...] = EXTRA) -> list[Deputy]:
    """More deputies at a station (the persona world has one at 千峰's station)."""
    station = world.stations[station_key]
    term = world.terms["wanbailin"]
    out = []
    for i, name in enumerate(names):
        deputy = Deputy.objects.create(
            term=term,
            certificate_no=f"T-{station.pk}-{i}",
            name=name,
            name_pinyin=pinyin_key(name),
            level=term.level,
        )
        Assignment.objects.create(deputy=deputy, station=station, start=today() - dt.timedelta(days=30))
        out.append(deputy)
    return out


def schedule_values(**extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "",
        "preset": "biweekly_wednesday",
        "starts_on": today(),
        "start_time": dt.time(9),
        "end_time": dt.time(11, 30),
        "place": "千峰南路1号",
        "min_deputies": 3,
        "capacity": 20,
        "holiday_policy": "skip",
    }
    values.update(extra)
    return values


def make_schedule(world: World, persona: str = "officer", **extra: Any) -> ReceptionSchedule:
    actor = jurisdiction_for(world.users[persona])
    return schedule_create(actor=actor, station=world.stations["qianfeng"], **schedule_values(**extra))


@pytest.fixture
def staffed(world: World) -> World:
    seed_workday_overrides()
    add_deputies(world)
    return world


def test_setting_biweekly_wednesday_generates_a_year_of_staffed_sessions(staffed: World) -> None:
    schedule = make_schedule(staffed)
    assert schedule.name == "每月第2、4个周三（双周三）"
    sessions = list(schedule.sessions.all())
    assert 22 <= len(sessions) <= 26
    assert all(s.date.weekday() == 2 for s in sessions)
    assert sessions[-1].date >= today() + dt.timedelta(days=330)
    for s in sessions:
        assert s.duties.count() == 3
        assert s.starts_at.astimezone(dt.UTC).hour == 1  # 09:00 in Asia/Shanghai
    assert AuditEvent.objects.filter(action="reception_schedule.created").count() == 1
    assert AuditEvent.objects.filter(action="reception_schedule.sessions_generated").count() == 1


def test_generation_is_idempotent(staffed: World) -> None:
    schedule = make_schedule(staffed)
    before = (ReceptionSession.objects.count(), Duty.objects.count())
    report = sessions_generate(schedule=schedule)
    assert not report.changed and not report.pending
    assert (ReceptionSession.objects.count(), Duty.objects.count()) == before
    assert extend_sessions.call()["created"] == 0


@pytest.mark.parametrize(
    ("extra", "field", "fragment"),
    [
        ({"preset": "custom", "rrule": "FREQ=HOURLY"}, "rrule", "最多每天一次"),
        ({"preset": "custom", "rrule": "not a rule"}, "rrule", "格式不正确"),
        ({"end_time": dt.time(8)}, "end_time", "结束时间必须晚于开始时间"),
        ({"ends_on": today() - dt.timedelta(days=1)}, "ends_on", "结束日期不能早于开始日期"),
        ({"min_deputies": 6}, "min_deputies", "超过了本站现有的代表人数（5 名）"),
        ({"min_deputies": 0}, "min_deputies", "至少需要 1 名代表"),
        ({"preset": "weekly"}, "weekday", "请选择每周的哪一天"),
        ({"name": "双周三\u202e"}, "name", "控制字符"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_changes_nothing(
    staffed: World, extra: dict[str, Any], field: str, fragment: str
) -> None:
    audits = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as exc:
        make_schedule(staffed, **extra)
    assert any(fragment in text for text in exc.value.fields[field]), exc.value.fields
    assert ReceptionSchedule.objects.count() == 0 and ReceptionSession.objects.count() == 0
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("persona", ["neighbour_officer", "sponsor", "deputy", "handler"])
def test_only_staff_who_manage_the_station_set_schedules(staffed: World, persona: str) -> None:
    with pytest.raises(Forbidden):
        make_schedule(staffed, persona=persona)
    assert ReceptionSchedule.objects.count() == 0


@pytest.mark.parametrize("persona", ["officer", "county_officer", "station_staff", "system_admin"])
def test_the_office_and_the_stations_staff_set_schedules(staffed: World, persona: str) -> None:
    assert make_schedule(staffed, persona=persona).sessions.exists()


def test_a_rule_change_touching_staffed_sessions_needs_confirmation(staffed: World) -> None:
    actor = jurisdiction_for(staffed.users["officer"])
    schedule = make_schedule(staffed)
    snapshot = list(ReceptionSession.objects.values_list("pk", "date", "status").order_by("pk"))
    with pytest.raises(ConfirmationRequired) as exc:
        schedule_update(actor=actor, schedule=schedule, version=schedule.version, preset="first_friday")
    assert exc.value.report.pending
    assert list(ReceptionSession.objects.values_list("pk", "date", "status").order_by("pk")) == snapshot
    schedule.refresh_from_db()
    assert schedule.rrule == "FREQ=MONTHLY;BYDAY=2WE,4WE" and schedule.version == 1

    schedule, report = schedule_update(
        actor=actor, schedule=schedule, version=schedule.version, preset="first_friday", confirm=True
    )
    planned = ReceptionSession.objects.filter(schedule=schedule, status=SessionStatus.PLANNED)
    assert planned.exists() and all(s.date.weekday() == 4 for s in planned)
    assert report.cancelled
    cancelled = ReceptionSession.objects.filter(status=SessionStatus.CANCELLED)
    assert all(s.status_reason == "接待日安排已修改" for s in cancelled)


def test_free_fields_change_without_confirmation_and_past_sessions_stay(staffed: World) -> None:
    actor = jurisdiction_for(staffed.users["officer"])
    schedule = make_schedule(staffed)
    past = ReceptionSession.objects.create(
        station=schedule.station,
        schedule=schedule,
        occurrence=today() - dt.timedelta(days=14),
        date=today() - dt.timedelta(days=14),
        starts_at=now() - dt.timedelta(days=14),
        ends_at=now() - dt.timedelta(days=14) + dt.timedelta(hours=2),
        place="旧址",
    )
    schedule, report = schedule_update(actor=actor, schedule=schedule, version=schedule.version, place="新址")
    assert report.updated > 0 and not report.pending
    assert set(schedule.sessions.filter(starts_at__gt=now()).values_list("place", flat=True)) == {"新址"}
    past.refresh_from_db()
    assert past.place == "旧址"


def test_a_booked_session_is_protected_from_a_move(staffed: World) -> None:
    actor = jurisdiction_for(staffed.users["officer"])
    schedule = make_schedule(staffed)
    first = schedule.sessions.order_by("starts_at").first()
    assert first is not None
    Booking.objects.create(
        session=first, name="王", phone="13500009999", code_hash="x" * 64, status=BookingStatus.ACTIVE
    )
    with pytest.raises(ConfirmationRequired) as exc:
        schedule_update(
            actor=actor, schedule=schedule, version=schedule.version, start_time=dt.time(14), end_time=dt.time(16)
        )
    assert first.pk in {p.session.pk for p in exc.value.report.pending}


def test_rostering_into_an_overlapping_session_is_refused(staffed: World) -> None:
    officer = jurisdiction_for(staffed.users["officer"])
    schedule = make_schedule(staffed, min_deputies=1)
    session = schedule.sessions.order_by("starts_at").first()
    assert session is not None
    deputy = staffed.deputies["qianfeng"]
    Assignment.objects.create(deputy=deputy, station=staffed.stations["xinghua"], start=today() - dt.timedelta(days=3))
    other = ReceptionSession.objects.create(
        station=staffed.stations["xinghua"],
        date=session.date,
        starts_at=session.starts_at + dt.timedelta(hours=1),
        ends_at=session.ends_at + dt.timedelta(hours=1),
    )
    Duty.objects.filter(session=session).delete()
    Duty.objects.create(session=other, deputy=deputy)
    before = Duty.objects.count()
    with pytest.raises(InvalidInput) as exc:
        duty_add(actor=officer, session=session, deputy=deputy)
    message = exc.value.fields["deputy"][0]
    assert "张海生" in message and "兴华街道人大代表联络站" in message and "不能重复安排" in message
    assert Duty.objects.count() == before


def test_the_roster_is_edited_by_hand_with_reasons(staffed: World) -> None:
    officer = jurisdiction_for(staffed.users["station_staff"])
    schedule = make_schedule(staffed)
    session = schedule.sessions.order_by("starts_at").first()
    assert session is not None
    duty = session.duties.first()
    assert duty is not None
    with pytest.raises(InvalidInput) as exc:
        duty_remove(actor=officer, duty=duty, reason="  ")
    assert exc.value.fields["reason"] == ["请填写调整原因。"]
    duty_remove(actor=officer, duty=duty, reason="外出学习")
    assert AuditEvent.objects.filter(action="duty.removed", reason="外出学习").exists()
    with pytest.raises(InvalidInput) as exc:
        duty_add(actor=officer, session=session, deputy=staffed.deputies["xinghua"])
    assert "不是本站的代表" in exc.value.fields["deputy"][0]
    again = duty_add(actor=officer, session=session, deputy=duty.deputy)
    assert again.status == DutyStatus.ROSTERED
    with pytest.raises(InvalidInput):
        duty_add(actor=officer, session=session, deputy=duty.deputy)
    session.status = SessionStatus.CANCELLED
    session.save()
    with pytest.raises(IllegalState):
        duty_add(actor=officer, session=session, deputy=staffed.deputies["qianfeng"])


def test_a_group_reception_draws_on_partner_stations(staffed: World) -> None:
    actor = jurisdiction_for(staffed.users["county_officer"])
    session = session_create(
        actor=actor,
        station=staffed.stations["qianfeng"],
        kind=SessionKind.GROUP,
        date=today() + dt.timedelta(days=10),
        start_time=dt.time(14),
        end_time=dt.time(16),
        theme="老旧小区改造",
        min_deputies=6,
        partner_stations=[staffed.stations["xinghua"]],
    )
    names = set(session.duties.values_list("deputy__name", flat=True))
    assert "赵建国" in names and len(names) == 6
    with pytest.raises(InvalidInput) as exc:
        session_create(
            actor=jurisdiction_for(staffed.users["officer"]),
            station=staffed.stations["qianfeng"],
            kind=SessionKind.GROUP,
            date=today() + dt.timedelta(days=10),
            start_time=dt.time(14),
            end_time=dt.time(16),
            partner_stations=[staffed.stations["xinghua"]],
        )
    assert "不在您的管辖范围内" in exc.value.fields["partner_stations"][0]


def test_a_session_below_its_minimum_is_flagged(staffed: World) -> None:
    from liaison.receptions.selectors import sessions_below_minimum

    schedule = make_schedule(staffed)
    first = schedule.sessions.order_by("starts_at").first()
    assert first is not None
    Duty.objects.filter(session=first).first().delete()  # type: ignore[union-attr]
    actor = jurisdiction_for(staffed.users["officer"])
    flagged = list(sessions_below_minimum(actor=actor, within_days=400))
    assert [s.pk for s in flagged] == [first.pk]
    assert (
        list(sessions_below_minimum(actor=jurisdiction_for(staffed.users["neighbour_officer"]), within_days=400)) == []
    )


def test_an_inactive_schedule_removes_its_unstaffed_future_sessions(staffed: World) -> None:
    actor = jurisdiction_for(staffed.users["officer"])
    schedule = make_schedule(staffed)
    Duty.objects.all().delete()
    schedule, report = schedule_update(actor=actor, schedule=schedule, version=schedule.version, is_active=False)
    assert report.deleted and not ReceptionSession.objects.exists()
    assert Station.objects.filter(pk=schedule.station_id).exists()
