"""The test profile: the production rules, with a fast password hasher for fixtures only."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 20
DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
# Argon2 stays first (tests assert it); MD5 only speeds up factories that set it explicitly.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The intake lookups' one-minute memory of categories and stations is off in tests: a rolled-back
# test's ids come back in the next test (tests that test the memory turn it on).
LIAISON_LOOKUP_MEMO_SECONDS = 0
