"""SECURITY.md S2 on the web: the read-only sponsor tries every unsafe method on every staff page
that concerns his own station, with a valid session and CSRF token, and is refused every time."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver

from liaison.core.models import AuditEvent
from liaison.core.tests.test_csrf import routes
from liaison.deputies.models import Assignment, Deputy
from liaison.stations.models import Station, StationRule
from liaison.testing.personas import World

PARAMETER = re.compile(r"<int:(\w+)>")


def snapshot() -> tuple[object, ...]:
    return (
        list(Station.objects.values_list("id", "version")),
        list(Deputy.objects.values_list("id", "version")),
        Assignment.objects.count(),
        StationRule.objects.count(),
    )


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_sponsor_changes_nothing_on_any_staff_page(world: World, method: str) -> None:
    ids = {
        "station_id": world.stations["qianfeng"].pk,
        "deputy_id": world.deputies["qianfeng"].pk,
        "user_id": world.users["sponsor"].pk,  # type: ignore[union-attr]
        "job_id": 1,
    }
    client = world.web("sponsor")
    before = snapshot()
    answered = {}
    for route in routes(get_resolver()):
        if not route.startswith("manage/"):
            continue
        path = "/" + PARAMETER.sub(lambda m: str(ids.get(m.group(1), 1)), route)
        data = {"name": "x", "notice": "x", "title": "x", "body": "x", "reason": "x", "version": "1"}
        answered[path] = getattr(client, method)(path, data=data).status_code
    assert {p: s for p, s in answered.items() if s not in (403, 404, 405)} == {}
    assert snapshot() == before
    assert not AuditEvent.objects.exclude(action__in=["access.denied", "auth.login"]).exists()
