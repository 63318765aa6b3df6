"""Turn the model's log-odds into the report's ``risk``: score, label, contributions, caveats, summary.

Three rules sit on top of the calibrated model, each stated in the output when it fires:

* **Thin evidence** — a short text from an unrated (or unchecked) outlet with no fact-check match:
  every share is scaled by ``words / THIN_WORDS`` (at least ``MIN_SHRINK``), pulling the score toward
  the model's base score, and the caveats say so.
* **Fact-check evidence** — each match gives verdict × stance × probability (features.match_evidence):
  the strongest match each way moves the log-odds by ``FACTCHECK_LOG_ODDS`` times its evidence (an
  article asserting a claim rated false goes up, one refuting it goes down).  A probable match (≥
  ``CLOSE_MATCH``) rated false that the article asserts also lifts the score to at least
  ``DECISIVE_FLOOR``; the summary then names it.  A style model does not know the truth; a fact-check
  about the same claim does.  These weights are stated, not learned: the training articles have no
  fact-checks.
* **Coverage evidence** — what other outlets in the archive said about the claims (:mod:`factsift.coverage.evidence`):
  reliable outlets reporting the opposite raise the log-odds, reliable outlets reporting the same lower it, a
  first claim no one else reports raises it slightly when the archive is big enough for the dates.  Stated,
  not learned, for the same reason: there is no archive around the training articles.
* **Contributions** — the model is linear in log-odds, so each piece of evidence has an exact share
  of the log-odds; shares are turned into probability points with one common factor (the secant of
  the logistic curve between the base score and the final score), so the effects add up exactly to
  ``score - base score``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from factsift.coverage.evidence import CoverageEvidence, coverage_evidence, thin_archive_caveat
from factsift.ml.logistic import logit, sigmoid
from factsift.model import Contribution, FactCheckMatch, Report, Risk, RiskModelInfo
from factsift.scoring.features import (
    CLOSE_MATCH,
    FACTCHECK_DOWN,
    FACTCHECK_UP,
    TEXT_FEATURE,
    decisive_factcheck,
    evidence_features,
    signal_names,
    strongest_matches,
    verdict_family,
    warning_signs,
    word_count,
)
from factsift.scoring.feedcalibration import FeedCalibration
from factsift.scoring.prior import prior_shift
from factsift.scoring.riskmodel import RiskModel
from factsift.scoring.textmodel import model_input

#: The decision threshold the benchmark reports accuracy at ("more likely misinformation than not").
DECISION_THRESHOLD = 0.5
#: Label thresholds on the calibrated score: low < LOW_BELOW ≤ elevated < HIGH_FROM ≤ high.
#: "high" starts where misinformation becomes more likely than not, the benchmark's decision threshold.
LOW_BELOW = 0.35
HIGH_FROM = DECISION_THRESHOLD
#: A close false fact-check match lifts the score to at least this.
DECISIVE_FLOOR = 0.9
#: Log-odds per unit of fact-check evidence (verdict × stance × probability): a certain match of a claim
#: rated false that the article plainly asserts multiplies the odds by e^5 ≈ 150.
FACTCHECK_LOG_ODDS = 5.0
#: Below this many words (with no outlet rating and no fact-check match) evidence counts as thin.
THIN_WORDS = 100
#: The least share thin evidence keeps (ten words or fewer): a one-line input says next to nothing, so it
#: scores within a point or two of the base score (issue 24: one-liners were read as elevated at 0.3).
MIN_SHRINK = 0.1
#: Below this many words a "short text" caveat is given.
SHORT_WORDS = 150
#: The share of the log-odds that moves the score to a base rate the user gave.
BASE_RATE_SHARE = "base_rate"
#: The share of the log-odds that a feed calibration (``--calibration``) adds.
FEED_SHARE = "feed_calibration"
#: The share of the log-odds that coverage by other outlets adds (stated weights, see factsift.coverage.evidence).
COVERAGE_SHARE = "coverage_evidence"
#: The note of a warning sign whose learned weight is zero.
NO_INFORMATION = (
    "carries no information in this model: it did not separate misinformation from other articles "
    "once the outlet and the wording were known, so it does not move the score"
)


def label_for(score: float) -> str:
    """``low``, ``elevated`` or ``high`` for a calibrated score (thresholds above)."""
    if score >= HIGH_FROM:
        return "high"
    if score >= LOW_BELOW:
        return "elevated"
    return "low"


def shrink_factor(report: Report, values: dict[str, float]) -> float:
    """1.0 when there is enough evidence; less for a short text with no rating and no fact-check match."""
    rated = values.get("source_missing", 1.0) == 0.0 and values.get("source_unrated", 0.0) == 0.0
    if rated or report.factchecks:
        return 1.0
    words = word_count(report)
    if words >= THIN_WORDS:
        return 1.0
    return max(MIN_SHRINK, words / THIN_WORDS)


def final_log_odds(
    model: RiskModel,
    values: dict[str, float],
    shrink: float = 1.0,
    decisive: bool = False,
    base_rate: float | None = None,
    calibration: FeedCalibration | None = None,
    coverage: float | None = None,
) -> tuple[float, dict[str, float]]:
    """The log-odds after the thin-evidence (``shrink`` < 1), base-rate and decisive-fact-check rules,
    and each share of it.

    A feed ``calibration`` (:mod:`.feedcalibration`) maps the model's log-odds ``z`` to
    ``slope * z + shift`` (share ``feed_calibration``).  A known ``base_rate`` moves the log-odds by
    ``logit(base_rate) - logit(model.base_rate)`` (Bayes' prior correction, share ``base_rate``); it
    is not shrunk, since it is about the feed, not the article.  A decisive fact-check still lifts the
    result to ``DECISIVE_FLOOR``.  The shares (plus ``base_rate``, ``factcheck_evidence`` and
    ``factcheck_rule`` when they apply) add up to ``result - model.base_log_odds``.  Fact-check
    evidence is not shrunk either: it is about the claims; nor is ``coverage`` (the log-odds of
    :func:`factsift.coverage.evidence.coverage_evidence`, share ``coverage_evidence``).
    """
    shares = model.shares(values)
    if shrink < 1.0:
        shares = {name: share * shrink for name, share in shares.items()}
    if calibration is not None:  # z' = slope * z + shift, spread over the shares and one share of its own
        shares = {name: share * calibration.slope for name, share in shares.items()}
        shares[FEED_SHARE] = (calibration.slope - 1.0) * model.base_log_odds + calibration.shift
    if base_rate is not None:
        shares[BASE_RATE_SHARE] = prior_shift(base_rate, model.base_rate)
    evidence = values.get(FACTCHECK_UP, 0.0) + values.get(FACTCHECK_DOWN, 0.0)
    if evidence:
        shares["factcheck_evidence"] = FACTCHECK_LOG_ODDS * evidence
    if coverage is not None:  # a coverage search was made (its row shows even when it moved nothing)
        shares[COVERAGE_SHARE] = coverage
    z = model.base_log_odds + sum(shares.values())
    if decisive and z < logit(DECISIVE_FLOOR):
        shares["factcheck_rule"] = logit(DECISIVE_FLOOR) - z
        z = logit(DECISIVE_FLOOR)
    return z, shares


def feature_values(model: RiskModel, report: Report) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Every feature value the model needs for this report (the text model's logit included),
    and the terms that moved the text model most."""
    values = evidence_features(report)
    top: list[tuple[str, float]] = []
    if model.text is not None and TEXT_FEATURE in model.features:
        document = model_input(report.article.title, report.article.text)
        values[TEXT_FEATURE], top = model.text.explain(document, 8)
    return values, top


@dataclass(frozen=True)
class _Group:
    evidence: str
    features: tuple[str, ...]
    describe: Callable[[Report, dict[str, float]], Any]


def _source_value(report: Report, values: dict[str, float]) -> Any:
    source = report.source
    if values.get("source_missing"):
        return "not checked"
    if source is None or values.get("source_unrated"):
        domain = source.domain if source is not None else None
        return f"unrated ({domain})" if domain else "unrated"
    score = f" {source.score:.2f}" if source.score is not None else ""
    return f"{source.label}{score} ({source.domain or source.name or 'outlet'})"


def _signal_value(name: str) -> Callable[[Report, dict[str, float]], Any]:
    def describe(report: Report, values: dict[str, float]) -> Any:
        if values.get(f"signal_{name}_missing"):
            return "not checked"
        return round(values.get(f"signal_{name}", 0.0), 3)

    return describe


def _claims_value(report: Report, values: dict[str, float]) -> Any:
    if values.get("claims_missing"):
        return "not checked"
    return f"{len(report.claims)} check-worthy (max {values.get('claims_max_checkworthiness', 0.0):.2f})"


STANCE_WORDS = {
    "agree": "asserts it",
    "disagree": "refutes it",
    "discuss": "reports it",
    "unrelated": "does not address it",
}


def describe_match(match: FactCheckMatch) -> str:
    """One match as the risk breakdown and the summary name it: publisher, claim, verdict, stance, probability."""
    who = f"{match.publisher}: " if match.publisher else ""
    stance = f", the article {STANCE_WORDS[match.stance.label]}" if match.stance is not None else ""
    return f"{who}“{match.claim_reviewed}” rated {match.verdict}{stance} (match {match.probability:.2f})"


def factcheck_mover(report: Report, values: dict[str, float]) -> FactCheckMatch | None:
    """The match the fact-check row names: the strongest one in the direction the fact-check evidence moved."""
    up, down = strongest_matches(report)
    if values.get(FACTCHECK_UP, 0.0) + values.get(FACTCHECK_DOWN, 0.0) < 0:
        return down
    return up or down


def _factcheck_value(report: Report, values: dict[str, float]) -> Any:
    if values.get("factchecks_missing"):
        return "not checked"
    if not report.factchecks:
        return "no match"
    mover = factcheck_mover(report, values)
    if mover is None:
        return f"{len(report.factchecks)} match(es), none with a verdict that points either way"
    return describe_match(mover)


def _coverage_value(report: Report, values: dict[str, float]) -> Any:
    evidence = coverage_evidence(report)
    return evidence.describe() if evidence is not None else "not checked"


def _text_value(top_terms: list[tuple[str, float]]) -> Callable[[Report, dict[str, float]], Any]:
    def describe(report: Report, values: dict[str, float]) -> Any:
        up = [term for term, share in top_terms if share > 0][:4]
        return "text model: " + ", ".join(f"“{t}”" for t in up) if up else "text model"

    return describe


def _groups(top_terms: list[tuple[str, float]]) -> list[_Group]:
    groups = [
        _Group(
            "outlet rating",
            ("source_missing", "source_unrated", "source_score", "source_unreliable", "source_mixed"),
            _source_value,
        ),
        _Group(
            "fact-checks",
            (
                "factchecks_missing",
                "factcheck_false",
                "factcheck_mixed",
                "factcheck_true",
                "factcheck_evidence",
                "factcheck_rule",
            ),
            _factcheck_value,
        ),
    ]
    groups += [
        _Group(f"signal: {name.replace('_', ' ')}", (f"signal_{name}", f"signal_{name}_missing"), _signal_value(name))
        for name in signal_names()
    ]
    groups += [
        _Group("coverage", (COVERAGE_SHARE,), _coverage_value),
        _Group("claims", ("claims_missing", "claims_max_checkworthiness", "claims_share"), _claims_value),
        _Group("wording", (TEXT_FEATURE,), _text_value(top_terms)),
        _Group("length", ("length",), lambda report, values: f"{word_count(report)} words"),
    ]
    return groups


def contributions(
    model: RiskModel,
    report: Report,
    values: dict[str, float],
    shares: dict[str, float],
    z: float,
    top_terms: list[tuple[str, float]] | None = None,
) -> list[Contribution]:
    """Evidence items with their effect in probability (0.12 = +12 points), largest first; they sum to score - base."""
    z0 = model.base_log_odds
    p, p0 = sigmoid(z), sigmoid(z0)
    slope = (p - p0) / (z - z0) if abs(z - z0) > 1e-9 else p0 * (1 - p0)
    weight = dict(zip(model.features, model.weights, strict=True))
    warning = frozenset(warning_signs())
    items: list[Contribution] = []
    for group in _groups(top_terms or []):
        share = sum(shares.get(name, 0.0) for name in group.features)
        in_model = any(name in model.features or name in shares for name in group.features) or (
            "factcheck_rule" in shares
        )
        value = group.describe(report, values)
        if not in_model or (abs(share) < 1e-9 and value == "not checked"):
            continue
        note = None
        signs = [name for name in group.features if name in warning]
        if signs and all(weight.get(name, 0.0) == 0.0 for name in signs) and value != "not checked":
            note = NO_INFORMATION
        items.append(Contribution(evidence=group.evidence, value=value, effect=round(share * slope, 4), note=note))
    if FEED_SHARE in shares:
        items.append(
            Contribution(
                evidence="feed calibration",
                value="fitted on your feed's labelled articles (--calibration)",
                effect=round(shares[FEED_SHARE] * slope, 4),
            )
        )
    if BASE_RATE_SHARE in shares:
        items.append(
            Contribution(
                evidence="base rate",
                value=f"set to {base_rate_text(sigmoid(logit(model.base_rate) + shares[BASE_RATE_SHARE]))} "
                f"(model assumes {base_rate_text(model.base_rate)})",
                effect=round(shares[BASE_RATE_SHARE] * slope, 4),
            )
        )
    items.sort(key=lambda c: abs(c.effect), reverse=True)
    return items


def caveats(
    model: RiskModel,
    report: Report,
    values: dict[str, float],
    shares: dict[str, float],
    shrink: float,
    coverage: CoverageEvidence | None = None,
) -> list[str]:
    """Plain statements of what the score is missing or leans on (``shrink``: see :func:`shrink_factor`)."""
    notes: list[str] = []
    if coverage is not None and coverage.thin:
        notes.append(thin_archive_caveat(coverage))
    words = word_count(report)
    source_weight = sum(abs(model.weights[model.features.index(n)]) for n in model.features if n.startswith("source_"))
    if values.get("source_missing"):
        notes.append("No outlet rating: the sources stage did not run or found no outlet.")
    elif values.get("source_unrated"):
        notes.append("The outlet is not in the rating tables, so its reliability is unknown.")
    elif source_weight == 0.0:
        notes.append("This model was trained without outlet ratings: the rating is shown but does not move the score.")
    if values.get("factchecks_missing"):
        notes.append("No fact-check search was made (the factchecks stage did not run).")
    elif not report.factchecks:
        notes.append("No matching fact-check in the store: nothing independent speaks to these claims.")
    if all(values.get(f"signal_{name}_missing") for name in signal_names()):
        notes.append("Writing signals were not computed.")
    if words < SHORT_WORDS:
        notes.append(f"Short text ({words} words): little to go on.")
    base = sigmoid(model.base_log_odds + shares.get(BASE_RATE_SHARE, 0.0))
    if shrink < 1.0:
        notes.append(f"Evidence is thin, so the score was pulled toward the base score ({base:.0%}).")
    if FEED_SHARE in shares:
        notes.append(
            "Calibrated on labelled articles of your feed (--calibration): the score's confidence is fitted "
            "to that feed, not to the training datasets."
        )
    if BASE_RATE_SHARE in shares:
        notes.append(base_rate_set_note(model, sigmoid(logit(model.base_rate) + shares[BASE_RATE_SHARE])))
    else:
        notes.append(base_rate_note(model))
    text_share = abs(shares.get(TEXT_FEATURE, 0.0))
    total = sum(abs(s) for s in shares.values())
    if total > 0 and text_share / total > 0.5 and "factcheck_rule" not in shares:
        notes.append(
            "Most of this score comes from wording alone: a style model trained on 2016–2018 US political news "
            "does not check facts and generalises poorly to other outlets and topics."
        )
    return notes


def base_rate_note(model: RiskModel) -> str:
    """The share of misinformation the calibration assumes: the score means "out of articles like this,
    in a collection where this share is misinformation", and is too high where misinformation is rarer."""
    return (
        f"Calibrated for collections in which about {model.base_rate:.0%} of articles are misinformation "
        "(the training datasets weighted equally); where it is rarer, as in most news, the true chance is lower."
    )


def base_rate_text(rate: float) -> str:
    """A base rate as a short number: 0.05, 0.5, 0.0123."""
    return f"{rate:.3g}"


def base_rate_set_note(model: RiskModel, rate: float) -> str:
    """The caveat when the user gave the feed's base rate."""
    return (
        f"Base rate set to {base_rate_text(rate)}: the score was moved by Bayes' rule from the model's assumed "
        f"{base_rate_text(model.base_rate)} to a feed in which that share of articles is misinformation."
    )


def _mover(item: Contribution, points: str) -> str:
    """One mover as the summary names it; a fact-check names its review, as the breakdown's row does."""
    if item.evidence == "fact-checks":
        return f"{item.evidence} ({points} pts: {item.value})"
    return f"{item.evidence} ({points} pts)"


def summary_line(
    score: float, label: str, items: list[Contribution], report: Report, thin: bool, base_rate: float | None = None
) -> str:
    """One plain-language sentence: the score, the largest movers each way, and how far to trust it."""
    head = f"{label.capitalize()} risk ({score:.0%}) that this article is misinformation"
    if base_rate is not None:
        head += f" (base rate set to {base_rate_text(base_rate)})"
    items = [c for c in items if c.evidence not in ("base rate", "feed calibration")]
    decisive = decisive_factcheck(report)
    if decisive is not None:
        return (
            f"{head}: a fact-check of the same claim ({describe_match(decisive)}) decides the score "
            "whatever the writing style."
        )
    up = [c for c in items if c.effect > 0.005][:2]
    down = [c for c in items if c.effect < -0.005][:2]
    if up:
        head += ", mainly from " + " and ".join(_mover(c, f"+{c.effect * 100:.0f}") for c in up)
    if down:
        head += (
            ("; " if up else ", ") + "kept down by " + " and ".join(_mover(c, f"{c.effect * 100:.0f}") for c in down)
        )
    if thin:
        head += "; the evidence is thin, so treat it as a weak hint"
    return head + "."


def assess(
    model: RiskModel, report: Report, base_rate: float | None = None, calibration: FeedCalibration | None = None
) -> Risk:
    """The full ``risk`` section for an analysed report; ``base_rate``: the feed's share of misinformation,
    if known (None keeps the model's assumed one); ``calibration``: a fit on the feed's labelled articles."""
    values, top_terms = feature_values(model, report)
    shrink = shrink_factor(report, values)
    decisive = decisive_factcheck(report) is not None
    coverage = coverage_evidence(report)
    coverage_log_odds = coverage.log_odds if coverage is not None else None
    z, shares = final_log_odds(model, values, shrink, decisive, base_rate, calibration, coverage_log_odds)
    score = sigmoid(z)
    label = label_for(score)
    items = contributions(model, report, values, shares, z, top_terms)
    notes = caveats(model, report, values, shares, shrink, coverage)
    thin = shrink < 1.0 or (
        bool(values.get("source_missing") or values.get("source_unrated")) and not report.factchecks
    )
    return Risk(
        score=round(score, 4),
        label=label,  # type: ignore[arg-type]
        contributions=items,
        model=model_info(model),
        caveats=notes,
        summary=summary_line(score, label, items, report, thin, base_rate),
    )


def model_info(model: RiskModel) -> RiskModelInfo:
    """The ``risk.model`` block: which model, trained on what."""
    return RiskModelInfo(name=model.name, trained_on=model.trained_on, version=model.version)


__all__ = [
    "CLOSE_MATCH",
    "DECISION_THRESHOLD",
    "HIGH_FROM",
    "LOW_BELOW",
    "assess",
    "label_for",
    "verdict_family",
]
