"""The stance library function: interface, probabilities, spans and input order."""

from __future__ import annotations

import math

from factsift.stance import LABELS, predict_stance

CLAIM = "Vaccines cause autism"


def test_results_have_the_four_calibrated_scores_and_a_span_into_the_text() -> None:
    text = "Health officials met on Monday. Vaccines do not cause autism, the panel said. The meeting ended."
    [result] = predict_stance([(CLAIM, text)])
    assert set(result.scores) == set(LABELS)
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-9)
    assert result.label == max(result.scores, key=result.scores.__getitem__)
    assert result.passage(text) == "Vaccines do not cause autism, the panel said."


def test_results_come_back_in_input_order() -> None:
    pairs = [(CLAIM, "Vaccines do not cause autism."), (CLAIM, "The stock market rose on Tuesday.")] * 3
    labels = [result.label for result in predict_stance(pairs)]
    assert labels == ["disagree", "unrelated"] * 3


def test_an_empty_batch_gives_no_results() -> None:
    assert predict_stance([]) == []
