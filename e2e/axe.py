"""axe-core in the page, with the site's strict CSP left on.

The CSP allows scripts from 'self' only, so an inline `<script>` with axe's source would be refused.
Instead the page fetches axe from a same-origin URL that Playwright answers from node_modules:
the browser sees an ordinary same-origin script, and no test needs `bypass_csp`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Route

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "/__e2e__/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> bytes:
    if not AXE_PATH.exists():
        raise FileNotFoundError(f"{AXE_PATH} is missing: run `npm ci` (or `make assets`) in the project root")
    return AXE_PATH.read_bytes()


def _serve_axe(route: Route) -> None:
    route.fulfill(status=200, content_type="text/javascript; charset=utf-8", body=_axe_source())


def inject_axe(page: Page) -> None:
    """Load axe-core into the current document (once per document)."""
    if page.evaluate("typeof window.axe !== 'undefined'"):
        return
    parts = urlsplit(page.url)
    url = f"{parts.scheme}://{parts.netloc}{AXE_URL_PATH}"
    page.route(url, _serve_axe)
    page.add_script_tag(url=url)
    page.wait_for_function("typeof window.axe !== 'undefined'")


def settle(page: Page, timeout_ms: int = 2_000) -> None:
    """Wait for running CSS transitions and animations: axe would measure contrast half-way through one."""
    page.evaluate(
        """(timeout) => Promise.race([
            Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))),
            new Promise((resolve) => setTimeout(resolve, timeout)),
        ])""",
        timeout_ms,
    )


def run_axe(page: Page, context: str | dict[str, Any] | None = None, options: dict[str, Any] | None = None) -> Any:
    """axe.run() on the page (or on `context`, an axe context such as "#main"); returns axe's results."""
    inject_axe(page)
    settle(page)
    return page.evaluate(
        "([context, options]) => axe.run(context || document, options || {})",
        [context, options],
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(str(t) for t in node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def assert_accessible(
    page: Page,
    *,
    context: str | dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    impacts: tuple[str, ...] = BLOCKING_IMPACTS,
) -> list[dict[str, Any]]:
    """Fail on any axe violation of the given impacts (serious and critical: UX.md); return the rest."""
    results = run_axe(page, context, options)
    violations: list[dict[str, Any]] = results["violations"]
    blocking = [v for v in violations if v.get("impact") in impacts]
    assert not blocking, f"axe-core found {len(blocking)} {'/'.join(impacts)} violation(s) on {page.url}:\n" + (
        format_violations(blocking)
    )
    return [v for v in violations if v not in blocking]
