"""The risk section built from hand-made stage outputs: ordering, dominance, caveats, sums."""

from __future__ import annotations

import pytest

from factsift.ml.logistic import sigmoid
from factsift.model import FactCheckMatch
from factsift.scoring.explain import DECISIVE_FLOOR, HIGH_FROM, LOW_BELOW, assess, label_for
from factsift.scoring.riskmodel import RiskModel

from .conftest import make_report, quiet_signals


def test_unreliable_outlet_with_anonymous_sourcing_scores_higher_than_reliable(model: RiskModel) -> None:
    risky = assess(
        model,
        make_report(source_label="unreliable", source_score=0.1, signals=quiet_signals(anonymous_sourcing=0.9)),
    )
    sound = assess(model, make_report(source_label="reliable", source_score=0.9, signals=quiet_signals()))
    assert risky.score > sound.score + 0.3
    top = [c.evidence for c in risky.contributions[:2]]
    assert set(top) == {"outlet rating", "signal: anonymous sourcing"}
    assert risky.label == "high"
    assert sound.label == "low"


def test_contributions_sum_to_score_minus_base_and_are_ordered(model: RiskModel) -> None:
    risk = assess(
        model,
        make_report(source_label="mixed", source_score=0.5, signals=quiet_signals(loaded_language=0.7)),
    )
    total = sum(c.effect for c in risk.contributions)
    assert total == pytest.approx(risk.score - sigmoid(model.base_log_odds), abs=2e-3)
    effects = [abs(c.effect) for c in risk.contributions]
    assert effects == sorted(effects, reverse=True)
    assert all(-1 <= c.effect <= 1 for c in risk.contributions)


def test_close_false_factcheck_dominates_a_clean_style(model: RiskModel) -> None:
    match = FactCheckMatch(
        claim_index=0,
        score=0.93,
        probability=0.93,
        claim_reviewed="The park budget doubled",
        verdict="false",
        publisher="PolitiFact",
    )
    risk = assess(
        model, make_report(source_label="reliable", source_score=0.95, signals=quiet_signals(), factchecks=[match])
    )
    assert risk.score >= DECISIVE_FLOOR - 1e-6
    assert risk.contributions[0].evidence == "fact-checks"
    assert risk.contributions[0].effect > 0.3
    assert risk.summary is not None and "fact-check" in risk.summary and "decides" in risk.summary


def test_distant_false_factcheck_does_not_decide(model: RiskModel) -> None:
    """A match that is probably not the same claim moves the score in proportion, and never decides it."""

    def scored(probability: float) -> float:
        match = FactCheckMatch(
            claim_index=0, score=probability, probability=probability, claim_reviewed="Something", verdict="false"
        )
        report = make_report(source_label="reliable", source_score=0.95, signals=quiet_signals(), factchecks=[match])
        risk = assess(model, report)
        assert risk.summary is not None and ("decides" in risk.summary) == (probability >= 0.75)
        return risk.score

    none = assess(model, make_report(source_label="reliable", source_score=0.95, signals=quiet_signals())).score
    assert none < scored(0.1) < scored(0.4) < scored(0.7) < scored(0.9)
    assert scored(0.1) < 0.5


def test_thin_evidence_gives_caveats_and_stays_near_base(model: RiskModel) -> None:
    short = "Shocking secret plan revealed by insiders today, and nobody is talking about it."
    thin = assess(model, make_report(body=short, title="Shocking", stages=("ingest",)))
    full = assess(model, make_report(body=short * 12, title="Shocking", stages=("ingest",)))
    base = sigmoid(model.intercept)
    assert abs(thin.score - base) < abs(full.score - base)
    joined = " ".join(thin.caveats)
    assert "No outlet rating" in joined
    assert "Short text" in joined
    assert "pulled toward the base score" in joined
    assert "fact-check" in joined
    assert thin.summary is not None and "thin" in thin.summary


def test_missing_stages_are_not_shown_as_evidence(model: RiskModel) -> None:
    risk = assess(model, make_report(stages=("ingest",)))
    evidence = {c.evidence for c in risk.contributions}
    assert "outlet rating" not in evidence
    assert not any(e.startswith("signal:") for e in evidence)
    assert "wording" in evidence


@pytest.mark.parametrize(
    ("score", "label"),
    [(0.0, "low"), (LOW_BELOW - 0.01, "low"), (LOW_BELOW, "elevated"), (HIGH_FROM, "high"), (1.0, "high")],
)
def test_label_thresholds(score: float, label: str) -> None:
    assert label_for(score) == label
