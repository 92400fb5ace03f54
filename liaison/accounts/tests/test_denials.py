"""SECURITY.md S19: every refusal of a signed-in user (403) is audited, on pages and in the API."""

from __future__ import annotations

from liaison.core.models import AuditEvent
from liaison.testing.personas import World

JSON = "application/json"


def denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.denied").order_by("id"))


def test_a_page_refused_to_a_deputy_is_audited(world: World) -> None:
    response = world.web("deputy").get("/manage/users/?q=13500001234")
    assert response.status_code == 403
    [row] = denials()
    assert row.actor == world.users["deputy"]
    assert row.reason == "GET /manage/users/", "the path only: a query string may carry personal data"


def test_an_api_write_refused_to_the_sponsor_is_audited(world: World) -> None:
    station = world.stations["qianfeng"]
    response = world.api("sponsor").patch(
        f"/api/v1/manage/stations/{station.pk}", {"version": station.version, "notice": "x"}, content_type=JSON
    )
    assert response.status_code == 403
    [row] = denials()
    assert row.actor == world.users["sponsor"]
    assert row.reason == f"PATCH /api/v1/manage/stations/{station.pk}"


def test_anonymous_visitors_and_allowed_requests_leave_no_denial(world: World) -> None:
    assert world.web("anonymous").get("/manage/users/").status_code == 302
    assert world.web("officer").get("/manage/users/").status_code == 200
    assert denials() == []
