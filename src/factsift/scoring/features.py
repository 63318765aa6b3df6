"""Evidence features: what the other stages found, turned into named numbers for the risk model.

Every feature is read by name from the report, and every stage that did not run (or found
nothing to rate) sets an explicit ``*_missing`` indicator instead of a silent zero, so the model
can tell "no evidence" from "evidence of nothing wrong".  The warning signs are read from the signal
registry (every signal registered with ``risk_feature=True``, an installed plugin's too), so a new
signal becomes a feature, ``signal_NAME`` and ``signal_NAME_missing``, with no code change here;
retraining gives it a weight.
"""

from __future__ import annotations

import functools
import math

from factsift.factchecks.stances import direction
from factsift.model import FactCheckMatch, Report
from factsift.signals.registry import risk_signal_names
from factsift.vocabulary import VERDICT_FAMILIES

#: A fact-check match at least this probable is about the same claim (the factchecks stage's probability, 0–1).
CLOSE_MATCH = 0.75
#: ... and the article asserts it at least this clearly (P(agree) - P(disagree)).
DECISIVE_STANCE = 0.5
#: Which way a verdict points: +1 the reviewed claim is false, -1 it is true, 0 no direction (mixed, other).
VERDICT_DIRECTION = {"false": 1.0, "mostly-false": 0.75, "mixed": 0.0, "mostly-true": -0.75, "true": -1.0}
#: A fact-check published on or after the article's date weighs this much of one published before it.
AFTER_ARTICLE_WEIGHT = 0.9
#: The strongest evidence a match gives each way (verdict × stance × probability, see :func:`match_evidence`);
#: not features of the learned model (its training data has no fact-checks): :mod:`.explain` weighs them.
FACTCHECK_UP = "factcheck_evidence_up"
FACTCHECK_DOWN = "factcheck_evidence_down"

SOURCE_FEATURES = ("source_missing", "source_unrated", "source_score", "source_unreliable", "source_mixed")
TEXT_FEATURE = "text_model"
_OTHER_FEATURES = (
    "claims_missing",
    "claims_max_checkworthiness",
    "claims_share",
    "factchecks_missing",
    "factcheck_false",
    "factcheck_mixed",
    "factcheck_true",
    "length",
)
_SOURCE_VALUES = ("source_score", "source_unreliable", "source_mixed")


def signal_names() -> tuple[str, ...]:
    """The signals whose scores are risk features (from the signal registry)."""
    return risk_signal_names()


def warning_signs() -> tuple[str, ...]:
    """The writing warning signs' values: each can only raise the risk (their learned weights are bounded at
    zero from below), so the breakdown never shows a warning sign lowering it.  Their missing-indicators
    are not bounded: the absence of a stage's output is not a warning sign either way."""
    return tuple(f"signal_{name}" for name in signal_names())


def evidence_feature_names() -> tuple[str, ...]:
    """Every evidence feature, in the order training lays them out."""
    names = signal_names()
    return (
        *SOURCE_FEATURES,
        *(f"signal_{name}" for name in names),
        *(f"signal_{name}_missing" for name in names),
        *_OTHER_FEATURES,
    )


def missing_groups() -> dict[str, tuple[str, ...]]:
    """Missing-indicator → the value features it stands in for.  When the indicator is on, those values
    are set to their training mean (so they move nothing) and the indicator carries the effect."""
    return {
        "source_missing": _SOURCE_VALUES,
        "source_unrated": _SOURCE_VALUES,
        **{f"signal_{name}_missing": (f"signal_{name}",) for name in signal_names()},
        "claims_missing": ("claims_max_checkworthiness", "claims_share"),
        "factchecks_missing": ("factcheck_false", "factcheck_mixed", "factcheck_true"),
    }


def impute(values: dict[str, float], means: dict[str, float]) -> dict[str, float]:
    """``values`` with every value feature whose evidence is missing set to its training mean."""
    out = dict(values)
    for indicator, names in missing_groups().items():
        if values.get(indicator, 0.0):
            for name in names:
                if name in means:
                    out[name] = means[name]
    return out


def observed_means(rows: list[dict[str, float]], names: tuple[str, ...]) -> dict[str, float]:
    """Each feature's mean over the rows where its evidence was present (0 when it never was)."""
    missing_for: dict[str, list[str]] = {}
    for indicator, group in missing_groups().items():
        for name in group:
            missing_for.setdefault(name, []).append(indicator)
    means: dict[str, float] = {}
    for name in names:
        indicators = missing_for.get(name, [])
        present = [r.get(name, 0.0) for r in rows if not any(r.get(i, 0.0) for i in indicators)]
        means[name] = sum(present) / len(present) if present else 0.0
    return means


def verdict_family(verdict: str) -> str:
    """``false``, ``mixed``, ``true`` or ``other`` for a fact-check verdict (off factsift's scale: ``other``)."""
    return VERDICT_FAMILIES.get(verdict, "other")


def word_count(report: Report) -> int:
    """Words in the cleaned body (what "short text" is measured in)."""
    return _words_in(report.article.text)


@functools.lru_cache(maxsize=8)
def _words_in(text: str) -> int:
    """How many whitespace-separated words ``text`` has (remembered: the risk stage asks for one body's
    count several times)."""
    return len(text.split())


def match_evidence(match: FactCheckMatch) -> float:
    """What one match says about the article, from -1 to +1: verdict × stance × probability.

    An article asserting a claim rated false is evidence against the article (+); one refuting it, or
    asserting a claim rated true, is evidence for it (-); a review without a verdict of known direction
    says nothing.  A review published after the article counts ``AFTER_ARTICLE_WEIGHT`` of one published
    before it (then the claim was known to be checked when the article ran)."""
    key = verdict_family(match.verdict) if match.verdict not in VERDICT_DIRECTION else match.verdict
    verdict = VERDICT_DIRECTION.get(key, 0.0)
    dated = AFTER_ARTICLE_WEIGHT if match.before_article is False else 1.0
    return verdict * direction(match.stance) * match.probability * dated


def strongest_matches(report: Report) -> tuple[FactCheckMatch | None, FactCheckMatch | None]:
    """The match giving the most evidence against the article and the one giving the most for it (or None)."""
    scored = [(match_evidence(m), m) for m in report.factchecks]
    up = max((pair for pair in scored if pair[0] > 0), key=lambda pair: pair[0], default=None)
    down = min((pair for pair in scored if pair[0] < 0), key=lambda pair: pair[0], default=None)
    return (up[1] if up else None), (down[1] if down else None)


def _best(matches: list[FactCheckMatch], family: str) -> float:
    scores = [m.score for m in matches if verdict_family(m.verdict) == family]
    return max(scores, default=0.0)


def evidence_features(report: Report) -> dict[str, float]:
    """The named evidence features of one report (the text model's logit is added by the scorer)."""
    ran = set(report.stages)
    features: dict[str, float] = dict.fromkeys(evidence_feature_names(), 0.0)

    source = report.source
    if "sources" not in ran or source is None:
        features["source_missing"] = 1.0
    elif source.label == "unrated" or source.score is None:
        features["source_unrated"] = 1.0
    else:
        features["source_score"] = min(1.0, max(0.0, source.score)) - 0.5
        features["source_unreliable"] = float(source.label == "unreliable")
        features["source_mixed"] = float(source.label == "mixed")

    for name in signal_names():
        signal = report.signal(name)
        if signal is None or signal.error is not None:
            features[f"signal_{name}_missing"] = 1.0
        else:
            features[f"signal_{name}"] = min(1.0, max(0.0, signal.score))

    if "claims" not in ran:
        features["claims_missing"] = 1.0
    else:
        body_claims = [c for c in report.claims if c.span.field == "text"]  # as the model was trained: no headline
        features["claims_max_checkworthiness"] = max((c.checkworthiness for c in body_claims), default=0.0)
        features["claims_share"] = len(body_claims) / max(1, len(report.article.sentences))

    if "factchecks" not in ran:
        features["factchecks_missing"] = 1.0
    else:
        features["factcheck_false"] = _best(report.factchecks, "false")
        features["factcheck_mixed"] = _best(report.factchecks, "mixed")
        features["factcheck_true"] = _best(report.factchecks, "true")
        up, down = strongest_matches(report)
        features[FACTCHECK_UP] = match_evidence(up) if up is not None else 0.0
        features[FACTCHECK_DOWN] = match_evidence(down) if down is not None else 0.0

    features["length"] = min(1.0, math.log1p(word_count(report)) / math.log(2000))
    return features


def decisive_factcheck(report: Report) -> FactCheckMatch | None:
    """The match that decides the score: a probable match (at least ``CLOSE_MATCH``) of a claim rated false or
    mostly false that the article asserts, unless a match pointing the other way weighs more."""
    up, down = strongest_matches(report)
    if up is None or up.probability < CLOSE_MATCH or direction(up.stance) < DECISIVE_STANCE:
        return None
    if down is not None and -match_evidence(down) >= match_evidence(up):
        return None
    return up if verdict_family(up.verdict) == "false" else None
