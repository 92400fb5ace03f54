"""The intake lookups keep categories and published stations in memory for a minute, and drop
them as soon as one changes (so a retired category or an unpublished station stops at once)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.cases.models import CaseCategory
from liaison.cases.selectors import category_by_code, forget_categories, forget_stations, published_station
from liaison.testing.personas import World


def test_a_category_is_read_once_and_forgotten_when_it_changes(world: World, settings: Any) -> None:
    settings.LIAISON_LOOKUP_MEMO_SECONDS = 60
    forget_categories()
    assert category_by_code("housing") is not None
    with CaptureQueriesContext(connection) as queries:
        assert category_by_code("housing") is not None
    assert len(queries) == 0
    CaseCategory.objects.filter(code="housing").update(is_active=False)
    CaseCategory.objects.get(code="roads").save()  # any category saved drops the memory
    assert category_by_code("housing") is None


def test_a_station_is_read_once_and_forgotten_when_it_is_unpublished(world: World, settings: Any) -> None:
    settings.LIAISON_LOOKUP_MEMO_SECONDS = 60
    forget_stations()
    station = world.stations["qianfeng"]
    assert published_station(station.pk) == station
    with CaptureQueriesContext(connection) as queries:
        assert published_station(station.pk) == station
    assert len(queries) == 0
    station.is_published = False
    station.save()
    assert published_station(station.pk) is None
    assert published_station(world.stations["qianfeng_unpublished"].pk) is None
