"""Reads of stations shared by the API, the portal and the back office."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from liaison.accounts.jurisdiction import Actor
from liaison.core.jurisdiction import get_visible
from liaison.organization.models import Region

from .models import Station, StationRole

ORDERINGS = {"name": "name", "-name": "-name", "id": "id", "-id": "-id", "region": "region__code"}


def _with_region_code(qs: QuerySet[Station]) -> QuerySet[Station]:
    # A join in the page query only: unlike an annotation, select_related leaves COUNT(*)
    # without the region join.
    return qs.select_related("region")


def station_list_public(*, region_code: str | None = None, kind: str | None = None) -> QuerySet[Station]:
    """Published stations, optionally within a region's subtree (unknown code: empty list)."""
    qs = _with_region_code(Station.objects.published())
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            return qs.none()
        qs = qs.filter(region__in=Region.objects.subtree(region))
    if kind:
        qs = qs.filter(kind=kind)
    # Ordered by an index (see Station.Meta.indexes), not by the region's code through a join:
    # sorting every published station before taking a page was the public list's cost.
    return qs.order_by("region_id", "kind", "name", "id")


def station_get_public(station_id: int) -> Station:
    """A published station with what its notice board shows; 404 otherwise."""
    qs = (
        _with_region_code(Station.objects.published())
        .select_related("region", "parent")
        .prefetch_related(
            "rules",
            Prefetch("roles", queryset=StationRole.objects.filter(end__isnull=True)),
        )
    )
    return get_visible(qs, station_id)


def station_list(
    *,
    actor: Actor,
    region_code: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    ordering: str = "name",
) -> QuerySet[Station]:
    """Stations the actor may see, filtered; `ordering` only from the allow-list."""
    qs = _with_region_code(Station.objects.visible_to(actor))
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            return qs.none()
        qs = qs.filter(region__in=Region.objects.subtree(region))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by(ORDERINGS.get(ordering, "name"), "id")


def station_get(*, actor: Actor, station_id: int, action: str = "view") -> Station:
    """The station if the actor may see it (404 otherwise); `action` checked by the caller."""
    qs = _with_region_code(Station.objects.visible_to(actor)).prefetch_related("rules", "roles", "sponsors", "partners")
    return get_visible(qs, station_id)


def station_can_change(actor: Actor, station: Station) -> bool:
    """Whether the actor may edit this (already visible) station."""
    return Station.objects.visible_to(actor, "change").filter(pk=station.pk).exists()


def station_points(*, actor: Actor, station: Station) -> QuerySet[Station]:
    """The points under a station or home that the actor sees."""
    return Station.objects.visible_to(actor).filter(parent=station).select_related("region").order_by("name", "id")


def station_staff(station: Station) -> list[StationRole]:
    """The station's staff in post (roles without an end date)."""
    return [r for r in station.roles.all() if r.end is None]
