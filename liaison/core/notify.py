"""The notification outbox: write in the caller's transaction, deliver afterwards, at least once.

`notify()` adds a row to the outbox inside whatever transaction announces the change, keyed by a
`dedupe_key`, so a retried job writes it once. `deliver_due()` (run by the periodic
`deliver_notifications` task) claims due rows so that two workers never send the same one, hands
each to the sender configured for its channel (settings.NOTIFICATION_SENDERS), and marks it sent
right away: a worker killed mid-batch leaves the sent rows sent and the others due. A failed send
is retried with exponential back-off (1, 2, 4, 8 minutes); after MAX_ATTEMPTS the row is dead
(dead-lettered, shown to admins) and never tried again.

Senders must not log addresses or bodies: phone numbers are personal data (SECURITY.md S20).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils.module_loading import import_string

from .clock import now
from .models import Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger("liaison.notify")

MAX_ATTEMPTS = 5
# A claimed row is left alone by other workers for this long; if its worker dies before marking
# it, it becomes due again afterwards (at-least-once).
CLAIM_LEASE = dt.timedelta(minutes=10)

DEFAULT_SENDERS = {
    NotificationChannel.SMS: "liaison.core.notify.ConsoleSender",
    NotificationChannel.WECHAT: "liaison.core.notify.ConsoleSender",
    NotificationChannel.IN_APP: "liaison.core.notify.InAppSender",
}


class Sender(Protocol):
    """Delivers one notification; raises on failure (the outbox retries)."""

    def send(self, notification: Notification) -> None: ...


class ConsoleSender:
    """The default for outside channels: logs that a message went out, without its address or
    body (they may carry a phone number)."""

    def send(self, notification: Notification) -> None:
        logger.info("sent %s #%s", notification.channel, notification.pk)


class InAppSender:
    """In-app messages are delivered by being in the inbox: nothing to do but mark them sent."""

    def send(self, notification: Notification) -> None:
        return None


def notify(
    *,
    recipient: Any = None,
    channel: str,
    address: str = "",
    subject: str,
    body: str,
    link: str = "",
    dedupe_key: str,
) -> Notification | None:
    """Put a message in the outbox (in the caller's transaction); None when this `dedupe_key` was
    already written, or when there is nobody to deliver it to."""
    if channel not in NotificationChannel.values:
        raise ValueError(f"unknown notification channel {channel!r}")
    if channel == NotificationChannel.IN_APP and recipient is None:
        return None
    if channel != NotificationChannel.IN_APP and not address:
        return None
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:200],
        defaults={
            "recipient": recipient,
            "channel": channel,
            "address": address[:100],
            "subject": subject[:200],
            "body": body[:2000],
            "link": link[:300],
        },
    )
    return notification if created else None


def _due(at: dt.datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(status=NotificationStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at)
    )


def _claim(limit: int, at: dt.datetime) -> list[int]:
    """Due rows, claimed for this worker by pushing their next attempt past a lease."""
    lease_until = at + CLAIM_LEASE
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                _due(at)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "id")
                .values_list("pk", flat=True)[:limit]
            )
            Notification.objects.filter(pk__in=ids).update(next_attempt_at=lease_until)
        return ids
    # SQLite has no SKIP LOCKED: a conditional UPDATE claims each row; a row another worker
    # claimed first is no longer due and matches nothing.
    claimed = []
    for pk in _due(at).order_by("created_at", "id").values_list("pk", flat=True)[:limit]:
        if _due(at).filter(pk=pk).update(next_attempt_at=lease_until):
            claimed.append(pk)
    return claimed


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4, 8 ... minutes."""
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


def _senders() -> dict[str, Sender]:
    configured = {**DEFAULT_SENDERS, **getattr(settings, "NOTIFICATION_SENDERS", {})}
    return {channel: import_string(path)() for channel, path in configured.items()}


def deliver_due(limit: int = 100) -> dict[str, int]:
    """Send up to `limit` due notifications; returns how many were sent, failed and dead."""
    senders = _senders()
    counts = {"sent": 0, "failed": 0, "dead": 0}
    ids = _claim(limit, now())
    for notification in Notification.objects.filter(pk__in=ids).order_by("created_at", "id"):
        try:
            senders[notification.channel].send(notification)
        except Exception as exc:  # any sender failure is retried, never fatal
            attempts = notification.attempts + 1
            dead = attempts >= MAX_ATTEMPTS
            Notification.objects.filter(pk=notification.pk).update(
                attempts=attempts,
                status=NotificationStatus.DEAD if dead else NotificationStatus.PENDING,
                next_attempt_at=None if dead else now() + backoff(attempts),
                last_error=type(exc).__name__[:300],
            )
            # The exception's text may quote the address: only its type is logged.
            logger.warning(
                "notification #%s (%s) failed on attempt %s: %s%s",
                notification.pk,
                notification.channel,
                attempts,
                type(exc).__name__,
                ", dead-lettered" if dead else "",
            )
            counts["dead" if dead else "failed"] += 1
            continue
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENT,
            sent_at=now(),
            attempts=F("attempts") + 1,
            next_attempt_at=None,
            last_error="",
        )
        counts["sent"] += 1
    return counts


def deliver_all(*, batch: int = 100, max_batches: int = 50) -> dict[str, int]:
    """Deliver batches until nothing is due (or `max_batches` ran)."""
    totals = {"sent": 0, "failed": 0, "dead": 0}
    for _ in range(max_batches):
        counts = deliver_due(limit=batch)
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) < batch:
            break
    return totals
