"""Stance on hand-written fixtures: negations, debunks, hedged reports, unrelated texts and a denial of the seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from factsift.stance import AGREE_THRESHOLD, DISAGREE_THRESHOLD, predict_stance

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "stance_cases.json").read_text(encoding="utf-8"))
SEED_CLAIM = "Russian aircraft joined U.S. strikes on ISIS in coordination with the Pentagon"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['claim'][:30]}" for c in CASES])
def test_fixture_gets_its_expected_label(case: dict[str, Any]) -> None:
    [result] = predict_stance([(case["claim"], case["text"])])
    assert result.label == case["label"], result.scores


def test_a_wire_report_denying_the_seeds_claim_is_labelled_disagree() -> None:
    """The denial's passage is found, the report is labelled disagree, and a confirming twin is not."""
    denial = (FIXTURES / "pentagon_denial.txt").read_text(encoding="utf-8")
    confirmation = (
        denial.replace("denied a Russian claim", "confirmed a Russian report")
        .replace("is not coordinating", "is coordinating")
        .replace("they are not true", "they are true")
    )
    denied, confirmed = predict_stance([(SEED_CLAIM, denial), (SEED_CLAIM, confirmation)])
    assert "not coordinating air strikes with Russia" in denied.passage(denial)
    assert denied.label == "disagree", denied.scores
    assert denied.scores["disagree"] >= DISAGREE_THRESHOLD
    assert confirmed.label != "disagree" and confirmed.scores["disagree"] < DISAGREE_THRESHOLD, confirmed.scores


def test_texts_that_do_not_refute_the_claim_are_not_accused_of_disagreeing() -> None:
    not_refuting = [c for c in CASES if c["label"] != "disagree"]
    results = predict_stance([(c["claim"], c["text"]) for c in not_refuting])
    assert all(r.scores["disagree"] < DISAGREE_THRESHOLD for r in results), [r.scores for r in results]


def test_texts_that_do_not_assert_the_claim_are_not_read_as_agreeing() -> None:
    not_asserting = [c for c in CASES if c["label"] != "agree"]
    results = predict_stance([(c["claim"], c["text"]) for c in not_asserting])
    assert all(r.scores["agree"] < AGREE_THRESHOLD for r in results), [r.scores for r in results]
