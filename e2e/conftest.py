"""The browser-journey harness: one headless Chromium per test module, pages on pytest-django's live server.

Fixtures for journeys:
    browser        Debian's /usr/bin/chromium, headless, one per test module (never `playwright install`)
    world          the persona network (liaison.testing.personas.build_world) in a transactional DB
    new_context    a factory: new_context(**PHONE or DESKTOP or your own options) -> BrowserContext
    phone_page     375 x 812, device scale 2, touch, zh-CN
    desktop_page   1280 x 800, zh-CN
Every context has base_url = the live server, so `page.goto("/")` works. Helpers (shot, assert_accessible,
assert_fits_viewport, ...) live in e2e.helpers. A failing test leaves a FAILED screenshot per open page.

Skipped when LIAISON_SKIP_E2E=1 (CI runs the journeys once, on the PostgreSQL pass) or without Chromium.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from e2e.helpers import ARTIFACTS, DESKTOP, PHONE, artifact_dir, console_log, current_test_id
from liaison.testing.personas import World, build_world

CHROMIUM = Path(os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# Generous for a busy 2-core CI runner with two workers; a passing step never waits for it.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = None
    if os.environ.get("LIAISON_SKIP_E2E") == "1":
        reason = "LIAISON_SKIP_E2E=1: browser journeys run once, on the PostgreSQL pass"
    elif not CHROMIUM.exists():
        if os.environ.get("CI"):
            # In CI the journeys are part of "done": a missing browser must fail, not skip.
            raise pytest.UsageError(f"{CHROMIUM} is missing in CI: `make browser` should have installed it")
        reason = f"{CHROMIUM} is missing: `make browser` (apt-get install chromium fonts-noto-cjk)"
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep each phase's report on the test, so that fixtures can tell at teardown whether it failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


# Playwright's sync API keeps an asyncio loop running in the main thread while it is started, and
# Django then refuses ORM calls from that thread ("You cannot call this from an async context"),
# including pytest-django's own database set-up and flush. So Playwright runs per test module (with
# --dist loadfile a module's tests share a worker) and the ORM is allowed beside the loop only while
# it runs: the worker's other tests keep Django's check.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    previous = os.environ.get(_ASYNC_UNSAFE)
    os.environ[_ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = previous


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; one per test module (a launch costs well under a second)."""
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _fresh_artifacts(request: pytest.FixtureRequest) -> None:
    """Each journey starts with an empty e2e/artifacts/<test>/ (old steps would mislead)."""
    if request.node.get_closest_marker("e2e"):
        shutil.rmtree(ARTIFACTS / current_test_id(), ignore_errors=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    """The persona network, committed so that the live server's thread sees it (with the case
    categories a previous transactional test's flush removed)."""
    from liaison.testing.case_world import ensure_categories

    ensure_categories()
    return build_world()


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, transactional_db: None, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserContext]]:
    """A factory of browser contexts on the live server; closes them (and shoots open pages on failure)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("page", _record_console)  # every page, popups included, from its first moment
        contexts.append(context)
        return context

    yield make

    failed = _failed(request)
    for context in contexts:
        if failed:
            for n, page in enumerate(context.pages, 1):
                with contextlib.suppress(PlaywrightError):  # a closed or crashed page has nothing to show
                    page.screenshot(path=str(artifact_dir() / f"FAILED-{n}.png"), full_page=True)
        context.close()


def _record_console(page: Page) -> None:
    console_log(page)


def _page(context: BrowserContext) -> Page:
    page = context.new_page()
    console_log(page)
    return page


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext]) -> Page:
    """A phone: 375 x 812 CSS px, device scale 2, touch, Simplified Chinese."""
    return _page(new_context(**PHONE))


@pytest.fixture
def desktop_page(new_context: Callable[..., BrowserContext]) -> Page:
    """A desktop: 1280 x 800, Simplified Chinese."""
    return _page(new_context(**DESKTOP))
