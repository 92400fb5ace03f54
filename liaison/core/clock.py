"""The one place that tells the time, so tests can freeze it and dates are in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current aware datetime."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in the configured time zone (Asia/Shanghai), not UTC."""
    return timezone.localdate()
