"""The periodic command enqueues housekeeping; the task is idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from liaison.accounts.models import ApiToken
from liaison.core.clock import now
from liaison.core.tasks import housekeeping
from liaison.testing.personas import World


@pytest.mark.django_db
def test_periodic_enqueues_housekeeping_once_per_run() -> None:
    out = StringIO()
    call_command("periodic", stdout=out)
    assert "enqueued housekeeping" in out.getvalue()


def test_housekeeping_removes_expired_sessions_and_old_tokens_only(world: World) -> None:
    live = world.token("officer")
    assert live
    old = ApiToken.objects.create(
        user=world.users["officer"], key_hash="x" * 64, expires_at=now() - dt.timedelta(days=2)
    )
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=now() - dt.timedelta(days=1))
    first = housekeeping.call()
    assert first == {"sessions": 1, "tokens": 1}
    assert not ApiToken.objects.filter(pk=old.pk).exists()
    assert ApiToken.objects.count() == 1
    assert housekeeping.call() == {"sessions": 0, "tokens": 0}, "running twice is harmless"
