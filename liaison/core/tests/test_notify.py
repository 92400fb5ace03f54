"""The notification outbox (SECURITY.md S23): idempotent writes, exactly-once delivery across a
killed worker, retries with back-off under flaky senders, dead-lettering, and no phone in logs."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from liaison.core import notify as outbox
from liaison.core.models import Notification, NotificationStatus
from liaison.core.tasks import deliver_notifications

PHONE = "13912345678"
SENT: Counter[int] = Counter()


class RecordingSender:
    def send(self, notification: Notification) -> None:
        SENT[notification.pk] += 1


class Killed(BaseException):
    """A worker killed mid-batch: not an Exception, so no sender-failure handling catches it."""


class KillAfterThree:
    calls = 0

    def send(self, notification: Notification) -> None:
        KillAfterThree.calls += 1
        if KillAfterThree.calls == 4:
            raise Killed
        SENT[notification.pk] += 1


class FlakySender:
    """Fails one send in five (seeded), records the successful ones."""

    rng = random.Random(20)

    def send(self, notification: Notification) -> None:
        if FlakySender.rng.random() < 0.2:
            raise ConnectionError(f"gateway refused {notification.address}")
        SENT[notification.pk] += 1


class BrokenSender:
    def send(self, notification: Notification) -> None:
        raise RuntimeError(f"cannot reach {notification.address}")


def senders(sms: str, in_app: str = "liaison.core.notify.InAppSender") -> dict[str, str]:
    return {"sms": f"{__name__}.{sms}", "wechat": f"{__name__}.{sms}", "in_app": in_app}


@pytest.fixture(autouse=True)
def _reset() -> None:
    SENT.clear()
    KillAfterThree.calls = 0
    FlakySender.rng = random.Random(20)


class Clock:
    """A movable clock for the outbox (it reads time only through liaison.core.clock.now)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        monkeypatch.setattr(outbox, "now", lambda: self.at)

    def advance(self, **kwargs: Any) -> None:
        self.at += dt.timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def sms(n: int) -> list[Notification]:
    out = []
    for i in range(n):
        row = outbox.notify(
            channel="sms", address=PHONE, subject="接待日提醒", body=f"请于周三进站 {i}", dedupe_key=f"t:{i}"
        )
        assert row is not None
        out.append(row)
    return out


@pytest.mark.django_db
def test_a_retried_write_is_written_once() -> None:
    first = outbox.notify(channel="sms", address=PHONE, subject="s", body="b", dedupe_key="k:1")
    again = outbox.notify(channel="sms", address=PHONE, subject="s2", body="b2", dedupe_key="k:1")
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    assert Notification.objects.get().subject == "s"


@pytest.mark.django_db
def test_nothing_is_written_without_a_recipient_or_address() -> None:
    assert outbox.notify(channel="in_app", subject="s", body="b", dedupe_key="a") is None
    assert outbox.notify(channel="sms", subject="s", body="b", dedupe_key="b") is None
    with pytest.raises(ValueError):
        outbox.notify(channel="fax", address="1", subject="s", body="b", dedupe_key="c")
    assert Notification.objects.count() == 0


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("RecordingSender"))
def test_delivered_rows_are_marked_sent_and_not_sent_again(clock: Clock) -> None:
    rows = sms(5)
    assert outbox.deliver_due() == {"sent": 5, "failed": 0, "dead": 0}
    assert outbox.deliver_due() == {"sent": 0, "failed": 0, "dead": 0}
    clock.advance(days=1)
    outbox.deliver_due()
    assert Counter({r.pk: 1 for r in rows}) == SENT
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("KillAfterThree"))
def test_a_worker_killed_mid_batch_then_rerun_sends_each_exactly_once(clock: Clock) -> None:
    rows = sms(10)
    with pytest.raises(Killed):
        outbox.deliver_due()
    assert sum(SENT.values()) == 3
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 3
    # Another worker right away leaves the killed worker's claimed rows alone...
    with override_settings(NOTIFICATION_SENDERS=senders("RecordingSender")):
        outbox.deliver_due()
        # ...and once their lease is over, they are due again and go out once.
        clock.advance(minutes=11)
        outbox.deliver_due()
        clock.advance(minutes=11)
        assert outbox.deliver_due() == {"sent": 0, "failed": 0, "dead": 0}
    assert Counter({r.pk: 1 for r in rows}) == SENT


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("RecordingSender"))
def test_two_workers_never_claim_the_same_row(clock: Clock) -> None:
    rows = sms(6)
    first = outbox._claim(4, clock.at)
    second = outbox._claim(4, clock.at)
    assert len(first) == 4 and len(second) == 2
    assert not set(first) & set(second)
    assert set(first) | set(second) == {r.pk for r in rows}


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("FlakySender"))
def test_with_one_sms_in_five_failing_all_go_out_once_with_back_off(clock: Clock) -> None:
    rows = sms(50)
    first = outbox.deliver_due()
    assert first["failed"] > 0, "the flaky sender failed some"
    failed = Notification.objects.filter(status=NotificationStatus.PENDING)
    for row in failed:
        assert row.attempts == 1
        assert row.next_attempt_at == clock.at + dt.timedelta(minutes=1)
        assert row.last_error == "ConnectionError"
    # Not due before the back-off is over.
    assert outbox.deliver_due()["sent"] == 0
    for _ in range(20):
        clock.advance(minutes=20)
        outbox.deliver_due()
    assert Counter({r.pk: 1 for r in rows}) == SENT
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 50


def test_back_off_doubles() -> None:
    assert [outbox.backoff(n) for n in range(1, 6)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("BrokenSender"))
def test_a_permanently_failing_send_is_dead_after_five_attempts(clock: Clock) -> None:
    (row,) = sms(1)
    waits = []
    for _ in range(5):
        outbox.deliver_due()
        row.refresh_from_db()
        if row.next_attempt_at:
            waits.append(row.next_attempt_at - clock.at)
            clock.at = row.next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert row.status == NotificationStatus.DEAD and row.attempts == 5
    clock.advance(days=1)
    assert outbox.deliver_due() == {"sent": 0, "failed": 0, "dead": 0}, "dead letters are never retried"


@pytest.mark.django_db
def test_the_console_sender_logs_no_phone_or_body(caplog: pytest.LogCaptureFixture) -> None:
    (row,) = sms(1)
    with caplog.at_level(logging.INFO, logger="liaison.notify"):
        result = deliver_notifications.call()
    assert result["sent"] == 1
    assert f"sent sms #{row.pk}" in caplog.text
    assert PHONE not in caplog.text and "请于周三进站" not in caplog.text


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("BrokenSender"))
def test_failures_are_logged_without_the_address(caplog: pytest.LogCaptureFixture) -> None:
    sms(1)
    with caplog.at_level(logging.INFO, logger="liaison.notify"):
        outbox.deliver_due()
    assert "RuntimeError" in caplog.text
    assert PHONE not in caplog.text
    assert PHONE not in Notification.objects.get().last_error


@pytest.mark.django_db
def test_the_backend_uses_skip_locked_where_it_has_it() -> None:
    # PostgreSQL claims with SELECT ... FOR UPDATE SKIP LOCKED, SQLite with conditional UPDATEs.
    assert connection.features.has_select_for_update_skip_locked == (connection.vendor == "postgresql")


@pytest.mark.django_db
@override_settings(NOTIFICATION_SENDERS=senders("BrokenSender"))
def test_dead_letters_are_listed_for_system_admins_without_the_phone(world: Any, clock: Clock) -> None:
    from django.test import Client

    sms(1)
    Notification.objects.update(status=NotificationStatus.DEAD, attempts=5)
    client = Client()
    client.force_login(world.users["system_admin"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/admin/core/notification/?status__exact=dead")
    assert page.status_code == 200
    html = page.content.decode()
    assert "接待日提醒" in html and PHONE not in html
    row = Notification.objects.get()
    assert PHONE not in client.get(f"/admin/core/notification/{row.pk}/change/").content.decode()
