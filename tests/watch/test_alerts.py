"""Alert rules: each condition fires on what it names and stays quiet otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from factsift.watch.alerts import alert_id, evaluate, raise_alerts
from factsift.watch.config import RuleConfig
from factsift.watch.store import PendingItem


def report(**overrides: Any) -> dict[str, Any]:
    """A plain report dict: low risk, a reliable outlet, one harmless claim, no fact-check match."""
    base: dict[str, Any] = {
        "article": {"title": "Council approves park budget", "outlet": {"domain": "example.org"}},
        "source": {"label": "reliable"},
        "claims": [{"text": "The council approved a budget of 4 million dollars for parks."}],
        "factchecks": [],
        "risk": {"score": 0.05, "label": "low"},
    }
    base.update(overrides)
    return base


FALSE_MATCH = {"claim_index": 0, "review_id": "r1", "verdict": "false", "claim_reviewed": "The mayor sold it."}


def never_seen(review: str) -> int:
    return 1


@pytest.mark.parametrize(
    ("rule", "fires_on", "quiet_on"),
    [
        (RuleConfig("r", risk_at_least="elevated"), report(risk={"score": 0.7, "label": "high"}), report()),
        (RuleConfig("r", min_score=0.5), report(risk={"score": 0.6, "label": "elevated"}), report()),
        (
            RuleConfig("r", factcheck_verdicts=("false",)),
            report(factchecks=[FALSE_MATCH]),
            report(factchecks=[{**FALSE_MATCH, "verdict": "true"}]),
        ),
        (RuleConfig("r", outlet_labels=("unreliable",)), report(source={"label": "unreliable"}), report()),
        (
            RuleConfig("r", keywords=("vaccine",)),
            report(claims=[{"text": "The vaccine was withdrawn, officials said."}]),
            report(claims=[{"text": "Vaccinated staff were thanked."}]),
        ),
    ],
)
def test_each_condition(rule: RuleConfig, fires_on: dict[str, Any], quiet_on: dict[str, Any]) -> None:
    fired = evaluate(rule, fires_on, "g1", never_seen)
    assert fired is not None and fired.reasons and fired.story == "g1"
    assert evaluate(rule, quiet_on, "g1", never_seen) is None


def test_every_condition_of_a_rule_must_hold() -> None:
    rule = RuleConfig("r", outlet_labels=("unreliable",), keywords=("reservoir",))
    assert evaluate(rule, report(source={"label": "unreliable"}), "g", never_seen) is None
    both = report(source={"label": "unreliable"}, claims=[{"text": "The reservoir was sold."}])
    assert evaluate(rule, both, "g", never_seen) is not None


def test_repeated_claim_alerts_once_per_fact_check_when_it_reaches_n() -> None:
    rule = RuleConfig("again", repeated=3)
    seen = report(factchecks=[FALSE_MATCH])
    assert evaluate(rule, seen, "g1", lambda review: 2) is None
    third = evaluate(rule, seen, "g1", lambda review: 3)
    fourth = evaluate(rule, seen, "g2", lambda review: 4)
    assert third is not None and fourth is not None
    assert third.story == fourth.story == "factcheck:r1"  # same story: the same alert id, sent once


def test_alert_payload_links_to_the_analysis_and_has_a_stable_id() -> None:
    item = PendingItem("k", "https://example.org/x", "https://example.org/feed", "X", None, 0)
    alerts = raise_alerts(
        [RuleConfig("risky", risk_at_least="high"), RuleConfig("quiet", outlet_labels=("unreliable",))],
        report(risk={"score": 0.9, "label": "high"}),
        article_id="abc",
        item=item,
        group_id="g9",
        outlets=["example.org", "copy.example"],
        match_count=never_seen,
        base_url="http://127.0.0.1:8000/",
        now=0.0,
    )
    assert [a.rule for a in alerts] == ["risky"]
    payload = alerts[0].payload
    assert payload["link"] == "http://127.0.0.1:8000/a/abc" and payload["outlets"] == ["example.org", "copy.example"]
    assert alerts[0].id == alert_id("risky", "g9") != alert_id("risky", "g10")
