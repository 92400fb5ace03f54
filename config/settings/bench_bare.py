"""B0-bare of `make bench`: the bench profile without any middleware (the hello view only)."""

from __future__ import annotations

from .bench import *  # noqa: F403

MIDDLEWARE = []
