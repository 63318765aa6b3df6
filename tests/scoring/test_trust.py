"""Issue 24 on the risk side: warning signs never lower the risk, fact-check evidence follows verdict × stance ×
probability, the summary names movers both ways, and a feed calibration is fitted, stored and applied."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factsift import analyse
from factsift.errors import InputError
from factsift.ml.logistic import logit, sigmoid
from factsift.model import FactCheckMatch, MatchStance
from factsift.options import Options
from factsift.scoring.explain import NO_INFORMATION, assess
from factsift.scoring.features import match_evidence, signal_names
from factsift.scoring.feedcalibration import (
    FeedCalibration,
    fit_feed_calibration,
    read_calibration,
    write_calibration,
)
from factsift.scoring.riskmodel import RiskModel, load_model

from .conftest import make_report, quiet_signals

LABELS = ("agree", "disagree", "discuss", "unrelated")


def stance(label: str, confidence: float = 0.9) -> MatchStance:
    rest = (1 - confidence) / 3
    return MatchStance(label=label, scores={name: confidence if name == label else rest for name in LABELS})  # type: ignore[arg-type]


def match(verdict: str, probability: float, label: str | None, claim: str = "The budget doubled") -> FactCheckMatch:
    return FactCheckMatch(
        claim_index=0,
        score=probability,
        probability=probability,
        claim_reviewed=claim,
        verdict=verdict,
        publisher="Checker",
        stance=stance(label) if label else None,
        shown=label in (None, "agree", "discuss"),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    signals=st.fixed_dictionaries({name: st.floats(0.0, 1.0) for name in signal_names()}),
    source=st.sampled_from([None, ("reliable", 0.9), ("mixed", 0.5), ("unreliable", 0.1)]),
    words=st.integers(5, 400),
    shipped=st.booleans(),
)
def test_no_warning_sign_ever_has_a_negative_effect(
    model: RiskModel, signals: dict[str, float], source: tuple[str, float] | None, words: int, shipped: bool
) -> None:
    """Over generated reports, with the hand-made and the shipped model: every warning sign's effect is >= 0."""
    body = " ".join(["The council met on Tuesday and approved the plan."] * (words // 9 + 1))
    report = make_report(
        body=body,
        signals=signals,
        source_label=source[0] if source else None,
        source_score=source[1] if source else None,
    )
    risk = assess(load_model() if shipped else model, report)
    signs = [c for c in risk.contributions if c.evidence.startswith("signal:")]
    assert signs and all(c.effect >= 0 for c in signs)


def test_a_sign_without_weight_says_so_instead_of_zero(model: RiskModel) -> None:
    risk = assess(model, make_report(signals=quiet_signals(missing_provenance=1.0)))
    row = next(c for c in risk.contributions if c.evidence == "signal: missing provenance")
    assert row.note == NO_INFORMATION and row.effect == 0
    weighted = next(c for c in risk.contributions if c.evidence == "signal: anonymous sourcing")
    assert weighted.note is None and weighted.effect > 0


def test_evidence_is_verdict_times_stance_times_probability() -> None:
    assert match_evidence(match("false", 0.9, "agree")) > 0.6  # repeating a false claim
    assert match_evidence(match("false", 0.9, "disagree")) < -0.6  # refuting it
    assert match_evidence(match("true", 0.9, "agree")) < -0.6  # asserting a true claim
    assert 0.3 < match_evidence(match("false", 0.9, "discuss")) < match_evidence(match("false", 0.9, "agree"))
    assert match_evidence(match("other", 0.9, "agree")) == 0  # "Unproven" points nowhere
    assert 0 < match_evidence(match("false", 0.3, "agree")) < match_evidence(match("false", 0.6, "agree"))


def test_refuting_a_false_claim_lowers_the_risk_and_is_named(model: RiskModel) -> None:
    plain = assess(model, make_report(source_label="mixed", source_score=0.5, signals=quiet_signals()))
    refuted = match("false", 0.9, "disagree", "Vaccines cause autism")
    debunk = assess(
        model, make_report(source_label="mixed", source_score=0.5, signals=quiet_signals(), factchecks=[refuted])
    )
    assert debunk.score < plain.score
    row = debunk.contributions[0]
    assert row.evidence == "fact-checks" and row.effect < 0
    assert "Vaccines cause autism" in str(row.value) and "refutes it" in str(row.value)
    assert (
        debunk.summary is not None and "decides" not in debunk.summary and "kept down by fact-checks" in debunk.summary
    )


def test_the_row_and_summary_name_the_review_that_decides(model: RiskModel) -> None:
    """A mostly-true review of another claim does not take the row from the false review that decides the score."""
    decisive = match("false", 0.9, "agree", "Russia joined U.S. strikes on ISIS")
    other = match("mostly-true", 0.95, "discuss", "The U.S. struck ISIS in Raqqa")
    risk = assess(model, make_report(source_label="reliable", source_score=0.9, factchecks=[other, decisive]))
    assert risk.score >= 0.9
    assert risk.contributions[0].evidence == "fact-checks"
    assert "Russia joined U.S. strikes on ISIS" in str(risk.contributions[0].value)
    assert risk.summary is not None and "Russia joined U.S. strikes on ISIS" in risk.summary


def test_summary_names_movers_in_both_directions(model: RiskModel) -> None:
    report = make_report(source_label="reliable", source_score=0.95, signals=quiet_signals(anonymous_sourcing=1.0))
    risk = assess(model, report)
    assert risk.summary is not None
    assert "mainly from signal: anonymous sourcing" in risk.summary and "kept down by outlet rating" in risk.summary


def test_feed_calibration_recovers_a_shifted_feed() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(0, 2, 400)
    y = (rng.random(400) < 1 / (1 + np.exp(-(0.7 * z - 1.5)))).astype(int)
    fitted = fit_feed_calibration(z, y)
    assert fitted.shift == pytest.approx(-1.5, abs=0.4) and fitted.slope == pytest.approx(0.7, abs=0.15)
    few = fit_feed_calibration(z[:25], y[:25])  # few labels: held near the shipped model's slope
    assert abs(few.slope - 1) < abs(fitted.slope - 1) + 0.2
    with pytest.raises(InputError):
        fit_feed_calibration(z[:5], y[:5])
    with pytest.raises(InputError):
        fit_feed_calibration(z[:40], np.zeros(40, dtype=int))


def test_feed_calibration_file_round_trip_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    write_calibration(FeedCalibration(0.8, -1.2, 50, 9, "m"), path)
    assert read_calibration(path) == FeedCalibration(0.8, -1.2, 50, 9, "m")
    (tmp_path / "bad.json").write_text(json.dumps({"format": "other"}))
    for bad in (tmp_path / "bad.json", tmp_path / "missing.json", tmp_path):
        with pytest.raises(InputError):
            read_calibration(bad)
    with pytest.raises(InputError):
        Options(calibration=tmp_path / "bad.json")
    with pytest.raises(InputError):
        Options(calibration=path, base_rate=0.1)


def test_feed_calibration_maps_the_log_odds_and_keeps_contributions_exact(model: RiskModel) -> None:
    report = make_report(source_label="mixed", source_score=0.5, signals=quiet_signals(loaded_language=0.7))
    plain = assess(model, report)
    calibration = FeedCalibration(slope=0.6, shift=-1.0, labels=50, positives=10)
    moved = assess(model, report, calibration=calibration)
    assert moved.score == pytest.approx(sigmoid(0.6 * logit(plain.score) - 1.0), abs=2e-4)
    assert sum(c.effect for c in moved.contributions) == pytest.approx(
        moved.score - sigmoid(model.base_log_odds), abs=2e-3
    )
    assert any(c.evidence == "feed calibration" for c in moved.contributions)
    assert any("your feed" in note for note in moved.caveats)


MMR_REPORT = (
    "Large Danish study finds no link between MMR vaccine and autism\n\n"
    "By Maria Lindqvist, health correspondent. Published 5 March 2019.\n\n"
    "Children who received the measles, mumps and rubella (MMR) vaccine were no more likely to be diagnosed with "
    "autism than children who did not receive it, according to a study of 657,461 children born in Denmark between "
    "1999 and 2010. The study, led by Anders Hviid of the Statens Serum Institut in Copenhagen, was published on "
    "Tuesday in the Annals of Internal Medicine. The researchers followed the children for an average of eight years "
    "using national health registers and found 6,517 diagnoses of autism. The vaccine did not increase the risk in "
    "any subgroup, including children with a sibling with autism, the authors wrote. Hviid said in a statement that "
    "the study strongly supports that MMR vaccination does not increase the risk for autism. The findings agree with "
    "earlier reviews by the World Health Organization and the US Centers for Disease Control and Prevention."
)


#: The MMR report's subject words, each swapped for a word of another subject.
MMR_SUBJECT = {"vaccine": "budget", "vaccination": "budgeting", "autism": "deficit", "children": "households"}
MMR_SUBJECT |= {"MMR": "BBC", "measles": "taxes", "mumps": "fees", "rubella": "tolls"}


def test_a_well_sourced_report_on_a_contested_topic_is_not_flagged() -> None:
    """The shipped model reads wording as style and plain words, trained topic-balanced: the report is low, its
    wording does not raise the risk, and its subject words ("children", "vaccine", "autism" ...) move the
    wording's log-odds by less than a quarter (less than the wording of any report this long is shrunk by)."""
    report = analyse(text=MMR_REPORT, fast=True)
    assert report.risk is not None and report.risk.label == "low", report.risk
    wording = next(c for c in report.risk.contributions if c.evidence == "wording")
    assert wording.effect <= 0
    model = load_model()
    assert model.text is not None and model.text.config.style_words
    assert model.info["config"]["balance_topics"] == "lexicon"
    other_subject = MMR_REPORT
    for word, other in MMR_SUBJECT.items():
        other_subject = re.sub(rf"\b{word}\b", other, other_subject)
        other_subject = re.sub(rf"\b{word.capitalize()}\b", other.capitalize(), other_subject)
    assert "autism" not in other_subject.lower()
    subject_effect = model.text.logit(MMR_REPORT) - model.text.logit(other_subject)
    assert abs(subject_effect) < 0.25, subject_effect


#: One-line inputs of issue 24: each was read as "elevated" (38-42%) by its wording alone, with no store.
ONE_LINERS = ("Just a headline", "Vaccines do not cause autism.", "The weather in Paris was sunny in 2023.")


@pytest.mark.parametrize("text", ONE_LINERS)
def test_a_one_line_input_is_not_elevated_and_stays_near_the_base_score(text: str, tmp_path: Path) -> None:
    """Too short to judge: the wording's weight shrinks with length (n / (n + k)) and thin evidence keeps a
    tenth of its share, so the score stays within two points of the model's base score, below "elevated"."""
    report = analyse(text=text, fast=True, db=tmp_path / "absent.db")
    assert report.risk is not None and report.risk.label == "low", report.risk
    base = sigmoid(load_model().base_log_odds)
    assert abs(report.risk.score - base) <= 0.02, (report.risk.score, base)
    wording = next(c for c in report.risk.contributions if c.evidence == "wording")
    assert abs(wording.effect) <= 0.005


#: A wire report from an outlet rated reliable on a topic whose articles are often misinformation (election fraud).
AUDIT_REPORT = (
    "Audit of voting machines finds no evidence of fraud in county count\n\n"
    "By Daniel Ortega and Priya Raman\n\n"
    "PHOENIX (AP) - A hand count of more than 2.1 million ballots in Maricopa County found no evidence that voting "
    "machines changed votes, the county's election officials said on Friday. The audit, ordered by the county "
    "board of supervisors and carried out by two accredited firms, compared the machine tallies with paper "
    "ballots in every precinct and found differences of fewer than 300 votes in total, the report said. "
    '"The machines counted the ballots accurately," Bill Gates, the board\'s chairman, told reporters. '
    "Claims that the machines were rigged had circulated widely online after the election. The state's "
    "secretary of state, Katie Hobbs, said the findings matched an earlier review by the Justice Department, "
    "which also found no fraud that could have changed the result. The full report, about 120 pages long, "
    "was published on the county's website on Friday afternoon."
)


def test_a_reliable_article_on_a_contested_topic_is_low(tmp_path: Path) -> None:
    """Election fraud is a misinformation-prone topic in the training data; a sourced wire report of an audit,
    published by an outlet rated reliable, is low, and its wording (style only) adds at most a point."""
    url = "https://apnews.com/article/maricopa-audit"
    report = analyse(text=AUDIT_REPORT, url=url, fast=True, db=tmp_path / "absent.db")
    assert report.source is not None and report.source.label == "reliable"
    assert report.risk is not None and report.risk.label == "low" and report.risk.score < 0.2, report.risk
    wording = next(c for c in report.risk.contributions if c.evidence == "wording")
    assert wording.effect <= 0.01


#: Written for this test: a wire report of an audit that quotes and reports the loaded words of those who
#: disputed the election ("rigged", "a total fraud", "allegations that ...", "lawsuits alleging ...").
AUDIT_WITH_QUOTED_CLAIMS = (
    "State audit confirms election results, finds claims of fraud unfounded\n\n"
    "By Marcus Hale and Lena Ortiz\n\n"
    "ATLANTA (AP) - A statewide audit of the November election found no evidence that the results were wrong, "
    "state election officials said on Thursday, rejecting claims of fraud that circulated for weeks after the "
    "vote.\n\n"
    "Auditors recounted 5 million paper ballots by hand and found the machine count off by fewer than 1,300 votes. "
    'Former President Donald Trump said the election was "rigged" and called the audit a "total fraud" in a '
    "post on Wednesday, repeating allegations that voting machines had switched votes.\n\n"
    '"There is no evidence of any fraud that would change the outcome. The machines worked," said Gabriel '
    "Sterling, the state's voting system manager. He said the audit was the largest hand count in the state's "
    "history.\n\n"
    "Lawsuits alleging a rigged count were dismissed by state and federal courts, and the secretary of state's "
    "office published the full audit report on its website."
)


@pytest.mark.parametrize("text", [AUDIT_REPORT, AUDIT_WITH_QUOTED_CLAIMS], ids=["audit", "audit-quoting-claims"])
def test_a_reliable_report_quoting_loaded_words_is_not_high_without_its_url(text: str, tmp_path: Path) -> None:
    """Pasted with no URL (unknown outlet), a wire report that quotes or reports claims of a "rigged" election is
    not high: the words are the speakers', so the loaded-language sign finds nothing and adds nothing.  Before
    reported speech was skipped, these scored 53% (high) and 41% (elevated, loaded language +11 points)."""
    report = analyse(text=text, fast=True, db=tmp_path / "absent.db")
    assert report.risk is not None and report.risk.label != "high" and report.risk.score < 0.45, report.risk
    loaded = report.signal("loaded_language")
    assert loaded is not None and loaded.spans == [] and loaded.score == 0.0
    effect = next(c.effect for c in report.risk.contributions if c.evidence == "signal: loaded language")
    assert effect <= 0.005


def test_the_terminal_writes_out_why_a_sign_has_no_weight_once(model: RiskModel) -> None:
    from rich.console import Console

    from factsift.scoring.render import render

    report = make_report(signals=quiet_signals(missing_provenance=1.0, headline_body_mismatch=0.5))
    report.risk = assess(model, report)
    silent = [c for c in report.risk.contributions if c.note == NO_INFORMATION]
    assert len(silent) == 2  # both signs have no weight in this model
    console = Console(width=300, record=True)
    console.print(render(report))
    text = console.export_text()
    assert text.count("carries no information in this model") == 1 and text.count("no information either") == 1
