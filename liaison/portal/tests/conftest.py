"""Portal test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from liaison.organization.selectors import region_index_clear


@pytest.fixture(autouse=True)
def _fresh_region_index() -> Iterator[None]:
    # A rolled-back test transaction sends no signal: each test starts with an empty name index.
    region_index_clear()
    yield
    region_index_clear()
