"""Suite-wide test configuration: hypothesis profiles and Chinese as the default language."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# `ci` (the default) keeps property tests quick; `dev` digs deeper locally.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
