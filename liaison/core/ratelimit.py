"""Exact, cross-worker rate limits (SECURITY.md S18): one atomic upsert per counted hit.

The counter lives in the database (not a per-process cache), so 50 submissions spread over
two workers are counted as 50. Only abuse-prone acts are counted (a submission, a wrong
secret), never an ordinary page view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from .clock import now
from .models import RateBucket


@dataclass(frozen=True)
class Verdict:
    """The outcome of one counted hit: allowed, or refused with the seconds to wait."""

    allowed: bool
    count: int
    retry_after: int


def _window(at: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(at.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def bucket_key(scope: str, client: str) -> str:
    """A short key that names the scope but not the client (addresses are hashed)."""
    return f"{scope}:{hashlib.sha256(client.encode()).hexdigest()[:32]}"


def hit(scope: str, client: str, *, limit: int, window_seconds: int) -> Verdict:
    """Count one hit of `client` in `scope`; refused once the window holds more than `limit`."""
    if getattr(settings, "LIAISON_RATE_LIMITS_DISABLED", False):
        return Verdict(allowed=True, count=0, retry_after=0)
    at = now()
    start = _window(at, window_seconds)
    key = bucket_key(scope, client)
    table = RateBucket._meta.db_table
    # One statement on both databases (SQLite >= 3.35 and PostgreSQL): no read-modify-write race.
    sql = (
        f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 (table name is ours)
        f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 RETURNING count"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Adapted as the ORM writes it (SQLite stores text), so `peek` and `tidy` find the row.
        cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(start)])
        count = int(cursor.fetchone()[0])
    retry = math.ceil((start + dt.timedelta(seconds=window_seconds) - at).total_seconds())
    return Verdict(allowed=count <= limit, count=count, retry_after=max(1, retry))


def peek(scope: str, client: str, *, limit: int, window_seconds: int) -> Verdict:
    """Whether `client` is already over the limit, without counting a hit."""
    if getattr(settings, "LIAISON_RATE_LIMITS_DISABLED", False):
        return Verdict(allowed=True, count=0, retry_after=0)
    at = now()
    start = _window(at, window_seconds)
    count = (
        RateBucket.objects.filter(key=bucket_key(scope, client), window_start=start)
        .values_list("count", flat=True)
        .first()
        or 0
    )
    retry = math.ceil((start + dt.timedelta(seconds=window_seconds) - at).total_seconds())
    return Verdict(allowed=count < limit, count=count, retry_after=max(1, retry))


def tidy(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete finished windows (housekeeping)."""
    deleted, _ = RateBucket.objects.filter(window_start__lt=now() - older_than).delete()
    return deleted
