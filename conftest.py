"""Suite-wide test configuration: hypothesis profiles, and the log scan of SECURITY.md S20."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# `ci` (the default) keeps property tests quick and derandomized: the same examples every run,
# so a red build is reproducible and never the luck of the draw. `dev` (and `make fuzz`) digs
# deeper with new examples each time.
settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---- SECURITY.md S20: no phone, ID number, password or token in any log line -----------------

SENSITIVE = {
    "mobile number": re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    "ID number": re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"),
    "password": re.compile(r"(?i)passw(?:or)?d[\"']?\s*[:=]\s*[\"']?(?!\*)[^\s\"',&]{3,}"),
    "bearer token": re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]{16,}"),
}
# Passwords the tests and the demo use, in case one is logged without a "password=" label.
KNOWN_SECRETS = ("demo12345", "Qianfeng-2026-安全", "Qianfeng-office-2026")


class SensitiveLogScanner(logging.Handler):
    """Collects log lines (with tracebacks) that carry personal data or credentials."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a record that cannot be formatted is not ours to judge
            return
        found = [name for name, pattern in SENSITIVE.items() if pattern.search(text)]
        found += ["known password" for secret in KNOWN_SECRETS if secret in text]
        if found:
            self.hits.append(f"{', '.join(found)}: {text[:300]}")


@pytest.fixture(autouse=True)
def _private_case_files(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Case attachments written by a test go to a temporary directory, never var/."""
    django_settings = request.getfixturevalue("settings")
    django_settings.CASE_FILES_DIR = str(tmp_path_factory.mktemp("case_files"))


@pytest.fixture(autouse=True)
def _case_categories(request: pytest.FixtureRequest) -> None:
    """Database tests start with the case categories of migration 0002: a transactional test
    (the browser journeys) flushes them away for the tests after it in the same worker."""
    names = request.fixturenames
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("_django_db_helper")
    else:
        return
    from liaison.testing.case_world import ensure_categories

    ensure_categories()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: a cached value (a public total, the regions with
    stations) must never carry one test's database ids into the next."""
    from django.core.cache import cache

    from liaison.cases.selectors import forget_categories, forget_stations

    cache.clear()
    forget_categories()
    forget_stations()


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs() -> Iterator[None]:
    """Every test: the lines the configured loggers actually emit are scanned (S20)."""
    scanner = SensitiveLogScanner()
    root = logging.getLogger()
    root.addHandler(scanner)
    try:
        yield
    finally:
        root.removeHandler(scanner)
    if scanner.hits:
        pytest.fail("personal data or a credential reached the logs:\n" + "\n".join(scanner.hits), pytrace=False)
