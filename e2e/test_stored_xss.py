"""SECURITY.md S14: script payloads stored in every free-text field never run, on public or staff pages.

The payloads call `xss()`, which an init script defines to count calls; the strict CSP would stop
inline script anyway, so each page is also checked to show the payload as text (escaped), which
fails if a template ever marks a field safe.
"""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.helpers import shot
from liaison.stations.models import StationRole, StationRule
from liaison.testing.personas import World

PAYLOADS = (
    "<script>xss()</script>",
    '"><img src=x onerror=xss()>',
    "<svg onload=xss()>",
    "'-xss()-'",
)
COUNTER = "window.__xss = 0; window.xss = () => { window.__xss += 1; }; window.alert = window.xss;"


def plant(world: World) -> None:
    """Every free-text field that reaches a page gets a payload (names keep a readable prefix)."""
    station = world.stations["qianfeng"]
    station.name = f"千峰站{PAYLOADS[0]}"
    station.address = PAYLOADS[1]
    station.opening_hours = PAYLOADS[2]
    station.notice = PAYLOADS[3]
    station.save()
    StationRule.objects.filter(station=station).update(title=f"制度{PAYLOADS[1]}", body=PAYLOADS[0])
    StationRole.objects.filter(station=station).update(name=f"站长{PAYLOADS[2]}")
    deputy = world.deputies["qianfeng"]
    deputy.name = f"代表{PAYLOADS[1]}"
    deputy.occupation = PAYLOADS[0]
    deputy.save()
    admin = world.users["system_admin"]
    assert admin is not None
    admin.display_name = f"管理员{PAYLOADS[2]}"
    admin.save()


def sign_in(context: BrowserContext, live_server: LiveServer, world: World) -> None:
    client = Client()
    client.force_login(world.users["system_admin"])  # type: ignore[arg-type]
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def visit(page: Page, path: str, name: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") == 0, f"a payload ran on {path}"
    assert dialogs == [], path
    shot(page, name)


@pytest.mark.e2e
def test_payloads_in_free_text_never_run(desktop_page: Page, world: World, live_server: LiveServer) -> None:
    plant(world)
    page = desktop_page
    page.context.add_init_script(COUNTER)
    station, deputy = world.stations["qianfeng"], world.deputies["qianfeng"]

    public = {
        "home": "/?region=140109001",
        "station": f"/stations/{station.pk}/",
        "deputy": f"/deputies/{deputy.pk}/",
    }
    for name, path in public.items():
        visit(page, path, f"public-{name}")
    expect(page.get_by_text(PAYLOADS[0]).first).to_be_visible()  # the deputy's occupation, as text

    page.goto(public["station"])
    expect(page.get_by_text(PAYLOADS[1]).first).to_be_visible()  # the address, escaped

    sign_in(page.context, live_server, world)
    staff = {
        "deputies": "/manage/deputies/",
        "deputy": f"/manage/deputies/{deputy.pk}/",
        "stations": "/manage/stations/",
        "station": f"/manage/stations/{station.pk}/",
        "users": "/manage/users/",
        "user": f"/manage/users/{world.users['system_admin'].pk}/",  # type: ignore[union-attr]
        "audit": "/manage/audit/",
    }
    for name, path in staff.items():
        visit(page, path, f"staff-{name}")
    expect(page.get_by_text(PAYLOADS[2]).first).to_be_visible()  # the opening hours, escaped
