"""Clickbait headline: how much the headline reads like clickbait, per the shipped model.

A linear model over word and character n-grams trained on Chakraborty et al. (2016)
("Stop Clickbait"): curiosity gaps, listicles and second-person teasers score high; plain
news headlines score low.  The spans are the headline words that push the score up most.
"""

from __future__ import annotations

import functools
import re

from factsift.ml.logistic import sigmoid
from factsift.model import Article, Signal, Span
from factsift.signals.clickbait_features import headline_features
from factsift.signals.clickbait_model import ClickbaitModel, load_model, shipped_model
from factsift.signals.registry import SignalContext, signal
from factsift.signals.spans import make_span

NAME = "clickbait_headline"
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[?!]")
MAX_SPANS = 3


@functools.lru_cache(maxsize=20_000)
def _own_features(word: str) -> frozenset[str]:
    """The features one headline word brings by itself: the word and its character n-grams."""
    return frozenset(f for f in headline_features(word) if not f.startswith("b:"))


def _word_spans(title: str, weights: dict[str, float]) -> list[Span]:
    """Spans over the headline words whose own features (the word and its character n-grams) push most."""
    scored: list[tuple[float, int, int]] = []
    for match in _WORD.finditer(title):
        weight = sum(weights.get(f, 0.0) for f in _own_features(match.group(0)))
        if weight > 0:
            scored.append((weight, match.start(), match.end()))
    best = sorted(scored, reverse=True)[:MAX_SPANS]
    return [make_span(title, start, end, field="title", note="pushes toward clickbait") for _, start, end in best]


def model_in_use(context: SignalContext | None) -> ClickbaitModel:
    """The section's model file (``[signals.clickbait_headline] model``, ``$FACTSIFT_CLICKBAIT_MODEL``), loaded
    once by the analyser, else the shipped model."""
    if context is None or context.config.model is None:
        return shipped_model()
    path = context.config.model
    return context.models.get(("clickbait", path), lambda: load_model(path))


@signal(NAME, "How much the headline reads like clickbait (teasers, listicles, curiosity gaps), by a trained model.")
def clickbait_headline(article: Article, context: SignalContext | None = None) -> Signal:
    """Score the headline with the section's clickbait model (else the shipped one); no headline, no evidence (0)."""
    title = (article.title or "").strip()
    if not article.title or not title:
        return Signal(name=NAME, score=0.0, explanation="No headline to judge.", details={"headline": False})
    model = model_in_use(context)
    decision, parts = model.contributions(article.title)
    probability = sigmoid(decision)
    spans = _word_spans(article.title, parts) if probability >= 0.5 else []
    if probability >= 0.8:
        explanation = "The headline reads like clickbait: it teases rather than tells what happened."
    elif probability >= 0.5:
        explanation = "The headline has some clickbait traits."
    else:
        explanation = "The headline reads like a plain news headline."
    return Signal(
        name=NAME,
        score=round(probability, 4),
        explanation=explanation,
        spans=spans,
        details={"probability": round(probability, 4), "decision": round(decision, 4), "model": "chakraborty2016"},
    )
