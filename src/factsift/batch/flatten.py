"""Flatten a report into one row of analysis columns (the Parquet output).

Columns are computed from the report's JSON form generically: a column whose stage did not
run (not installed, or failed) is null rather than a made-up default.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

#: Verdict scale of the fact-check store, worst first; unknown verdicts rank after these.
VERDICT_ORDER = ("false", "mostly-false", "mixed", "mostly-true", "true")
#: A signal counts as a warning sign shown in ``top_signals`` from this score on.
SIGNAL_THRESHOLD = 0.5
TOP_SIGNALS = 3

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("domain", pa.string()),
        ("language", pa.string()),
        ("sentences", pa.int32()),
        ("source_score", pa.float64()),
        ("source_label", pa.string()),
        ("risk_score", pa.float64()),
        ("risk_label", pa.string()),
        ("top_signals", pa.list_(pa.string())),
        ("signal_scores", pa.string()),
        ("claims", pa.int32()),
        ("factcheck_matches", pa.int32()),
        ("worst_verdict", pa.string()),
        ("stages", pa.list_(pa.string())),
        ("stage_errors", pa.string()),
        ("error", pa.string()),
        ("extra", pa.string()),
    ]
)


def worst_verdict(verdicts: list[str]) -> str | None:
    """The most damning verdict among matched fact-checks (false < mostly-false < … < true < other)."""
    if not verdicts:
        return None

    def rank(verdict: str) -> int:
        key = verdict.strip().lower()
        return VERDICT_ORDER.index(key) if key in VERDICT_ORDER else len(VERDICT_ORDER)

    return min(verdicts, key=rank)


def _ran(report: dict[str, Any], stage: str) -> bool:
    return stage in (report.get("stages") or [])


def _signals(report: dict[str, Any]) -> tuple[list[str] | None, str | None]:
    if not _ran(report, "signals"):
        return None, None
    scored = [s for s in report.get("signals") or [] if isinstance(s.get("score"), int | float) and not s.get("error")]
    scored.sort(key=lambda s: -float(s["score"]))
    top = [str(s["name"]) for s in scored if float(s["score"]) >= SIGNAL_THRESHOLD][:TOP_SIGNALS]
    scores = {str(s["name"]): round(float(s["score"]), 4) for s in scored}
    return top, json.dumps(scores, sort_keys=True)


def flatten_row(row: dict[str, Any]) -> dict[str, Any]:
    """One Parquet row (see ``SCHEMA``) from one output row (a report or an error)."""
    flat: dict[str, Any] = dict.fromkeys(SCHEMA.names)
    flat["id"] = row["id"]
    flat["extra"] = json.dumps(row.get("extra") or {}, ensure_ascii=False, sort_keys=True, default=str)
    report = row.get("report")
    if report is None:
        flat["error"] = row.get("error")
        flat["url"] = row.get("url")
        return flat
    article = report.get("article") or {}
    outlet = article.get("outlet") or {}
    flat.update(
        url=(report.get("input") or {}).get("url"),
        title=article.get("title"),
        outlet=outlet.get("name") or outlet.get("domain"),
        domain=outlet.get("domain"),
        language=article.get("language"),
        sentences=len(article.get("sentences") or []),
        stages=list(report.get("stages") or []),
        stage_errors=json.dumps(report["errors"], ensure_ascii=False) if report.get("errors") else None,
    )
    source = report.get("source")
    if source is not None:
        flat["source_score"] = source.get("score")
        flat["source_label"] = source.get("label")
    risk = report.get("risk")
    if risk is not None:
        flat["risk_score"] = risk.get("score")
        flat["risk_label"] = risk.get("label")
    flat["top_signals"], flat["signal_scores"] = _signals(report)
    if _ran(report, "claims"):
        flat["claims"] = len(report.get("claims") or [])
    if _ran(report, "factchecks"):
        matches = report.get("factchecks") or []
        flat["factcheck_matches"] = len(matches)
        flat["worst_verdict"] = worst_verdict([str(m["verdict"]) for m in matches if m.get("verdict")])
    return flat
