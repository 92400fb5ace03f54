"""Job files go to a temporary directory in tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django import Settings


@pytest.fixture(autouse=True)
def _job_files(settings: Settings, tmp_path: Path) -> None:
    settings.JOB_FILES_DIR = tmp_path / "jobs"
