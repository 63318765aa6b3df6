"""Every property test runs under the suite's load-independent Hypothesis profile."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def test_the_suite_profile_is_loaded() -> None:
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
