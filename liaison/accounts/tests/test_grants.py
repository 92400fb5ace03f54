"""Role grants: an office admin grants and revokes only within his own subtree, audited."""

from __future__ import annotations

import pytest

from liaison.accounts.choices import Role
from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import RoleGrant, User
from liaison.accounts.services import role_grant_create, role_grant_revoke
from liaison.core.errors import Forbidden, InvalidInput
from liaison.core.models import AuditEvent
from liaison.testing.personas import World


def _actor(world: World, persona: str):  # type: ignore[no-untyped-def]
    return jurisdiction_for(world.users[persona])


def test_an_officer_grants_staff_of_his_own_station_and_it_is_audited(world: World) -> None:
    newcomer = User.objects.create(username="newcomer")
    grant = role_grant_create(
        actor=_actor(world, "officer"), user=newcomer, role=Role.STATION_STAFF, station=world.stations["qianfeng"]
    )
    assert jurisdiction_for(User.objects.get(pk=newcomer.pk)).staff_station_ids >= {world.stations["qianfeng"].pk}
    assert AuditEvent.objects.filter(action="role.granted", target_id=str(newcomer.pk)).exists()
    role_grant_revoke(actor=_actor(world, "officer"), grant=grant, reason="调离")
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is not None
    assert not jurisdiction_for(User.objects.get(pk=newcomer.pk)).staff_station_ids


def test_a_township_officer_cannot_grant_outside_the_township(world: World) -> None:
    newcomer = User.objects.create(username="newcomer")
    before = RoleGrant.objects.count()
    with pytest.raises(InvalidInput):
        role_grant_create(
            actor=_actor(world, "officer"), user=newcomer, role=Role.OFFICE_ADMIN, region=world.regions["xinghua"]
        )
    with pytest.raises(InvalidInput):
        role_grant_create(
            actor=_actor(world, "officer"), user=newcomer, role=Role.OFFICE_ADMIN, region=world.regions["wanbailin"]
        )
    with pytest.raises(Forbidden):
        role_grant_create(actor=_actor(world, "officer"), user=newcomer, role=Role.SYSTEM_ADMIN)
    with pytest.raises(Forbidden):
        role_grant_create(actor=_actor(world, "station_staff"), user=newcomer, role=Role.RESIDENT)
    assert RoleGrant.objects.count() == before


def test_a_neighbouring_officer_cannot_revoke_a_grant_in_qianfeng(world: World) -> None:
    grant = RoleGrant.objects.get(user=world.users["station_staff"])
    with pytest.raises(Forbidden):
        role_grant_revoke(actor=_actor(world, "neighbour_officer"), grant=grant)
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_a_grant_with_the_wrong_scope_for_its_role_is_refused(world: World) -> None:
    newcomer = User.objects.create(username="newcomer")
    with pytest.raises(Exception, match="授权范围"):
        role_grant_create(
            actor=_actor(world, "system_admin"),
            user=newcomer,
            role=Role.OFFICE_ADMIN,
            station=world.stations["qianfeng"],
        )
