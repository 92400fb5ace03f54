"""Small pure predicates about managing accounts and role grants."""

from __future__ import annotations

from .choices import Role
from .jurisdiction import Actor
from .models import SCOPED_ROLES


def can_manage_users(actor: Actor) -> bool:
    """Only office admins and system admins administer accounts (SECURITY.md S19)."""
    return actor.is_system_admin or bool(actor.office_paths)


def grantable_roles(actor: Actor) -> list[str]:
    """The roles the actor may grant.

    A system admin grants any role. An office admin grants only roles scoped to a place (which
    must lie in his subtree), never system admin: nothing above his own office-admin role.
    """
    if actor.is_system_admin:
        return list(Role.values)
    if actor.office_paths:
        return [str(r) for r in SCOPED_ROLES]
    return []


def can_grant_role(actor: Actor, role: str) -> bool:
    return role in grantable_roles(actor)
