"""SECURITY.md S9: a staff session dies after 30 idle minutes, and 8 hours after sign-in."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from liaison.accounts.models import User
from liaison.core.models import AuditEvent
from liaison.testing.personas import OFFICER_PASSWORD

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
PAGE = "/manage/deputies/"


def signed_in(officer: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": officer.username, "password": OFFICER_PASSWORD})
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200
    return client


def test_activity_keeps_the_session_alive(officer_with_password: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(officer_with_password)
        for _ in range(6):
            clock.shift(dt.timedelta(minutes=25))
            assert client.get(PAGE).status_code == 200


def test_thirty_idle_minutes_sign_the_user_out(officer_with_password: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(officer_with_password)
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert client.get(PAGE).status_code == 302, "the session is gone, not just refused once"
    assert AuditEvent.objects.filter(action="auth.logout", actor=officer_with_password).exists()


def test_eight_hours_end_the_session_however_busy(officer_with_password: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(officer_with_password)
        for _ in range(16):
            clock.shift(dt.timedelta(minutes=29))
            assert client.get(PAGE).status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # 8 h 13 min after signing in
        assert client.get(PAGE).status_code == 302
