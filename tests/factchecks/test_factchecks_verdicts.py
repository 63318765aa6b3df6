"""Verdict normalisation: publishers' words and numeric scales onto one scale."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factsift.factchecks.verdicts import VERDICTS, normalise_verdict, verdict_from_value


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("False", "false"),
        ("Pants on Fire!", "false"),
        ("Four Pinocchios", "false"),
        ("Not true", "false"),
        ("Incorrect", "false"),
        ("Falso", "false"),
        ("Mostly False", "mostly-false"),
        ("barely-true", "mostly-false"),
        ("Misleading", "mostly-false"),
        ("Three Pinocchios", "mostly-false"),
        ("Half True", "mixed"),
        ("half-true", "mixed"),
        ("Mixture", "mixed"),
        ("Partly false", "mixed"),
        ("Missing context", "mixed"),
        ("Mostly True", "mostly-true"),
        ("Mostly correct", "mostly-true"),
        ("True", "true"),
        ("Correct", "true"),
        ("Unproven", "other"),
        ("Satire", "other"),
        ("Full Flop", "other"),
        ("Research in progress", "other"),
        ("Something nobody says", "other"),
        ("", "other"),
    ],
)
def test_textual_ratings(text: str, verdict: str) -> None:
    assert normalise_verdict(text) == verdict


def test_numeric_scale_used_only_when_words_say_nothing() -> None:
    assert normalise_verdict(None, 1, 5, 1) == "false"
    assert normalise_verdict(None, 3, 5, 1) == "mixed"
    assert normalise_verdict(None, 5, 5, 1) == "true"
    assert normalise_verdict("Mostly True", 1, 5, 1) == "mostly-true"
    assert normalise_verdict(None, 7, 5, 1) == "other"  # off its own scale
    assert normalise_verdict(None, 3, 3, 3) == "other"  # no scale


@given(
    st.text(max_size=60), st.none() | st.floats(-10, 10), st.none() | st.floats(-10, 10), st.none() | st.floats(-10, 10)
)
def test_always_one_of_the_scale(text: str, value: float | None, best: float | None, worst: float | None) -> None:
    assert normalise_verdict(text, value, best, worst) in VERDICTS


@given(st.floats(0, 1), st.floats(0, 1))
def test_numeric_scale_is_monotone(a: float, b: float) -> None:
    order = list(VERDICTS[:5])
    va, vb = verdict_from_value(a, 1.0, 0.0), verdict_from_value(b, 1.0, 0.0)
    assert va is not None and vb is not None
    if a <= b:
        assert order.index(va) <= order.index(vb)
