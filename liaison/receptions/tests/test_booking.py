"""Booking ahead: capacity, one booking per phone, the cancel code, and telling everyone when staff
cancel or move a session."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.test import Client

from liaison.accounts.jurisdiction import ANONYMOUS, jurisdiction_for
from liaison.core.errors import Conflict, Forbidden, IllegalState, InvalidInput, NotFound
from liaison.core.models import AuditEvent, Notification
from liaison.receptions.choices import BookingStatus, DutyStatus, SessionStatus
from liaison.receptions.models import Booking, Duty, ReceptionSession
from liaison.receptions.services_booking import booking_cancel, booking_create, session_cancel, session_move
from liaison.testing.personas import RESIDENT_PHONE, World

from .public_support import make_session

pytestmark = pytest.mark.django_db


def _book_url(session: ReceptionSession) -> str:
    return f"/stations/{session.station_id}/sessions/{session.pk}/book/"


def _post_booking(client: Client, session: ReceptionSession, phone: str = RESIDENT_PHONE, **extra: str) -> Any:
    data = {"name": "王大爷", "phone": phone, "matter": extra.get("matter", "")}
    return client.post(_book_url(session), data)


def _code(response: Any) -> str:
    page = response.content.decode()
    match = re.search(r'class="display-6 fw-bold cancel-code mb-0"[^>]*>([A-Z0-9]{8})<', page)
    assert match, page
    return match.group(1)


def test_a_resident_books_gets_a_code_once_and_cancels_with_it(world: World) -> None:
    session = make_session(world.stations["qianfeng"], deputies=(world.deputies["qianfeng"],))
    client = world.web("anonymous")
    assert client.get(_book_url(session)).status_code == 200
    response = _post_booking(client, session, phone="135 0000 1234", matter="楼道灯坏了")
    assert response.status_code == 200
    code = _code(response)
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    booking = Booking.objects.get()
    assert booking.phone == RESIDENT_PHONE, "normalized"
    assert booking.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert code not in str(Booking.objects.values_list().get())
    page = response.content.decode()
    assert RESIDENT_PHONE not in page
    assert AuditEvent.objects.filter(action="reception_booking.create").count() == 1
    # Cancelling is a POST of the code: lower case and dashes are forgiven.
    response = client.post("/bookings/cancel/", {"code": f"{code[:4].lower()}-{code[4:]}"})
    assert response.status_code == 200
    assert "预约已取消" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    # The same code again: nothing to cancel.
    assert client.post("/bookings/cancel/", {"code": code}).status_code == 404


def test_a_wrong_code_is_a_404_like_answer_and_changes_nothing(world: World) -> None:
    session = make_session(world.stations["qianfeng"])
    booking, code = booking_create(actor=ANONYMOUS, session=session, name="王大爷", phone=RESIDENT_PHONE)
    wrong = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    response = world.web("anonymous").post("/bookings/cancel/", {"code": wrong})
    assert response.status_code == 404
    assert "取消码不正确" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE
    with pytest.raises(NotFound):
        booking_cancel(actor=ANONYMOUS, code="short")


def test_the_code_never_travels_in_a_url(world: World) -> None:
    session = make_session(world.stations["qianfeng"])
    client = world.web("anonymous")
    code = _code(_post_booking(client, session))
    # A GET with the code in the query string cancels nothing.
    response = client.get(f"/bookings/cancel/?code={code}")
    assert response.status_code == 200
    assert Booking.objects.get().status == BookingStatus.ACTIVE
    page = client.get("/bookings/cancel/").content.decode()
    assert 'method="post"' in page
    assert code not in page


def test_wrong_codes_are_rate_limited(world: World) -> None:
    from django.core.cache import cache

    cache.clear()
    client = world.web("anonymous")
    for _ in range(20):
        assert client.post("/bookings/cancel/", {"code": "ZZZZZZZZ"}).status_code == 404
    assert client.post("/bookings/cancel/", {"code": "ZZZZZZZZ"}).status_code == 429
    cache.clear()


def test_the_same_phone_cannot_book_one_session_twice(world: World) -> None:
    session = make_session(world.stations["qianfeng"])
    client = world.web("anonymous")
    assert _post_booking(client, session).status_code == 200
    response = _post_booking(client, session, phone="+86 135-0000-1234")
    assert response.status_code == 422
    assert "该手机号已预约过这次接待" in response.content.decode()
    assert Booking.objects.count() == 1
    # Another session is fine; and after cancelling, the phone may book again.
    other = make_session(world.stations["qianfeng"], days_ahead=21)
    booking_create(actor=ANONYMOUS, session=other, name="王大爷", phone=RESIDENT_PHONE)
    with pytest.raises(InvalidInput) as exc:
        booking_create(actor=ANONYMOUS, session=other, name="王大爷", phone=RESIDENT_PHONE)
    assert "phone" in exc.value.fields


def test_capacity_is_respected(world: World) -> None:
    session = make_session(world.stations["qianfeng"], capacity=2)
    booking_create(actor=ANONYMOUS, session=session, name="甲", phone="13500000001")
    booking_create(actor=ANONYMOUS, session=session, name="乙", phone="13500000002")
    with pytest.raises(Conflict):
        booking_create(actor=ANONYMOUS, session=session, name="丙", phone="13500000003")
    client = world.web("anonymous")
    page = client.get(f"/stations/{session.station_id}/").content.decode()
    assert "已约满" in page
    response = _post_booking(client, session, phone="13500000004")
    assert response.status_code == 409
    assert "已约满" in response.content.decode()
    assert Booking.objects.count() == 2


def test_bad_input_gets_chinese_errors_next_to_the_field(world: World) -> None:
    session = make_session(world.stations["qianfeng"])
    client = world.web("anonymous")
    response = client.post(_book_url(session), {"name": "", "phone": "12345", "matter": "x" * 501})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写您的姓名或称呼" in page
    assert "电话号码" in page
    assert "最多 500 个字" in page
    with pytest.raises(InvalidInput) as exc:
        booking_create(actor=ANONYMOUS, session=session, name="王\u202e大爷", phone="13500000001")
    assert "name" in exc.value.fields
    assert Booking.objects.count() == 0


def test_a_honeypot_filled_in_books_nothing(world: World) -> None:
    session = make_session(world.stations["qianfeng"])
    data = {"name": "bot", "phone": "13500000001", "website": "http://spam"}
    assert world.web("anonymous").post(_book_url(session), data).status_code == 400
    assert Booking.objects.count() == 0


def test_past_cancelled_and_unpublished_sessions_cannot_be_booked(world: World) -> None:
    client = world.web("anonymous")
    past = make_session(world.stations["qianfeng"], days_ahead=-1)
    cancelled = make_session(world.stations["qianfeng"], status=SessionStatus.CANCELLED)
    hidden = make_session(world.stations["qianfeng_unpublished"])
    for session in (past, cancelled, hidden):
        assert client.get(_book_url(session)).status_code == 404
        assert _post_booking(client, session).status_code == 404
    # The right session under another station's URL: 404 too.
    good = make_session(world.stations["qianfeng"])
    assert client.get(f"/stations/{world.stations['xinghua'].pk}/sessions/{good.pk}/book/").status_code == 404
    assert Booking.objects.count() == 0


# ---- staff cancel or move --------------------------------------------------------------------


def _booked_session(world: World) -> ReceptionSession:
    session = make_session(
        world.stations["qianfeng"], days_ahead=10, deputies=(world.deputies["qianfeng"], world.deputies["qianfeng2"])
    )
    booking_create(actor=ANONYMOUS, session=session, name="甲", phone="13500000001")
    booking_create(actor=ANONYMOUS, session=session, name="乙", phone="13500000002")
    _cancelled, code = booking_create(actor=ANONYMOUS, session=session, name="丙", phone="13500000003")
    booking_cancel(actor=ANONYMOUS, code=code)
    return session


def test_cancelling_a_session_tells_everyone_booked_and_every_deputy_once(world: World) -> None:
    session = _booked_session(world)
    officer = jurisdiction_for(world.users["officer"])
    written = session_cancel(actor=officer, session=session, reason="站点停电检修")
    assert written == 4
    sms = Notification.objects.filter(channel="sms")
    assert sorted(sms.values_list("address", flat=True)) == ["13500000001", "13500000002", "13812345678"]
    in_app = Notification.objects.get(channel="in_app")
    assert in_app.recipient == world.users["deputy"]
    assert "站点停电检修" in in_app.body
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.version == 2
    assert AuditEvent.objects.filter(action="reception_session.cancel").count() == 1
    # A retried job (same session version) writes nothing new.
    from liaison.receptions.services_booking import _tell_everyone

    assert _tell_everyone(session=session, subject="s", body="b", event="cancel") == 0
    assert Notification.objects.count() == 4
    with pytest.raises(IllegalState):
        session_cancel(actor=officer, session=session, reason="再取消一次")


def test_moving_a_session_tells_everyone_and_refuses_overlapping_duties(world: World) -> None:
    session = _booked_session(world)
    officer = jurisdiction_for(world.users["officer"])
    new_day = session.date + dt.timedelta(days=1)
    # 张海生 is already on duty at 兴华 on that morning.
    make_session(world.stations["xinghua"], days_ahead=11, deputies=(world.deputies["qianfeng"],))
    with pytest.raises(InvalidInput) as exc:
        session_move(actor=officer, session=session, new_date=new_day)
    assert "张海生" in exc.value.fields["new_date"][0]
    assert Notification.objects.count() == 0
    # In the afternoon he is free.
    written = session_move(
        actor=officer,
        session=session,
        new_date=new_day,
        start_time=dt.time(14, 30),
        end_time=dt.time(17, 0),
        reason="与区人代会冲突",
    )
    assert written == 4
    session.refresh_from_db()
    assert session.date == new_day
    assert session.starts_at.hour == 6, "14:30 in Shanghai is 06:30 UTC"
    body = Notification.objects.filter(channel="sms").earliest("id").body
    assert "14:30" in body and "改为" in body
    assert AuditEvent.objects.filter(action="reception_session.move").count() == 1
    with pytest.raises(InvalidInput) as exc:
        session_move(actor=officer, session=session, new_date=new_day - dt.timedelta(days=400))
    assert "new_date" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        session_move(
            actor=officer,
            session=session,
            new_date=new_day,
            start_time=dt.time(12),
            end_time=dt.time(11),
        )
    assert "end_time" in exc.value.fields


def test_deputies_on_leave_are_not_told(world: World) -> None:
    session = _booked_session(world)
    Duty.objects.filter(deputy=world.deputies["qianfeng2"]).update(status=DutyStatus.ON_LEAVE)
    written = session_cancel(actor=jurisdiction_for(world.users["officer"]), session=session, reason="停电")
    assert written == 3


@pytest.mark.parametrize("persona", ["neighbour_officer", "sponsor", "deputy", "resident"])
def test_only_staff_who_may_change_the_station_cancel_or_move(world: World, persona: str) -> None:
    session = _booked_session(world)
    actor = jurisdiction_for(world.users[persona])
    with pytest.raises(Forbidden):
        session_cancel(actor=actor, session=session, reason="x")
    with pytest.raises(Forbidden):
        session_move(actor=actor, session=session, new_date=session.date + dt.timedelta(days=2))
    assert Notification.objects.count() == 0


def test_a_reason_is_required_to_cancel(world: World) -> None:
    session = _booked_session(world)
    with pytest.raises(InvalidInput) as exc:
        session_cancel(actor=jurisdiction_for(world.users["station_staff"]), session=session, reason="  ")
    assert "reason" in exc.value.fields


def test_hostile_input_in_the_public_forms_never_errors(world: World) -> None:
    """S13: the bad-input corpus and random text in every field of the booking and cancel forms."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from liaison.core.tests.test_form_fuzz import BAD

    session = make_session(world.stations["qianfeng"], capacity=500)
    client = world.web("anonymous")
    text = st.one_of(st.sampled_from(BAD), st.text(max_size=60))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(name=text, phone=text, matter=text, code=text)
    def fuzz(name: str, phone: str, matter: str, code: str) -> None:
        response = client.post(_book_url(session), {"name": name, "phone": phone, "matter": matter})
        assert response.status_code in (200, 400, 409, 422), response.status_code
        assert client.post("/bookings/cancel/", {"code": code}).status_code in (404, 422, 429)

    fuzz()
