"""Alert rules over a report, and the alerts they raise (each with a stable id: once per rule and story).

A story is the near-duplicate group an article belongs to, so a wire story carried by forty outlets
raises one alert listing the outlets seen so far. For the ``repeated`` condition the story is the
recurring fact-checked claim itself: it alerts once, when the claim has come back N times.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from factsift.watch.config import RuleConfig
from factsift.watch.store import Alert, PendingItem

_RISK_RANK = {"low": 0, "elevated": 1, "high": 2}


def alert_id(rule: str, story: str) -> str:
    """The stable id of the alert ``rule`` raises for ``story``."""
    return hashlib.sha256(f"{rule}\n{story}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Match:
    """Why a rule fired: the reasons in words, and the story it fired for."""

    reasons: list[str]
    story: str


def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression matching any of the keywords as whole words."""
    return re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")\b", re.I)


def evaluate(
    rule: RuleConfig, report: dict[str, Any], group_id: str, match_count: Callable[[str], int]
) -> Match | None:
    """Whether ``rule`` fires on ``report`` (every condition it sets must hold), and why.

    ``match_count(review_id)`` is how many archived articles matched that fact-check, this one included.
    """
    reasons: list[str] = []
    story = group_id
    risk = report.get("risk") or {}
    if rule.risk_at_least is not None:
        label = risk.get("label")
        if label not in _RISK_RANK or _RISK_RANK[label] < _RISK_RANK[rule.risk_at_least]:
            return None
        reasons.append(f"risk {label} ({risk.get('score', 0):.2f})")
    if rule.min_score is not None:
        score = risk.get("score")
        if score is None or score < rule.min_score:
            return None
        reasons.append(f"risk score {score:.2f} ≥ {rule.min_score:.2f}")
    matches = report.get("factchecks") or []
    if rule.factcheck_verdicts:
        wanted = [m for m in matches if m.get("verdict") in rule.factcheck_verdicts]
        if not wanted:
            return None
        best = wanted[0]
        reasons.append(f'matches a fact-check rated {best.get("verdict")}: "{best.get("claim_reviewed")}"')
    source = report.get("source") or {}
    if rule.outlet_labels:
        if source.get("label") not in rule.outlet_labels:
            return None
        reasons.append(f"outlet rated {source.get('label')}")
    if rule.keywords:
        pattern = _keyword_pattern(rule.keywords)
        texts = [c.get("text", "") for c in report.get("claims") or []]
        texts.append((report.get("article") or {}).get("title") or "")
        found = sorted({m.group(0).lower() for text in texts for m in pattern.finditer(text)})
        if not found:
            return None
        reasons.append(f"claims mention {', '.join(found)}")
    if rule.repeated is not None:
        counts = {m["review_id"]: match_count(m["review_id"]) for m in matches if m.get("review_id")}
        recurring = [(count, review) for review, count in counts.items() if count >= rule.repeated]
        if not recurring:
            return None
        count, review = max(recurring)
        claim = next(m.get("claim_reviewed") for m in matches if m.get("review_id") == review)
        reasons.append(f'a fact-checked claim seen {count} times: "{claim}"')
        story = f"factcheck:{review}"
    return Match(reasons=reasons, story=story)


def raise_alerts(
    rules: list[RuleConfig],
    report: dict[str, Any],
    *,
    article_id: str,
    item: PendingItem,
    group_id: str,
    outlets: list[str],
    match_count: Callable[[str], int],
    base_url: str,
    now: float,
) -> list[Alert]:
    """The alerts ``rules`` raise for one archived article (the store drops those already raised)."""
    alerts = []
    article = report.get("article") or {}
    risk = report.get("risk") or {}
    for rule in rules:
        match = evaluate(rule, report, group_id, match_count)
        if match is None:
            continue
        identifier = alert_id(rule.name, match.story)
        payload = {
            "id": identifier,
            "rule": rule.name,
            "created": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "article_id": article_id,
            "link": f"{base_url.rstrip('/')}/a/{article_id}",
            "title": article.get("title") or item.title,
            "url": item.url,
            "feed": item.feed,
            "published": item.published or article.get("published"),
            "outlets": outlets,
            "outlet_label": (report.get("source") or {}).get("label"),
            "risk": {"score": risk.get("score"), "label": risk.get("label")},
            "reasons": match.reasons,
        }
        alerts.append(Alert(id=identifier, rule=rule.name, story=match.story, payload=payload))
    return alerts
