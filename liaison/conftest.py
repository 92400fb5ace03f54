"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.utils import translation

from liaison.testing.personas import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The standard persona network (ARCHITECTURE.md rule 8)."""
    return build_world()


@pytest.fixture(autouse=True)
def _chinese_by_default() -> None:
    translation.activate("zh-hans")
