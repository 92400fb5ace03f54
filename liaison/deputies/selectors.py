"""Reads of deputies shared by the API, the portal and the back office."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from liaison.accounts.jurisdiction import Actor
from liaison.core.jurisdiction import get_visible
from liaison.organization.models import PATH_SEGMENT, Constituency, Region, subtree_q
from liaison.stations.models import Station

from .models import Assignment, Deputy, DeputyGroup, Term

ORDERINGS = {"name": "name_pinyin", "-name": "-name_pinyin", "id": "id", "-id": "-id", "level": "level"}


def _current_stations(*, published_only: bool) -> Prefetch:  # type: ignore[type-arg]
    qs = Assignment.objects.current().select_related("station").order_by("start", "id")
    if published_only:
        qs = qs.filter(station__is_published=True)
    return Prefetch("assignments", queryset=qs, to_attr="current_assignments")


def _filter(
    qs: QuerySet[Deputy], *, region_code: str | None, station_id: int | None, level: str | None
) -> QuerySet[Deputy]:
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            return qs.none()
        current = Assignment.objects.current().filter(deputy=OuterRef("pk"))
        qs = qs.filter(Exists(current.filter(subtree_q("station__region__", [region.path]))))
    if station_id is not None:
        current = Assignment.objects.current().filter(deputy=OuterRef("pk"), station_id=station_id)
        qs = qs.filter(Exists(current))
    if level:
        qs = qs.filter(level=level)
    return qs


def deputy_list_public(
    *, region_code: str | None = None, station_id: int | None = None, level: str | None = None
) -> QuerySet[Deputy]:
    """Active deputies with a current published station; filters as the public API documents."""
    return _filter(Deputy.objects.public(), region_code=region_code, station_id=station_id, level=level).order_by(
        "name_pinyin", "id"
    )


def deputy_get_public(deputy_id: int) -> Deputy:
    """A public deputy with current stations and group; 404 otherwise."""
    qs = (
        Deputy.objects.public()
        .select_related("term__region", "group")
        .prefetch_related(_current_stations(published_only=True))
    )
    return get_visible(qs, deputy_id)


def deputy_list(
    *,
    actor: Actor,
    region_code: str | None = None,
    station_id: int | None = None,
    level: str | None = None,
    term_id: int | None = None,
    group_id: int | None = None,
    q: str | None = None,
    ordering: str = "name",
) -> QuerySet[Deputy]:
    """Deputies the actor may see, filtered and searched (name, pinyin, certificate number)."""
    qs = _filter(Deputy.objects.visible_to(actor), region_code=region_code, station_id=station_id, level=level)
    if term_id is not None:
        qs = qs.filter(term_id=term_id)
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__contains=q) | Q(name_pinyin__contains=q.lower()) | Q(certificate_no=q))
    return qs.order_by(ORDERINGS.get(ordering, "name_pinyin"), "id").prefetch_related(
        _current_stations(published_only=False)
    )


def deputy_get(*, actor: Actor, deputy_id: int) -> Deputy:
    """The deputy if the actor may see it, with assignments (history included); 404 otherwise."""
    qs = (
        Deputy.objects.visible_to(actor)
        .select_related("term__region", "constituency", "group", "delegation")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("station").order_by("-start", "id")),
            _current_stations(published_only=False),
        )
    )
    return get_visible(qs, deputy_id)


def deputy_can_change(actor: Actor, deputy: Deputy) -> bool:
    """Whether the actor may edit the core record of this (visible) deputy."""
    return Deputy.objects.visible_to(actor, "change").filter(pk=deputy.pk).exists()


def station_deputies_public(station: Station) -> list[Deputy]:
    """Deputies currently at a published station, for its notice board."""
    # IN (the station's current assignments), not EXISTS per deputy: the planner then starts from
    # the few assignments (indexed by station) instead of walking every deputy in name order.
    at_station = Assignment.objects.current().filter(station=station).values("deputy_id")
    return list(Deputy.objects.public().filter(pk__in=at_station).order_by("name_pinyin", "id"))


def assignment_get(*, actor: Actor, assignment_id: int) -> Assignment:
    """An assignment whose deputy and station the actor both sees; 404 otherwise."""
    qs = Assignment.objects.select_related("station__region", "deputy").filter(
        deputy__in=Deputy.objects.visible_to(actor).values("pk"),
        station__in=Station.objects.visible_to(actor).values("pk"),
    )
    return get_visible(qs, assignment_id)


def deputy_groups(*, actor: Actor) -> QuerySet[DeputyGroup]:
    """The groups of the deputies the actor sees: the choices of the back office's group filter."""
    visible = Deputy.objects.visible_to(actor).values("group_id")
    return DeputyGroup.objects.filter(pk__in=visible).select_related("term__region").order_by("term_id", "name")


def deputy_terms(*, actor: Actor) -> QuerySet[Term]:
    """The terms of the deputies the actor sees: the choices of the back office's term filter."""
    visible = Deputy.objects.visible_to(actor).values("term_id")
    return Term.objects.filter(pk__in=visible).select_related("region").order_by("region__code", "level", "-number")


def station_deputies(*, actor: Actor, station: Station) -> list[Deputy]:
    """Deputies currently at the station whom the actor sees, for the back office's station page."""
    at_station = Assignment.objects.current().filter(station=station).values("deputy_id")
    return list(Deputy.objects.visible_to(actor).filter(pk__in=at_station).order_by("name_pinyin", "id"))


def deputy_can_create(actor: Actor) -> bool:
    """Office admins (for constituencies in their subtrees) and system admins register deputies."""
    return actor.is_system_admin or bool(actor.office_paths)


def deputy_create_choices(*, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """The terms, constituencies and groups a new deputy of this actor's offices may take.

    A township office registers county deputies of its own constituencies, so the terms are those
    of the congresses above or within the office's region.
    """
    terms = Term.objects.select_related("region").order_by("region__code", "level", "-number")
    constituencies = Constituency.objects.select_related("region").order_by("region__code", "name")
    groups = DeputyGroup.objects.select_related("term__region").order_by("term_id", "name")
    if not actor.is_system_admin:
        paths = actor.office_paths
        ancestor_q = Q(pk__in=[])
        for path in paths:
            ancestor_q |= Q(region__path__in=[path[:i] for i in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)])
        terms = terms.filter(subtree_q("region__", paths) | ancestor_q)
        constituencies = constituencies.filter(subtree_q("region__", paths))
        groups = groups.filter(subtree_q("region__", paths))
    return {
        "terms": [(t.pk, str(t)) for t in terms],
        "constituencies": [(c.pk, f"{c.name}\uff08{c.get_level_display()}\uff09") for c in constituencies],
        "groups": [(g.pk, f"{g.name}\uff08{g.term}\uff09") for g in groups],
    }


def deputy_create_lookup(*, term: int, constituency: int | None, group: int | None) -> dict[str, Any]:
    """The rows behind a validated create form's choices (ids already checked against them)."""
    return {
        "term": Term.objects.select_related("region").get(pk=term),
        "constituency": Constituency.objects.select_related("region").get(pk=constituency) if constituency else None,
        "group": DeputyGroup.objects.get(pk=group) if group else None,
    }
