"""The concrete half of the one jurisdiction mechanism: a user's reach, computed once.

`jurisdiction_for(user)` turns the user's active role grants into an `Actor`: the region
subtrees (as paths), stations (points included) and departments the user reaches, and how.
Every scoped QuerySet's `visible_to(actor, action)` reads only this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .choices import Role

_EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Actor:
    """Who is acting and what they reach; anonymous when `user` is None."""

    user: Any = None
    is_system_admin: bool = False
    office_paths: tuple[str, ...] = ()  # office admin: full rights over these subtrees
    sponsor_paths: tuple[str, ...] = ()  # sponsor over a region: read-only
    staff_station_ids: frozenset[int] = _EMPTY  # station staff: a station and its points
    sponsor_station_ids: frozenset[int] = _EMPTY  # sponsor over stations: read-only
    department_ids: frozenset[int] = _EMPTY
    deputy_ids: frozenset[int] = _EMPTY
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_staff_member(self) -> bool:
        """Reaches anything through a grant (what the /manage API requires)."""
        return bool(
            self.is_system_admin
            or self.office_paths
            or self.sponsor_paths
            or self.staff_station_ids
            or self.sponsor_station_ids
            or self.department_ids
            or self.deputy_ids
        )

    @property
    def is_read_only(self) -> bool:
        """Only sponsor grants: may look, never change anything (SECURITY.md S2)."""
        return not (
            self.is_system_admin
            or self.office_paths
            or self.staff_station_ids
            or self.deputy_ids
            or self.department_ids
        )


ANONYMOUS = Actor()


def jurisdiction_for(user: Any) -> Actor:
    """The actor for `user`, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_liaison_actor", None)
    if cached is not None:
        return cached
    actor = _compute(user)
    user._liaison_actor = actor
    return actor


def _compute(user: Any) -> Actor:
    from liaison.deputies.models import Deputy
    from liaison.stations.models import Station

    from .models import RoleGrant

    grants = list(
        RoleGrant.objects.active()
        .filter(user=user)
        .select_related("region")
        .values("role", "region__path", "station_id", "department_id")
    )
    roles = {g["role"] for g in grants}
    office_paths = tuple(sorted({g["region__path"] for g in grants if g["role"] == Role.OFFICE_ADMIN}))
    sponsor_paths = tuple(
        sorted({g["region__path"] for g in grants if g["role"] == Role.SPONSOR and g["region__path"]})
    )
    staff = {g["station_id"] for g in grants if g["role"] == Role.STATION_STAFF}
    sponsored = {g["station_id"] for g in grants if g["role"] == Role.SPONSOR and g["station_id"]}
    # A grant on a station covers its points (ARCHITECTURE.md rule 9).
    if staff or sponsored:
        points = Station.objects.filter(parent_id__in=staff | sponsored).values_list("id", "parent_id")
        for point_id, parent_id in points:
            if parent_id in staff:
                staff.add(point_id)
            if parent_id in sponsored:
                sponsored.add(point_id)
    deputy_ids = frozenset(Deputy.objects.filter(user=user, is_active=True).values_list("id", flat=True))
    if deputy_ids:
        roles.add(Role.DEPUTY)
    return Actor(
        user=user,
        is_system_admin=Role.SYSTEM_ADMIN in roles or bool(user.is_superuser),
        office_paths=office_paths,
        sponsor_paths=sponsor_paths,
        staff_station_ids=frozenset(staff),
        sponsor_station_ids=frozenset(sponsored),
        department_ids=frozenset(g["department_id"] for g in grants if g["role"] == Role.DEPARTMENT_HANDLER),
        deputy_ids=deputy_ids,
        roles=frozenset(roles),
    )


def region_within_reach(actor: Actor, region_path: str, *, paths: tuple[str, ...] | None = None) -> bool:
    """Whether a region (by path) lies in one of the actor's office subtrees."""
    if actor.is_system_admin:
        return True
    return any(region_path.startswith(p) for p in (actor.office_paths if paths is None else paths))
