"""The public station list's fast paths: hand-written page SQL and reused totals of big lists."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from liaison.api import pagination
from liaison.stations.models import Station
from liaison.stations.selectors import station_list_public, station_rows_public
from liaison.testing.personas import build_world

pytestmark = pytest.mark.django_db


def orm_rows(region_code: str | None, kind: str | None) -> list[dict[str, object]]:
    return [
        {"id": s.pk, "name": s.name, "kind": s.kind, "region_code": s.region.code, "parent_id": s.parent_id}
        for s in station_list_public(region_code=region_code, kind=kind)
    ]


@pytest.mark.parametrize(
    ("region", "kind"),
    [(None, None), ("140109", None), ("140109001", None), (None, "point"), ("140109", "station"), ("999999", None)],
)
def test_page_sql_returns_the_querysets_rows_in_its_order(region: str | None, kind: str | None) -> None:
    build_world()
    expected = orm_rows(region, kind)
    assert station_rows_public(region_code=region, kind=kind, offset=0, limit=100) == expected
    # Paging cuts the same sequence.
    assert station_rows_public(region_code=region, kind=kind, offset=1, limit=2) == expected[1:3]


def test_unpublished_stations_never_appear() -> None:
    w = build_world()
    ids = {row["id"] for row in station_rows_public(region_code=None, kind=None, offset=0, limit=100)}
    assert w.stations["qianfeng"].pk in ids
    assert w.stations["qianfeng_unpublished"].pk not in ids


def test_a_big_public_total_is_reused_and_marked_as_an_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    build_world()
    cache.clear()
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 2)
    try:
        first = pagination.paginate(station_list_public(), pagination.PageParams(), public_count_key="t")
        assert first["count_is_estimate"] is False
        exact = first["count"]
        Station.objects.filter(pk=first["items"][0].pk).update(is_published=False)
        second = pagination.paginate(station_list_public(), pagination.PageParams(), public_count_key="t")
        assert second["count_is_estimate"] is True
        assert second["count"] == exact  # the cached total, up to COUNT_TTL seconds old
        assert len(second["items"]) == exact - 1  # the page itself is always current
    finally:
        cache.clear()


def test_a_small_total_is_always_exact() -> None:
    build_world()
    cache.clear()
    for _ in range(2):
        page = pagination.paginate(station_list_public(), pagination.PageParams(), public_count_key="small")
        assert page["count_is_estimate"] is False
        assert page["count"] == station_list_public().count()


def test_the_api_answers_the_same_page(client) -> None:  # type: ignore[no-untyped-def]
    build_world()
    cache.clear()
    body = client.get("/api/v1/stations?limit=3&offset=1").json()
    assert body["items"] == orm_rows(None, None)[1:4]
    assert body["count"] == station_list_public().count()


def test_the_public_station_pages_are_reused_for_a_few_seconds_only(client) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    w = build_world()
    cache.clear()
    with time_machine.travel("2026-11-23 09:00:00+08:00", tick=False) as clock:
        first = client.get("/api/v1/stations?limit=50").json()["items"]
        Station.objects.filter(pk=w.stations["qianfeng"].pk).update(name="改名后的联络站")
        again = client.get("/api/v1/stations?limit=50").json()["items"]
        assert again == first, "within the TTL the same page is served"
        clock.shift(pagination.PUBLIC_ROWS_TTL + 1)
        later = client.get("/api/v1/stations?limit=50").json()["items"]
        assert "改名后的联络站" in {row["name"] for row in later}
