"""Web pages: every route of the URL resolver has an expectation, checked for every persona."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World
from liaison.testing.staff_pages import STAFF_PAGES

# Every web route (outside /api/, which test_jurisdiction_matrix covers, and Django admin,
# which only system admins reach) with the status each kind of visitor gets.
PAGES = {
    "": {"anonymous": 200, "*": 200},
    "accounts/login/": {"anonymous": 200, "*": 302},
    "accounts/logout/": {"anonymous": 405, "*": 405},
    "accounts/password/": {"anonymous": 302, "*": 200},
    "i18n/setlang/": {"anonymous": 302, "*": 302},
    "stations/<int:station_id>/": {"anonymous": 200, "*": 200},
    "deputies/<int:deputy_id>/": {"anonymous": 200, "*": 200},
    "stations/<int:station_id>/calendar.ics": {"anonymous": 200, "*": 200},
    "deputies/<int:deputy_id>/calendar.ics": {"anonymous": 200, "*": 200},
    "stations/<int:station_id>/sessions/<int:session_id>/book/": {"*": 404},  # no session in the world
    "bookings/cancel/": {"anonymous": 200, "*": 200},
    "my/duties/": {"anonymous": 302, "deputy": 200, "*": 403},
    "my/duties/leave/": {"anonymous": 302, "deputy": 404, "*": 403},
    "my/duties/swap/": {"anonymous": 302, "deputy": 404, "*": 403},
    "my/duties/swap/answer/": {"*": 405},
    "my/inbox/": {"anonymous": 302, "deputy": 200, "*": 403},
    "my/inbox/read/": {"*": 405},
    "my/checkin/<str:token>/": {"anonymous": 302, "*": 422},  # a junk code: "二维码无效"
    # Attachments (an id nobody holds: 404 for everyone, never 403) and Open311 GeoReport v2.
    "cases/files/<int:attachment_id>/": {"*": 404},
    "open311/v2/discovery.<str:fmt>": {"*": 200},
    "open311/v2/services.<str:fmt>": {"*": 200},
    "open311/v2/services/<str:service_code>.<str:fmt>": {"*": 200},
    "open311/v2/requests.<str:fmt>": {"*": 200},
    "open311/v2/requests/<str:service_request_id>.<str:fmt>": {"*": 404},  # nothing published in the world
    # The resident's case pages (no case in the world: a case id is 0, so 404 or back to /track/).
    "cases/new/": {"*": 200},
    "cases/similar/": {"*": 200},
    "cases/<int:case_id>/join/": {"*": 404},
    "cases/mine/": {"anonymous": 302, "*": 200},
    "track/": {"*": 200},
    "track/recover/": {"*": 200},
    "track/<int:case_id>/": {"*": 303},
    "stations/<int:station_id>/case-qr/": {"*": 200},
    "deputies/<int:deputy_id>/case-qr/": {"*": 200},
    # The deputy's own cases (liaison/cases/tests/test_deputy_cases.py): case id 0 is nobody's.
    "my/cases/": {"anonymous": 302, "deputy": 200, "*": 403},
    "my/cases/<int:case_id>/": {"anonymous": 302, "deputy": 404, "*": 403},
    "my/cases/<int:case_id>/answer-on-spot/": {"*": 405},
    "my/cases/<int:case_id>/answer/": {"*": 405},
    "my/cases/<int:case_id>/request-info/": {"*": 405},
    "my/cases/<int:case_id>/note/": {"*": 405},
    "my/cases/<int:case_id>/meeting/": {"*": 405},
    "my/cases/<int:case_id>/reveal/": {"*": 405},
}

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _url(route: str, world: World) -> str:
    """The route with each parameter filled in from the world: a published station, a public deputy."""
    ids = {
        "station_id": world.stations["qianfeng"].pk,
        "deputy_id": world.deputies["qianfeng"].pk,
        "session_id": 0,
        "token": "junk",
        "attachment_id": 0,
        "fmt": "json",
        "service_code": "housing",
        "service_request_id": "ZZZZ-ZZZZ-ZZ",
        "case_id": 0,
    }
    return "/" + PARAMETER.sub(lambda m: str(ids[m.group(1)]), route)


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    out = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            out += _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            out.append(route)
    return out


def test_every_web_route_has_an_expectation_row() -> None:
    routes = {r for r in _routes(get_resolver()) if not r.startswith(("api/v1/", "admin/"))}
    assert routes == set(PAGES) | set(STAFF_PAGES), "add the new page to PAGES or STAFF_PAGES (and to the journeys)"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_answers_each_persona_as_expected(world: World, persona: str) -> None:
    client = world.web(persona)
    for route, expected in PAGES.items():
        response = client.get(_url(route, world))
        assert response.status_code == expected.get(persona, expected["*"]), (persona, route)
        assert RESIDENT_PHONE not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_for_system_admins_only(world: World, persona: str) -> None:
    response = world.web(persona).get("/admin/")
    # config/admin_site.py: the admin answers the system-admin role grant, not Django's is_staff.
    expected = 200 if persona == "system_admin" else 302
    assert response.status_code == expected, "only system admins get in; the others are sent to the login"


def test_the_home_page_lists_published_stations_of_the_chosen_region(world: World) -> None:
    client = world.web("anonymous")
    page = client.get("/?region=140109001").content.decode()
    assert "千峰街道人大代表联络站" in page
    assert "兴华街道人大代表联络站" not in page
    assert "千峰街道人大代表之家(筹)" not in page, "unpublished stations stay private"
    everything = client.get("/").content.decode()
    assert "义宁镇良瑞社区人大代表联络站" in everything


def test_a_junk_region_parameter_shows_every_station_rather_than_an_error(world: World) -> None:
    response = world.web("anonymous").get("/?region=' OR 1=1 --")
    assert response.status_code == 200


def test_the_home_page_is_in_chinese_by_default(world: World) -> None:
    page = world.web("anonymous").get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "有事找代表" in page


def test_a_missing_page_helps_the_resident_home(world: World) -> None:
    response = world.web("anonymous").get("/no-such-page/")
    assert response.status_code == 404
    assert "回到首页" in response.content.decode()


def test_pages_load_no_asset_from_another_host(world: World) -> None:
    page = world.web("anonymous").get("/").content.decode()
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
    assert "//cdn" not in page
