"""Every property test runs under the suite's load-independent Hypothesis profile."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_the_suite_profile_is_loaded() -> None:
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check


@settings(max_examples=5)
@given(st.integers())
def test_a_test_with_its_own_settings_keeps_the_profile(number: int) -> None:
    current = settings()
    assert current.deadline is None and HealthCheck.too_slow in current.suppress_health_check
    assert isinstance(number, int)
