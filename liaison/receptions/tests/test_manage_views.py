"""The back office's reception-day pages: persona matrix, forms with Chinese errors, rosters,
query-count guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.core.clock import today
from liaison.receptions.holidays import seed_workday_overrides
from liaison.receptions.models import Duty, ReceptionSchedule, ReceptionSession
from liaison.receptions.services_schedule import moment, roster_fill, schedule_create
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

from .test_schedules_services import add_deputies, schedule_values

# Who reaches 千峰's station pages: the rest of the staff personas get 404, residents 403.
SEES = {"officer", "county_officer", "station_staff", "sponsor", "deputy", "system_admin"}
MANAGES = {"officer", "county_officer", "station_staff", "system_admin"}


@pytest.fixture
def staffed(world: World) -> World:
    seed_workday_overrides()
    add_deputies(world)
    return world


@pytest.fixture
def schedule(staffed: World) -> ReceptionSchedule:
    return schedule_create(
        actor=jurisdiction_for(staffed.users["officer"]), station=staffed.stations["qianfeng"], **schedule_values()
    )


def _urls(world: World, schedule: ReceptionSchedule) -> dict[str, str]:
    station = world.stations["qianfeng"].pk
    session = schedule.sessions.order_by("starts_at").first()
    assert session is not None
    return {
        "schedules": f"/manage/receptions/stations/{station}/schedules/",
        "schedule_new": f"/manage/receptions/stations/{station}/schedules/new/",
        "schedule_edit": f"/manage/receptions/schedules/{schedule.pk}/edit/",
        "sessions": f"/manage/receptions/stations/{station}/sessions/",
        "session_new": f"/manage/receptions/stations/{station}/sessions/new/",
        "session": f"/manage/receptions/sessions/{session.pk}/",
    }


READ_ONLY_PAGES = {"schedules", "sessions", "session"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_answers_by_persona(staffed: World, schedule: ReceptionSchedule, persona: str) -> None:
    client = staffed.web(persona)
    for key, url in _urls(staffed, schedule).items():
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), key
        elif persona in ("resident", "other_resident"):
            assert response.status_code == 403, key
        elif persona not in SEES:
            assert response.status_code == 404, (persona, key)
        elif key in READ_ONLY_PAGES or persona in MANAGES:
            assert response.status_code == 200, (persona, key)
            assert RESIDENT_PHONE not in response.content.decode()
        else:
            assert response.status_code == 403, (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_receptions_home_lists_only_sessions_in_reach(
    staffed: World, schedule: ReceptionSchedule, persona: str
) -> None:
    response = staffed.web(persona).get("/manage/receptions/")
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if persona in ("resident", "other_resident"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert ("千峰街道人大代表联络站" in page) == (persona in SEES), persona


def test_a_neighbouring_officer_cannot_post_to_the_roster(staffed: World, schedule: ReceptionSchedule) -> None:
    urls = _urls(staffed, schedule)
    duty = Duty.objects.filter(session__schedule=schedule).order_by("session__starts_at").first()
    assert duty is not None
    client = staffed.web("neighbour_officer")
    before = Duty.objects.count()
    assert client.post(urls["session"], {"action": "duty_remove", "duty": duty.pk, "reason": "x"}).status_code == 404
    assert client.post(urls["schedule_edit"], {"preset": "first_friday"}).status_code == 404
    assert (
        staffed.web("sponsor")
        .post(urls["session"], {"action": "duty_remove", "duty": duty.pk, "reason": "x"})
        .status_code
        == 403
    )
    assert Duty.objects.count() == before


def _form(**extra: str) -> dict[str, str]:
    data = {
        "preset": "biweekly_wednesday",
        "weekday": "",
        "rrule": "",
        "name": "",
        "starts_on": today().isoformat(),
        "ends_on": "",
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "千峰南路1号",
        "min_deputies": "3",
        "capacity": "20",
        "theme": "",
        "remind_days_before": "3",
        "holiday_policy": "skip",
    }
    data.update(extra)
    return data


def test_an_officer_sets_biweekly_wednesday_and_sees_the_sessions(staffed: World) -> None:
    client = staffed.web("officer")
    station = staffed.stations["qianfeng"].pk
    response = client.post(f"/manage/receptions/stations/{station}/schedules/new/", _form())
    assert response.status_code == 302
    assert response["Location"] == f"/manage/receptions/stations/{station}/sessions/"
    page = client.get(response["Location"]).content.decode()
    assert "星期三" in page and "（3/3）" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"preset": "custom", "rrule": "FREQ=SECONDLY"}, "最多每天一次"),
        ({"end_time": "08:00"}, "结束时间必须晚于开始时间"),
        ({"min_deputies": "9"}, "超过了本站现有的代表人数"),
        ({"starts_on": "2026-13-40"}, "请填写正确的日期"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(staffed: World, extra: dict[str, str], message: str) -> None:
    station = staffed.stations["qianfeng"].pk
    response = staffed.web("officer").post(f"/manage/receptions/stations/{station}/schedules/new/", _form(**extra))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ReceptionSchedule.objects.exists()


def test_editing_a_staffed_schedule_asks_for_confirmation(staffed: World, schedule: ReceptionSchedule) -> None:
    client = staffed.web("officer")
    url = f"/manage/receptions/schedules/{schedule.pk}/edit/"
    data = _form(preset="first_friday", version=str(schedule.version), is_active="on")
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "确认修改" in page and "将取消" in page
    assert not ReceptionSession.objects.filter(date__week_day=6).exists()  # nothing moved yet
    from liaison.core.models import Notification
    from liaison.receptions.models import Booking

    staffed_session = ReceptionSession.objects.filter(schedule=schedule, duties__isnull=False).first()
    assert staffed_session is not None
    Booking.objects.create(session=staffed_session, name="张三", phone="13500008888", code_hash="y" * 64)
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert ReceptionSession.objects.filter(schedule=schedule, status="planned").exclude(date__week_day=6).count() == 0
    # The confirmed change is announced like a cancellation by hand: the booked resident is told.
    assert Notification.objects.filter(channel="sms", address="13500008888").count() == 1


def test_the_roster_is_edited_on_the_session_page(staffed: World, schedule: ReceptionSchedule) -> None:
    client = staffed.web("station_staff")
    session = schedule.sessions.order_by("starts_at").first()
    assert session is not None
    url = f"/manage/receptions/sessions/{session.pk}/"
    duty = session.duties.select_related("deputy").first()
    assert duty is not None
    response = client.post(url, {"action": "duty_remove", "duty": duty.pk, "reason": ""})
    assert response.status_code == 422 and "请填写调整原因" in response.content.decode()
    response = client.post(url, {"action": "duty_remove", "duty": duty.pk, "reason": "外出"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "代表不足：2/3 名" in page
    response = client.post(url, {"action": "duty_add", "deputy": duty.deputy_id})
    assert response.status_code == 302
    assert session.duties.count() == 3
    # An overlapping session elsewhere: the same deputy cannot be added twice over.
    other = ReceptionSession.objects.create(
        station=staffed.stations["qianfeng_point"],
        date=session.date,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    Duty.objects.create(session=other, deputy=staffed.deputies["qianfeng2"])
    Duty.objects.filter(session=session, deputy=duty.deputy).delete()
    response = client.post(url, {"action": "duty_add", "deputy": staffed.deputies["qianfeng2"].pk})
    assert response.status_code in (404, 422)  # not at this station: not among the choices


def test_provisional_sessions_carry_their_mark(staffed: World, schedule: ReceptionSchedule) -> None:
    ReceptionSession.objects.filter(schedule=schedule).update(provisional=True)
    page = staffed.web("officer").get(f"/manage/receptions/stations/{staffed.stations['qianfeng'].pk}/sessions/")
    assert "待定（调休未公布）" in page.content.decode()


def _add_sessions(world: World, count: int, start: int) -> None:
    station = world.stations["qianfeng"]
    rows = []
    for n in range(start, start + count):
        day = today() + dt.timedelta(days=1 + n % 25)
        rows.append(
            ReceptionSession(
                station=station,
                date=day,
                starts_at=moment(day, dt.time(9)) + dt.timedelta(minutes=n),
                ends_at=moment(day, dt.time(11)) + dt.timedelta(minutes=n),
                min_deputies=2,
            )
        )
    ReceptionSession.objects.bulk_create(rows)
    roster_fill(list(ReceptionSession.objects.filter(pk__in=[r.pk for r in rows])))


@pytest.mark.parametrize("url_key", ["home", "sessions"])
def test_a_page_of_20_costs_the_same_queries_for_20_or_100_sessions(staffed: World, url_key: str) -> None:
    client = staffed.web("officer")
    station = staffed.stations["qianfeng"].pk
    url = "/manage/receptions/" if url_key == "home" else f"/manage/receptions/stations/{station}/sessions/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _add_sessions(staffed, 20, 0)
    small = queries()
    _add_sessions(staffed, 80, 20)
    assert queries() == small


def test_posted_fields_outside_the_form_are_ignored(staffed: World) -> None:
    """SECURITY.md S4: a station, version or status in the body changes nothing it should not."""
    client = staffed.web("officer")
    station = staffed.stations["qianfeng"]
    extra = {"station": str(staffed.stations["xinghua"].pk), "station_id": str(staffed.stations["xinghua"].pk)}
    response = client.post(
        f"/manage/receptions/stations/{station.pk}/schedules/new/", {**_form(), **extra, "version": "99", "status": "x"}
    )
    assert response.status_code == 302
    schedule = ReceptionSchedule.objects.get()
    assert schedule.station_id == station.pk and schedule.version == 1
    assert not ReceptionSession.objects.exclude(station=station).exists()


FUZZED = {
    "schedule create": lambda w, s: f"/manage/receptions/stations/{w.stations['qianfeng'].pk}/schedules/new/",
    "schedule edit": lambda w, s: f"/manage/receptions/schedules/{s.pk}/edit/",
    "session create": lambda w, s: f"/manage/receptions/stations/{w.stations['qianfeng'].pk}/sessions/new/",
    "session roster": lambda w, s: f"/manage/receptions/sessions/{s.sessions.order_by('starts_at').first().pk}/",
}


@pytest.mark.parametrize("page", sorted(FUZZED))
def test_every_form_answers_hostile_input_without_a_server_error(
    staffed: World, schedule: ReceptionSchedule, page: str
) -> None:
    """SECURITY.md S13 on these pages, with the core fuzzer's hostile strings."""
    from hypothesis import given
    from hypothesis import strategies as st

    from liaison.core.tests.test_form_fuzz import TEXT, forms_of

    client = staffed.web("officer")
    forms = forms_of(client, FUZZED[page](staffed, schedule))

    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        action, fields = data.draw(st.sampled_from(forms))
        values = {}
        for name, candidates in fields.items():
            choices = [c for c in candidates if c]
            values[name] = data.draw(st.one_of(st.sampled_from(choices), TEXT) if choices else TEXT)
        assert client.post(action, values).status_code < 500, (action, values)

    post()


def test_staff_move_then_cancel_a_session_and_everyone_is_told(staffed: World, schedule: ReceptionSchedule) -> None:
    from liaison.core.models import AuditEvent, Notification

    client = staffed.web("station_staff")
    session = schedule.sessions.filter(starts_at__gt=moment(today(), dt.time(0))).order_by("starts_at").first()
    assert session is not None
    url = f"/manage/receptions/sessions/{session.pk}/"
    page = client.get(url).content.decode()
    assert "调整或取消本次接待" in page and "签到台" in page and "预约名单" in page
    # Bad input: a move into the past, a cancel without reason; nothing changes.
    past = today() - dt.timedelta(days=3)
    response = client.post(
        url, {"action": "session_move", "move-new_date": past, "move-start_time": "09:00", "move-end_time": "11:00"}
    )
    assert response.status_code == 422 and "新的日期不能早于今天" in response.content.decode()
    response = client.post(url, {"action": "session_cancel", "cancel-reason": ""})
    assert response.status_code == 422 and "请填写取消原因" in response.content.decode()
    assert not Notification.objects.exists()
    from liaison.receptions.models import Booking

    Booking.objects.create(session=session, name="张三", phone="13500009999", code_hash="x" * 64)

    new_date = session.date + dt.timedelta(days=1)
    response = client.post(
        url,
        {"action": "session_move", "move-new_date": new_date, "move-start_time": "14:00", "move-end_time": "16:00"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.date == new_date
    told = Notification.objects.count()
    assert told >= 1 and Notification.objects.filter(channel="sms", address="13500009999").count() == 1

    response = client.post(url, {"action": "session_cancel", "cancel-reason": "场地维修"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert Notification.objects.count() == 2 * told, "told again, once each, about the cancellation"
    assert AuditEvent.objects.filter(target_id=str(session.pk), target_type="receptions.receptionsession").count() >= 2
    assert "调整或取消本次接待" not in client.get(url).content.decode()


def test_a_neighbouring_officer_cannot_cancel_a_session(staffed: World, schedule: ReceptionSchedule) -> None:
    session = schedule.sessions.order_by("-starts_at").first()
    assert session is not None
    url = f"/manage/receptions/sessions/{session.pk}/"
    response = staffed.web("neighbour_officer").post(url, {"action": "session_cancel", "cancel-reason": "x"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == "planned"
