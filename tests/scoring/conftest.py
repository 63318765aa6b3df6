"""Fixtures for the risk tests: reports with hand-made stage outputs and a hand-made model."""

from __future__ import annotations

import pytest

from factsift.model import Article, FactCheckMatch, InputInfo, Report, Sentence, Signal, SourceRating
from factsift.scoring.features import TEXT_FEATURE, evidence_feature_names, signal_names
from factsift.scoring.riskmodel import RiskModel
from factsift.scoring.textmodel import TextConfig, TextModel

BODY = (
    "The mayor announced a new budget for the city parks on Tuesday. "
    "According to sources who asked not to be named, the plan was drafted in secret. "
    "Officials said the spending would rise by four percent over two years. "
) * 12  # about 400 words: not a short text


def make_report(
    *,
    body: str = BODY,
    title: str = "City unveils park budget",
    source_label: str | None = None,
    source_score: float | None = None,
    signals: dict[str, float] | None = None,
    factchecks: list[FactCheckMatch] | None = None,
    stages: tuple[str, ...] = ("ingest", "sources", "claims", "factchecks", "signals"),
) -> Report:
    """A report as if the evidence stages had run and found what the arguments say."""
    sentences = [Sentence(id=0, start=0, end=len(body), text=body)]
    report = Report(input=InputInfo(kind="text"), article=Article(text=body, title=title, sentences=sentences))
    report.stages = list(stages)
    if source_label is not None:
        report.source = SourceRating(domain="example.com", name="Example", score=source_score, label=source_label)  # type: ignore[arg-type]
    if signals is not None:
        report.signals = [Signal(name=name, score=score, explanation="test") for name, score in signals.items()]
    report.factchecks = factchecks or []
    return report


def quiet_signals(**overrides: float) -> dict[str, float]:
    """Every signal at 0.1 except the ones given."""
    values = dict.fromkeys(signal_names(), 0.1)
    values.update(overrides)
    return values


@pytest.fixture
def model() -> RiskModel:
    """A small model with plausible weights, as training would produce once every stage exists."""
    weights = dict.fromkeys(evidence_feature_names(), 0.0)
    weights.update(
        {
            "source_score": -3.0,
            "source_unreliable": 1.2,
            "source_mixed": 0.4,
            "signal_anonymous_sourcing": 1.5,
            "signal_clickbait_headline": 0.8,
            "signal_loaded_language": 0.8,
            "factcheck_false": 2.0,
            "factcheck_true": -1.0,
        }
    )
    features = (*evidence_feature_names(), TEXT_FEATURE)
    means = dict.fromkeys(features, 0.0)
    means.update({"signal_anonymous_sourcing": 0.3, "signal_clickbait_headline": 0.2, "signal_loaded_language": 0.2})
    text = TextModel(
        config=TextConfig(word_ngrams=1, char_ngrams=0),
        weights={"secret": (2.0, 1.5), "budget": (1.5, -1.0), "shocking": (3.0, 2.0)},
        intercept=0.0,
    )
    return RiskModel(
        features=features,
        means=tuple(means[f] for f in features),
        weights=(*(weights[f] for f in evidence_feature_names()), 0.6),
        intercept=-0.8,
        base_rate=0.3,
        text=text,
        trained_on="hand-made test model",
    )
