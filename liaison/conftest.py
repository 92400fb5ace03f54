"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.utils import translation

from liaison.accounts.models import User
from liaison.testing.personas import OFFICER_PASSWORD, World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The standard persona network (ARCHITECTURE.md rule 8)."""
    return build_world()


@pytest.fixture
def case_world(world: World) -> World:
    """The persona network with cases at 千峰, 兴华 and 义宁 and referrals to two departments."""
    from liaison.testing.case_world import build_case_world

    return build_case_world(world)


@pytest.fixture(autouse=True)
def _chinese_by_default() -> None:
    translation.activate("zh-hans")


@pytest.fixture
def officer_with_password(world: World) -> User:
    """The 千峰 officer with a real (Argon2) password, for login and lockout tests."""
    user = world.users["officer"]
    assert user is not None
    user.set_password(OFFICER_PASSWORD)
    user.save()
    return user
