"""The API documentation (Swagger UI) works on an offline intranet: every file comes from our server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from e2e.helpers import assert_no_console_errors, assert_no_csp_violations, shot


@pytest.mark.e2e
def test_api_docs_load_only_from_our_server(desktop_page: Page, live_server: LiveServer) -> None:
    page = desktop_page
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    ours = urlsplit(live_server.url).netloc

    response = page.goto("/api/v1/docs")
    assert response is not None and response.ok
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Liaison API", timeout=15_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "swagger-ui", full_page=False)

    assert requests, "no request was recorded"
    foreign = [
        f"{r.method} {r.url}"
        for r in requests
        if urlsplit(r.url).scheme not in ("data", "blob") and urlsplit(r.url).netloc != ours
    ]
    assert not foreign, "requests to other hosts (the intranet has none):\n" + "\n".join(foreign)
    loaded = {urlsplit(r.url).path for r in requests}
    assert any(p.endswith("swagger-ui-bundle.js") for p in loaded), sorted(loaded)
    assert "/api/v1/openapi.json" in loaded, sorted(loaded)
    assert_no_csp_violations(page)  # Swagger UI runs under the site's CSP as it is
    assert_no_console_errors(page)
