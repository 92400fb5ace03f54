"""Reads of stations shared by the API, the portal and the back office."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from liaison.accounts.jurisdiction import Actor
from liaison.core.jurisdiction import get_visible
from liaison.organization.models import Region, subtree_q, subtree_range

from .choices import StationKind
from .models import Station, StationRole, StationRule

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


def station_can_create(actor: Actor) -> bool:
    """Office admins (within their subtrees) and system admins register stations."""
    return actor.is_system_admin or bool(actor.office_paths)


def station_parent_choices(*, actor: Actor, current: Station | None = None) -> list[tuple[int, str]]:
    """Homes and stations a point may belong to: those the actor's offices reach (and the current one)."""
    qs = Station.objects.exclude(kind=StationKind.POINT)
    if not actor.is_system_admin:
        qs = qs.filter(subtree_q("region__", actor.office_paths))
    choices = list(qs.order_by("name", "id").values_list("id", "name"))
    if current is not None and current.pk not in {pk for pk, _name in choices}:
        choices.append((current.pk, current.name))
    return choices


def station_assignable(*, actor: Actor) -> QuerySet[Station]:
    """Stations the actor may assign deputies to: those in the actor's office subtrees."""
    qs = (
        Station.objects.all()
        if actor.is_system_admin
        else Station.objects.filter(subtree_q("region__", actor.office_paths))
    )
    return qs.select_related("region").order_by("name", "id")


def station_rule_get(*, station: Station, rule_id: object) -> StationRule:
    """A rule of this (already reached) station; 404 for another station's rule or junk."""
    return get_visible(StationRule.objects.filter(station=station), rule_id)


def station_rows_public(*, region_code: str | None, kind: str | None, offset: int, limit: int) -> list[dict[str, Any]]:
    """One page of `station_list_public` as dicts, for the public API's station list.

    The same rows in the same order as the queryset (a test holds them equal), in SQL written
    once: building that query through the ORM cost more than running it, on the most
    requested public list (PERFORMANCE.md, public station list).
    """
    station, region = Station._meta.db_table, Region._meta.db_table
    where, params = ["s.is_published"], []
    if region_code:
        root = Region.objects.filter(code=region_code).values_list("path", flat=True).first()
        if root is None:
            return []
        subtree = f"SELECT id FROM {region} WHERE path >= %s AND path < %s"  # noqa: S608 -- a model's table
        where.append(f"s.region_id IN ({subtree})")
        params += list(subtree_range(root))
    if kind:
        where.append("s.kind = %s")
        params.append(kind)
    sql = (
        f"SELECT s.id, s.name, s.kind, r.code, s.parent_id FROM {station} s JOIN {region} r ON r.id = s.region_id "  # noqa: S608 -- table names from models, values as parameters
        f"WHERE {' AND '.join(where)} ORDER BY s.region_id, s.kind, s.name, s.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [
            {"id": pk, "name": name, "kind": k, "region_code": code, "parent_id": parent}
            for pk, name, k, code, parent in cursor.fetchall()
        ]
