"""The profile `make run` and `make bench` use: production minus the TLS-only settings, so it
serves plain HTTP on loopback (ARCHITECTURE.md "Settings and databases")."""

from __future__ import annotations

import os
import secrets

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

if not SECRET_KEY:
    # A demo machine keeps a random key of its own in var/, so sessions survive a restart.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
