"""Check-in at the desk: the rotating code, the window, the roster, manual check-in, missed duties."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.accounts.models import User
from liaison.core.clock import now
from liaison.core.models import AuditEvent
from liaison.receptions.checkin import BadCode, ExpiredCode, checkin_code_read, checkin_token
from liaison.receptions.checkin_tasks import receptions_mark_missed_duties
from liaison.receptions.choices import CheckInMethod, DutyStatus, SessionStatus
from liaison.receptions.models import Duty, ReceptionSession
from liaison.receptions.services_checkin import mark_missed_duties
from liaison.testing.personas import PERSONAS, World

from .test_checkin_factories import make_session, make_walk_in, qianfeng_session

pytestmark = pytest.mark.django_db


def checkin_url(token: str) -> str:
    return f"/my/checkin/{token}/"


def desk_url(session: ReceptionSession, suffix: str = "") -> str:
    return f"/manage/receptions/sessions/{session.pk}/desk/{suffix}"


def duty_of(session: ReceptionSession, world: World, key: str = "qianfeng") -> Duty:
    return Duty.objects.get(session=session, deputy=world.deputies[key])


def ticket_of(page: str) -> str:
    match = re.search(r'name="ticket" value="([^"]+)"', page)
    assert match, "the confirmation page carries a ticket"
    return match.group(1)


# ---- the rotating code ------------------------------------------------------------------------


def test_the_current_code_is_accepted_and_names_its_session() -> None:
    token = checkin_token(42)
    assert checkin_code_read(token).session_id == 42


def test_the_code_of_the_previous_minute_is_still_accepted() -> None:
    moment = now()
    token = checkin_token(7, at=moment - dt.timedelta(seconds=60))
    assert checkin_code_read(token, at=moment).session_id == 7


def test_a_code_from_three_minutes_ago_is_refused_as_expired() -> None:
    moment = now()
    token = checkin_token(7, at=moment - dt.timedelta(minutes=3))
    with pytest.raises(ExpiredCode) as exc:
        checkin_code_read(token, at=moment)
    assert "已过期" in exc.value.message


def test_the_code_changes_every_minute() -> None:
    moment = dt.datetime(2026, 5, 13, 9, 0, 10, tzinfo=dt.UTC)
    assert checkin_token(7, at=moment) == checkin_token(7, at=moment + dt.timedelta(seconds=30))
    assert checkin_token(7, at=moment) != checkin_token(7, at=moment + dt.timedelta(seconds=60))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: t.replace(t.split(":")[0], t.split(":")[0][::-1]),  # payload changed
        lambda t: "",
        lambda t: "junk",
        lambda t: t + ":extra",
    ],
)
def test_a_tampered_code_is_refused(mangle: object) -> None:
    token = checkin_token(7)
    with pytest.raises(BadCode) as exc:
        checkin_code_read(mangle(token))  # type: ignore[operator]
    assert "无效" in exc.value.message


def test_a_code_signed_for_another_purpose_is_refused() -> None:
    from django.core import signing

    forged = signing.dumps({"s": 7, "m": int(now().timestamp() // 60)}, compress=False)
    with pytest.raises(BadCode):
        checkin_code_read(forged)


# ---- checking in by phone ---------------------------------------------------------------------


def test_opening_the_link_asks_for_confirmation_and_changes_nothing(world: World) -> None:
    session = qianfeng_session(world)
    response = world.web("deputy").get(checkin_url(checkin_token(session.pk)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认签到" in page and "张海生" in page
    assert duty_of(session, world).status == DutyStatus.ROSTERED
    assert not AuditEvent.objects.filter(action="duty.checked_in").exists()


def test_a_rostered_deputy_checks_in_with_one_tap_and_it_is_audited(world: World) -> None:
    session = qianfeng_session(world)
    client = world.web("deputy")
    url = checkin_url(checkin_token(session.pk))
    ticket = ticket_of(client.get(url).content.decode())
    response = client.post(url, {"ticket": ticket})
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    duty = duty_of(session, world)
    assert duty.status == DutyStatus.CHECKED_IN
    assert duty.check_in_method == CheckInMethod.QR
    assert duty.checked_in_at is not None
    event = AuditEvent.objects.get(action="duty.checked_in")
    assert event.actor == world.users["deputy"]
    assert event.target_id == str(duty.pk)
    assert duty_of(session, world, "qianfeng2").status == DutyStatus.ROSTERED, "only himself"


def test_checking_in_twice_changes_nothing(world: World) -> None:
    session = qianfeng_session(world)
    client = world.web("deputy")
    url = checkin_url(checkin_token(session.pk))
    ticket = ticket_of(client.get(url).content.decode())
    client.post(url, {"ticket": ticket})
    first = duty_of(session, world).checked_in_at
    again = client.post(url, {"ticket": ticket})
    assert again.status_code == 200
    assert duty_of(session, world).checked_in_at == first
    assert AuditEvent.objects.filter(action="duty.checked_in").count() == 1
    assert "签到成功" in client.get(url).content.decode(), "re-opening the link says he is in"


def test_a_slow_tap_after_the_code_rotated_still_counts(world: World) -> None:
    session = qianfeng_session(world)
    client = world.web("deputy")
    url = checkin_url(checkin_token(session.pk))
    ticket = ticket_of(client.get(url).content.decode())
    with time_machine.travel(now() + dt.timedelta(minutes=3), tick=False):
        assert client.post(url, {"ticket": ticket}).status_code == 200
    assert duty_of(session, world).status == DutyStatus.CHECKED_IN


def test_a_photo_of_an_old_code_is_refused_and_nothing_is_written(world: World) -> None:
    session = qianfeng_session(world)
    old = checkin_token(session.pk, at=now() - dt.timedelta(minutes=3))
    client = world.web("deputy")
    for response in (client.get(checkin_url(old)), client.post(checkin_url(old), {"ticket": ""})):
        assert response.status_code == 422
        assert "签到二维码已过期" in response.content.decode()
    assert duty_of(session, world).status == DutyStatus.ROSTERED
    assert not AuditEvent.objects.filter(action="duty.checked_in").exists()


def test_a_forged_ticket_does_not_revive_an_old_code(world: World) -> None:
    session = qianfeng_session(world)
    old = checkin_token(session.pk, at=now() - dt.timedelta(minutes=3))
    response = world.web("deputy").post(checkin_url(old), {"ticket": "x:y:z"})
    assert response.status_code == 422
    assert duty_of(session, world).status == DutyStatus.ROSTERED


@pytest.mark.parametrize(
    ("starts_in", "message"),
    [
        (dt.timedelta(hours=2), "还没到签到时间"),
        (dt.timedelta(hours=-3), "已经结束"),
    ],
)
def test_a_check_in_outside_the_window_is_refused_in_chinese(
    world: World, starts_in: dt.timedelta, message: str
) -> None:
    session = qianfeng_session(world, starts_in=starts_in)
    client = world.web("deputy")
    url = checkin_url(checkin_token(session.pk))
    response = client.get(url)
    assert response.status_code == 409
    assert message in response.content.decode()
    assert client.post(url, {"ticket": ""}).status_code == 409
    assert duty_of(session, world).status == DutyStatus.ROSTERED


def test_the_window_opens_half_an_hour_before_the_start(world: World) -> None:
    session = qianfeng_session(world, starts_in=dt.timedelta(minutes=25))
    client = world.web("deputy")
    url = checkin_url(checkin_token(session.pk))
    assert client.post(url, {"ticket": ticket_of(client.get(url).content.decode())}).status_code == 200


def test_a_cancelled_session_takes_no_check_in(world: World) -> None:
    session = qianfeng_session(world, status=SessionStatus.CANCELLED)
    response = world.web("deputy").get(checkin_url(checkin_token(session.pk)))
    assert response.status_code == 409
    assert "已取消" in response.content.decode()


def test_a_deputy_not_on_the_roster_cannot_check_in(world: World) -> None:
    session = make_session(world.stations["qianfeng"], deputies=[world.deputies["qianfeng2"]])
    response = world.web("deputy").get(checkin_url(checkin_token(session.pk)))
    assert response.status_code == 403
    assert "不在这次接待的值班名单上" in response.content.decode()
    assert not Duty.objects.filter(session=session, deputy=world.deputies["qianfeng"]).exists()


def test_a_deputy_on_leave_is_told_to_ask_the_staff(world: World) -> None:
    session = qianfeng_session(world)
    Duty.objects.filter(session=session, deputy=world.deputies["qianfeng"]).update(status=DutyStatus.ON_LEAVE)
    response = world.web("deputy").get(checkin_url(checkin_token(session.pk)))
    assert response.status_code == 409
    assert "已请假" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer", "station_staff", "resident", "system_admin"])
def test_only_deputies_check_in_by_code(world: World, persona: str) -> None:
    session = qianfeng_session(world)
    response = world.web(persona).get(checkin_url(checkin_token(session.pk)))
    assert response.status_code == 403
    assert "只有人大代表本人" in response.content.decode()


def test_another_deputy_cannot_check_in_for_someone_else(world: World) -> None:
    session = qianfeng_session(world)
    other_user = User.objects.create(username="p_other_deputy", display_name="李秀英")
    world.deputies["qianfeng2"].user = other_user
    world.deputies["qianfeng2"].save()
    mine = world.web("deputy")
    url = checkin_url(checkin_token(session.pk, at=now() - dt.timedelta(minutes=3)))
    fresh = checkin_url(checkin_token(session.pk))
    ticket = ticket_of(mine.get(fresh).content.decode())
    other = Client()
    other.force_login(other_user, backend="django.contrib.auth.backends.ModelBackend")
    # 张海生's ticket does not revive an old code for 李秀英 ...
    assert other.post(url, {"ticket": ticket}).status_code == 422
    # ... and with a current code 李秀英 checks in only herself.
    assert other.post(fresh, {"ticket": ""}).status_code == 200
    assert duty_of(session, world, "qianfeng2").status == DutyStatus.CHECKED_IN
    assert duty_of(session, world).status == DutyStatus.ROSTERED


def test_anonymous_visitors_are_sent_to_the_login(world: World) -> None:
    session = qianfeng_session(world)
    response = Client().get(checkin_url(checkin_token(session.pk)))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_check_in_page_needs_a_csrf_token(world: World) -> None:
    session = qianfeng_session(world)
    client = Client(enforce_csrf_checks=True)
    deputy = world.users["deputy"]
    assert deputy is not None
    client.force_login(deputy, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(checkin_url(checkin_token(session.pk)), {"ticket": ""}).status_code == 403
    assert duty_of(session, world).status == DutyStatus.ROSTERED


# ---- the desk ---------------------------------------------------------------------------------

DESK_STATUS = {
    "officer": 200,
    "county_officer": 200,
    "station_staff": 200,
    "system_admin": 200,
    "neighbour_officer": 404,
    "handler": 404,
    "other_handler": 404,
    "sponsor": 403,
    "deputy": 403,
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_desk_answers_each_persona_as_expected(world: World, persona: str) -> None:
    session = qianfeng_session(world)
    client = world.web(persona)
    for url in (desk_url(session), desk_url(session, "qr/")):
        assert client.get(url).status_code == DESK_STATUS[persona], (persona, url)


def test_the_desk_shows_a_qr_code_of_the_current_check_in_url(world: World) -> None:
    session = qianfeng_session(world)
    page = world.web("station_staff").get(desk_url(session)).content.decode()
    assert "<svg" in page and "desk-qr-code" in page
    assert 'hx-trigger="every 30s"' in page
    url = re.search(r'data-checkin-url="([^"]+)"', page)
    assert url
    token = url.group(1).rstrip("/").rsplit("/", 1)[-1]
    assert url.group(1).startswith("http://testserver/my/checkin/")
    assert checkin_code_read(token).session_id == session.pk
    assert "张海生" in page and "李秀英" in page
    assert "刷新" in page, "works without JavaScript"


def test_the_polled_fragment_brings_the_next_minutes_code(world: World) -> None:
    session = qianfeng_session(world)
    client = world.web("station_staff")
    first = re.search(r'data-checkin-url="([^"]+)"', client.get(desk_url(session, "qr/")).content.decode())
    with time_machine.travel(now() + dt.timedelta(minutes=1), tick=False):
        response = client.get(desk_url(session, "qr/"), headers={"HX-Request": "true"})
    second = re.search(r'data-checkin-url="([^"]+)"', response.content.decode())
    assert first and second and first.group(1) != second.group(1)
    assert response["Cache-Control"] == "no-store"


def test_after_the_end_the_desk_shows_no_code(world: World) -> None:
    session = qianfeng_session(world, starts_in=dt.timedelta(hours=-5))
    page = world.web("station_staff").get(desk_url(session)).content.decode()
    assert "data-checkin-url" not in page
    assert "扫码签到已关闭" in page


def test_staff_check_a_deputy_in_by_hand_with_a_reason_audited(world: World) -> None:
    session = qianfeng_session(world)
    duty = duty_of(session, world)
    response = world.web("station_staff").post(desk_url(session), {"duty": duty.pk, "reason": "手机没电，现场核实身份"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.CHECKED_IN
    assert duty.check_in_method == CheckInMethod.MANUAL
    event = AuditEvent.objects.get(action="duty.checked_in_manually")
    assert event.reason == "手机没电，现场核实身份"
    assert event.actor == world.users["station_staff"]


def test_staff_may_check_in_after_the_end_a_duty_marked_missed(world: World) -> None:
    session = qianfeng_session(world, starts_in=dt.timedelta(hours=-5))
    mark_missed_duties()
    duty = duty_of(session, world)
    assert duty.status == DutyStatus.MISSED
    world.web("officer").post(desk_url(session), {"duty": duty.pk, "reason": "补登：代表当天已到站"})
    duty.refresh_from_db()
    assert duty.status == DutyStatus.CHECKED_IN


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "忘带手机"}, "请选择要代为签到的代表"),
        ({"duty": "__duty__", "reason": ""}, "请填写代签到的原因"),
        ({"duty": "__duty__", "reason": "原因\u202e反转"}, "控制字符"),
        ({"duty": "__duty__", "reason": "长" * 201}, "200"),
        ({"duty": "999999", "reason": "忘带手机"}, "选择"),
    ],
)
def test_bad_manual_check_in_input_gets_a_chinese_error_and_writes_nothing(
    world: World, data: dict[str, str], message: str
) -> None:
    session = qianfeng_session(world)
    duty = duty_of(session, world)
    data = {k: (str(duty.pk) if v == "__duty__" else v) for k, v in data.items()}
    response = world.web("station_staff").post(desk_url(session), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ROSTERED
    assert not AuditEvent.objects.filter(action="duty.checked_in_manually").exists()


def test_manual_check_in_before_the_session_is_refused(world: World) -> None:
    session = qianfeng_session(world, starts_in=dt.timedelta(days=2))
    duty = duty_of(session, world)
    response = world.web("station_staff").post(desk_url(session), {"duty": duty.pk, "reason": "提前登记"})
    assert response.status_code == 409
    assert "还没有开始" in response.content.decode()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ROSTERED


@pytest.mark.parametrize("persona", ["sponsor", "deputy"])
def test_those_who_only_look_cannot_check_anybody_in(world: World, persona: str) -> None:
    session = qianfeng_session(world)
    duty = duty_of(session, world)
    assert world.web(persona).post(desk_url(session), {"duty": duty.pk, "reason": "x"}).status_code == 403
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ROSTERED


def test_a_neighbouring_officer_cannot_check_in_at_our_desk(world: World) -> None:
    session = qianfeng_session(world)
    duty = duty_of(session, world)
    response = world.web("neighbour_officer").post(desk_url(session), {"duty": duty.pk, "reason": "x"})
    assert response.status_code == 404
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ROSTERED


def test_the_desk_page_costs_the_same_queries_for_a_small_and_a_large_reception(world: World) -> None:
    from liaison.testing.personas import _deputy

    def count(deputies: int, walk_ins: int) -> int:
        session = make_session(world.stations["qianfeng"])
        for i in range(deputies):
            deputy = _deputy(world.terms["wanbailin"], f"Q{session.pk}-{i}", f"代表{i}", None)
            Duty.objects.create(session=session, deputy=deputy)
        for _i in range(walk_ins):
            make_walk_in(session, world)
        client = world.web("station_staff")
        client.get(desk_url(session))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(desk_url(session)).status_code == 200
        return len(ctx.captured_queries)

    assert count(3, 20) == count(12, 100)


# ---- missed duties ----------------------------------------------------------------------------


def test_rostered_duties_of_ended_sessions_become_missed_once(world: World) -> None:
    ended = qianfeng_session(world, starts_in=dt.timedelta(hours=-5))
    running = qianfeng_session(world)
    Duty.objects.filter(session=ended, deputy=world.deputies["qianfeng2"]).update(status=DutyStatus.ON_LEAVE)
    cancelled = qianfeng_session(world, starts_in=dt.timedelta(days=-7), status=SessionStatus.CANCELLED)
    checked = make_session(
        world.stations["xinghua"], starts_in=dt.timedelta(hours=-5), deputies=[world.deputies["xinghua"]]
    )
    Duty.objects.filter(session=checked).update(status=DutyStatus.CHECKED_IN)

    assert mark_missed_duties() == 1
    assert duty_of(ended, world).status == DutyStatus.MISSED
    assert duty_of(ended, world, "qianfeng2").status == DutyStatus.ON_LEAVE
    assert duty_of(running, world).status == DutyStatus.ROSTERED
    assert duty_of(cancelled, world).status == DutyStatus.ROSTERED
    assert Duty.objects.get(session=checked).status == DutyStatus.CHECKED_IN
    assert AuditEvent.objects.filter(action="duty.missed").count() == 1
    assert mark_missed_duties() == 0, "idempotent"
    assert AuditEvent.objects.filter(action="duty.missed").count() == 1


def test_the_periodic_task_marks_missed_duties(world: World) -> None:
    ended = qianfeng_session(world, starts_in=dt.timedelta(hours=-5))
    receptions_mark_missed_duties.enqueue()
    assert duty_of(ended, world).status == DutyStatus.MISSED


def test_the_periodic_command_enqueues_the_missed_duty_sweep() -> None:
    from liaison.core.management.commands.periodic import SCHEDULE

    assert receptions_mark_missed_duties in SCHEDULE
