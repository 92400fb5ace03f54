"""The `make bench` profile: the demo profile (as deployed by `make run`) with its own database
and a URLconf that adds bench-only routes (config/urls_bench.py); never used in production.

The database is BENCH_DATABASE_URL when set (PostgreSQL), else an SQLite file under var/bench/.
"""

from __future__ import annotations

import os

import dj_database_url

from .base import VAR_DIR, sqlite_options
from .demo import *  # noqa: F403

ROOT_URLCONF = "config.urls_bench"

_url = os.environ.get("BENCH_DATABASE_URL", "")
if _url:
    _db = dict(dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True))
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["OPTIONS"] = sqlite_options()
else:
    (VAR_DIR / "bench").mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "bench" / "bench.sqlite3"),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": sqlite_options(),
    }
DATABASES = {"default": _db}

# Login lockout stays on (the login scenario uses a correct password); BENCH_AXES=0 turns it off.
AXES_ENABLED = os.environ.get("BENCH_AXES", "1") != "0"

# The case scenarios submit far more than a resident may (10 a minute per address, S18) and
# track thousands of codes from one address: the exact database rate limits are off here only.
LIAISON_RATE_LIMITS_DISABLED = True
