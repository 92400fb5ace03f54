"""Reads for the back office's account pages and audit-log viewer, all starting from the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from liaison.core.jurisdiction import get_visible
from liaison.core.models import AuditEvent
from liaison.organization.models import Department, Region, subtree_q
from liaison.stations.models import Station

from .jurisdiction import Actor
from .models import RoleGrant, User

USER_ORDERINGS = {
    "username": "username",
    "-joined": "-date_joined",
    "-login": "-last_login",
    "name": "display_name",
}


def _active_grants() -> Prefetch:  # type: ignore[type-arg]
    qs = RoleGrant.objects.active().select_related("region", "station", "department").order_by("role", "id")
    return Prefetch("grants", queryset=qs, to_attr="current_grants")


def user_list(
    *,
    actor: Actor,
    q: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    ordering: str = "username",
) -> QuerySet[User]:
    """Accounts the actor administers, searched by username or name, with their current grants."""
    qs = User.objects.visible_to(actor)
    if q:
        q = q.strip()
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__contains=q))
    if role:
        qs = qs.filter(Exists(RoleGrant.objects.active().filter(user=OuterRef("pk"), role=role)))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by(USER_ORDERINGS.get(ordering, "username"), "id").prefetch_related(_active_grants())


def user_get(*, actor: Actor, user_id: Any) -> User:
    """The account if the actor administers it; NotFound otherwise (never says it exists)."""
    return get_visible(User.objects.visible_to(actor), user_id)


def user_can_change(actor: Actor, user: User) -> bool:
    """Whether the actor may reset the password or change the active state of this account."""
    return User.objects.visible_to(actor, "change").filter(pk=user.pk).exists()


def user_grants(*, user: User) -> list[RoleGrant]:
    """Every grant of the account, current first, with the names of their scopes."""
    return list(
        RoleGrant.objects.filter(user=user)
        .select_related("region", "station__region", "department__region", "granted_by")
        .order_by("revoked_at", "-created_at", "-id")
    )


def grant_get(*, actor: Actor, user: User, grant_id: Any) -> RoleGrant:
    """A grant of this (visible) account; NotFound for junk ids or another account's grant."""
    qs = RoleGrant.objects.filter(user=user).select_related("user", "region", "station__region", "department__region")
    return get_visible(qs, grant_id)


def grant_within_reach(actor: Actor, grant: RoleGrant) -> bool:
    """Whether the grant's scope lies in the actor's subtrees (who may revoke it)."""
    if actor.is_system_admin:
        return True
    region = grant.region or (grant.station.region if grant.station else None)
    region = region or (grant.department.region if grant.department else None)
    return region is not None and any(region.path.startswith(p) for p in actor.office_paths)


def scope_regions(*, actor: Actor) -> QuerySet[Region]:
    """Regions an office-admin or sponsor grant may name: the actor's subtrees."""
    qs = Region.objects.all() if actor.is_system_admin else Region.objects.filter(subtree_q("", actor.office_paths))
    return qs.order_by("path")


def scope_stations(*, actor: Actor) -> QuerySet[Station]:
    qs = (
        Station.objects.all()
        if actor.is_system_admin
        else Station.objects.filter(subtree_q("region__", actor.office_paths))
    )
    return qs.order_by("region__path", "name")


def scope_departments(*, actor: Actor) -> QuerySet[Department]:
    qs = (
        Department.objects.all()
        if actor.is_system_admin
        else Department.objects.filter(subtree_q("region__", actor.office_paths))
    )
    return qs.filter(is_active=True).order_by("region__path", "name")


def _scoped_targets() -> list[tuple[str, Any]]:
    """(label, model) of every model with a `visible_to` queryset: audit targets we can scope."""
    found = []
    for model in apps.get_models():
        if callable(getattr(model._default_manager, "visible_to", None)):
            found.append((model._meta.label_lower, model))
    return found


def audit_visible_q(actor: Actor) -> Q:
    """Audit rows the actor may read: a system admin all of them; an office admin those whose
    acting account or target object he reaches through the one jurisdiction rule."""
    if actor.is_system_admin:
        return Q()
    if not actor.office_paths:
        return Q(pk__in=[])
    q = Q(actor__in=User.objects.visible_to(actor).values("pk"))
    for label, model in _scoped_targets():
        # target_id is text (it may name any model), so the visible keys are cast to match.
        keys = model._default_manager.visible_to(actor).annotate(key=Cast("pk", CharField())).values("key")
        q |= Q(target_type=label, target_id__in=keys)
    return q


def audit_event_list(
    *,
    actor: Actor,
    actor_username: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[AuditEvent]:
    """The audit rows the actor may read, newest first, filtered."""
    qs = AuditEvent.objects.filter(audit_visible_q(actor))
    if actor_username:
        qs = qs.filter(actor_label__iexact=actor_username.strip())
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    if q:
        q = q.strip()
        qs = qs.filter(Q(target_label__icontains=q) | Q(reason__icontains=q) | Q(actor_label__icontains=q))
    return qs.order_by("-at", "-id")


def audit_for_user(*, actor: Actor, user: User, limit: int = 10) -> list[AuditEvent]:
    """The latest audit rows about or by this account that the actor may read."""
    about = Q(target_type=User._meta.label_lower, target_id=str(user.pk)) | Q(actor=user)
    return list(AuditEvent.objects.filter(audit_visible_q(actor)).filter(about).order_by("-at", "-id")[:limit])


def audit_actions() -> list[str]:
    """Every action ever recorded (the action filter's choices); names only, nothing personal."""
    return sorted(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())


def audit_target_types() -> list[str]:
    """Every kind of object ever audited (the target-type filter's choices)."""
    qs = AuditEvent.objects.order_by().exclude(target_type="").values_list("target_type", flat=True).distinct()
    return sorted(qs)
