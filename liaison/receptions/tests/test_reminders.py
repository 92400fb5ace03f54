"""Reminders N days before a session: in-app always, SMS to a work mobile, never twice."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from liaison.core.models import Notification, NotificationStatus
from liaison.core.notify import deliver_all
from liaison.receptions.choices import DutyStatus, SessionStatus
from liaison.receptions.models import Duty
from liaison.receptions.reminders import remind_due, send_reminders
from liaison.receptions.tests.test_leave_services import make_session
from liaison.testing.personas import World


def test_deputies_on_duty_are_reminded_once_in_app_and_by_sms(world: World) -> None:
    qf = world.stations["qianfeng"]
    session = make_session(qf, 3, theme="老旧小区改造")  # remind_days_before defaults to 3
    far = make_session(qf, 10)
    me = world.deputies["qianfeng"]
    duty = Duty.objects.create(session=session, deputy=me)
    Duty.objects.create(session=far, deputy=me)
    Duty.objects.create(session=session, deputy=world.deputies["qianfeng2"], status=DutyStatus.ON_LEAVE)

    assert remind_due() == {"in_app": 1, "sms": 1, "wechat": 0}
    assert send_reminders.call() == {"in_app": 0, "sms": 0, "wechat": 0}, "a rerun sends nothing twice"
    in_app = Notification.objects.get(channel="in_app")
    assert in_app.recipient == world.users["deputy"]
    assert in_app.dedupe_key == f"reminder:{duty.pk}:in_app:{session.date:%Y-%m-%d}"
    assert "老旧小区改造" in in_app.body and qf.name in in_app.body
    text = Notification.objects.get(channel="sms")
    assert text.address == me.work_phone

    # The session moves a day earlier: a new reminder for the new date.
    session.date += dt.timedelta(days=-1)
    session.starts_at -= dt.timedelta(days=1)
    session.ends_at -= dt.timedelta(days=1)
    session.save()
    assert remind_due() == {"in_app": 1, "sms": 1, "wechat": 0}


def test_no_sms_without_a_work_mobile_and_no_reminder_for_cancelled_sessions(world: World) -> None:
    qf = world.stations["qianfeng"]
    dep = world.deputies["qianfeng"]
    dep.work_phone = "0351-6012345"
    dep.save()
    Duty.objects.create(session=make_session(qf, 1), deputy=dep)
    Duty.objects.create(session=make_session(qf, 2, status=SessionStatus.CANCELLED), deputy=dep)
    no_user = Duty.objects.create(session=make_session(qf, 1, hour=14), deputy=world.deputies["qianfeng2"])
    assert remind_due() == {"in_app": 1, "sms": 1, "wechat": 0}
    assert Notification.objects.get(channel="sms").dedupe_key.startswith(f"reminder:{no_user.pk}:sms:")


def test_each_session_uses_its_own_lead_time(world: World) -> None:
    qf = world.stations["qianfeng"]
    Duty.objects.create(session=make_session(qf, 6, remind_days_before=7), deputy=world.deputies["qianfeng"])
    Duty.objects.create(session=make_session(qf, 6, hour=14, remind_days_before=1), deputy=world.deputies["qianfeng"])
    assert remind_due()["in_app"] == 1
    assert remind_due(on=timezone.localdate() + dt.timedelta(days=5))["in_app"] == 1


def test_periodic_enqueues_reminders_and_delivery(world: World, caplog: pytest.LogCaptureFixture) -> None:
    Duty.objects.create(session=make_session(world.stations["qianfeng"], 2), deputy=world.deputies["qianfeng"])
    with caplog.at_level(logging.INFO):
        call_command("periodic")  # immediate task backend in tests: runs them
        deliver_all()
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert world.deputies["qianfeng"].work_phone not in caplog.text


def test_a_deputy_bound_to_wechat_is_also_reminded_by_wechat_once(world: World) -> None:
    user = world.users["deputy"]
    assert user is not None
    user.wechat_openid = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
    user.save()
    session = make_session(world.stations["qianfeng"], 2)
    Duty.objects.create(session=session, deputy=world.deputies["qianfeng"])
    assert remind_due() == {"in_app": 1, "sms": 1, "wechat": 1}
    assert remind_due() == {"in_app": 0, "sms": 0, "wechat": 0}
    message = Notification.objects.get(channel="wechat")
    assert message.address == user.wechat_openid and message.recipient == user
