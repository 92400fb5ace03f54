"""Helpers for browser journeys: screenshots, layout checks, console and CSP checks.

Import them in a journey with `from e2e.helpers import shot, assert_accessible, ...`.
"""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page

from e2e.axe import assert_accessible, run_axe

__all__ = [
    "ARTIFACTS",
    "DESKTOP",
    "PHONE",
    "ConsoleLog",
    "artifact_dir",
    "assert_accessible",
    "assert_fits_viewport",
    "assert_no_console_errors",
    "assert_no_csp_violations",
    "assert_touch_targets",
    "console_log",
    "current_test_id",
    "run_axe",
    "shot",
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# Browser context presets (keyword arguments of Browser.new_context).
PHONE: dict[str, Any] = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
DESKTOP: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "device_scale_factor": 1,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


def current_test_id() -> str:
    """A file-name-safe id of the running test, e.g. `test_home__test_resident_finds_station`."""
    raw = os.environ.get("PYTEST_CURRENT_TEST", "outside-test").rsplit(" ", 1)[0]
    module, _, name = raw.partition("::")
    stem = Path(module).stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{stem}__{name}" if name else stem).strip("_")


def artifact_dir(test_id: str | None = None) -> Path:
    path = ARTIFACTS / (test_id or current_test_id())
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a numbered screenshot of a journey step: e2e/artifacts/<test>/<NN>-<name>.png."""
    folder = artifact_dir()
    step = len(list(folder.glob("*.png"))) + 1
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "step"
    path = folder / f"{step:02d}-{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def assert_fits_viewport(page: Page) -> None:
    """No sideways scrolling: nothing is wider than the viewport (phones, 375 px)."""
    sizes = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
            return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )
    assert sizes["scroll"] <= sizes["width"], f"page scrolls sideways on {page.url}: {sizes}"


TOUCH_TARGETS = (
    "button, select, textarea, a.btn, [role=button], input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)


def assert_touch_targets(page: Page, min_px: float = 44) -> None:
    """Every visible control is at least min_px x min_px (UX.md: 44 px, 48 px in large-text mode).

    Links inside running text are exempt (as in WCAG 2.5.8); buttons, selects, inputs and .btn links are not.
    """
    small = page.evaluate(
        """([selector, min]) => [...document.querySelectorAll(selector)]
            .filter((el) => {
                const r = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                const clipped = style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)';
                return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && !clipped;
            })
            .map((el) => ({el, r: el.getBoundingClientRect()}))
            .filter(({r}) => r.width < min - 0.5 || r.height < min - 0.5)
            .map(({el, r}) => `${el.outerHTML.slice(0, 80)} is ${r.width.toFixed(0)}x${r.height.toFixed(0)}`)""",
        [TOUCH_TARGETS, min_px],
    )
    assert not small, f"touch targets under {min_px} px on {page.url}:\n" + "\n".join(small)


@dataclass
class ConsoleLog:
    """Console messages and uncaught errors of one page, recorded from the moment it was opened."""

    messages: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Console errors (with the URL they concern) and uncaught exceptions."""
        console = [f"{m.text} [{m.location.get('url', '')}]" for m in self.messages if m.type == "error"]
        return console + self.page_errors

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.errors if "Content Security Policy" in text]


_LOGS: weakref.WeakKeyDictionary[Page, ConsoleLog] = weakref.WeakKeyDictionary()


def console_log(page: Page) -> ConsoleLog:
    """The page's ConsoleLog; starts recording on first call (the page fixtures call it at once)."""
    log = _LOGS.get(page)
    if log is None:
        log = _LOGS[page] = ConsoleLog()
        # Playwright tags each handler with an attribute: plain functions only, no bound methods.
        page.on("console", lambda message: log.messages.append(message))
        page.on("pageerror", lambda error: log.page_errors.append(f"{error.name}: {error.message}"))
    return log


def assert_no_csp_violations(page: Page) -> None:
    violations = console_log(page).csp_violations
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


def assert_no_console_errors(page: Page, *, ignore: tuple[str, ...] = ()) -> None:
    errors = [e for e in console_log(page).errors if not any(part in e for part in ignore)]
    assert not errors, "console errors:\n" + "\n".join(errors)


def choose_region(page: Page, *names: str) -> None:
    """Go down the portal's region chooser one tier at a time: 山西省, 太原市, 万柏林区, 千峰街道."""
    for name in names:
        page.get_by_label("选择您所在的地区").select_option(label=name)
        page.get_by_role("button", name="查找站点").click()
        page.wait_for_load_state()
