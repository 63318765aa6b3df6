"""Turn a stored report (``factsift.report/1`` JSON) into what the report page shows.

Everything is read generically from the JSON: a section whose stage did not run (no source, no
claims, no risk...) is simply absent, and spans from any stage are highlighted in place.
Nothing here produces HTML: the template escapes every value it prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from factsift.web.highlight import Mark, Segment, segments

SIGNAL_COLOURS = 6
#: Highlights one report page renders at most (the JSON report keeps them all): a hostile text with
#: 100,000 spans must not make a page that takes minutes to build and megabytes to send.
MAX_PAGE_MARKS = 2_000
#: Characters of a highlighted passage quoted in the notes under the text.
MAX_QUOTE_CHARS = 300

_VERDICT_CLASSES = (
    (
        "v-mixed",
        re.compile(
            r"\b(mislead|mixture|mixed|half|partly|partially|mostly false|exaggerat|unproven|"
            r"unsupported|missing context|out of context|distort|satire)",
            re.I,
        ),
    ),
    ("v-false", re.compile(r"\b(false|fake|pants on fire|incorrect|wrong|fabricat|hoax|scam|not true|baseless)", re.I)),
    ("v-true", re.compile(r"\b(true|correct|accurate|right)\b", re.I)),
)


def label_of(name: str) -> str:
    """A readable label for a machine name: ``anonymous_sourcing`` → ``Anonymous sourcing``."""
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def verdict_class(verdict: str | None) -> str:
    """A CSS class for a fact-check verdict badge (false, mixed, true or other)."""
    text = verdict or ""
    if re.search(r"\bmostly true\b", text, re.I):
        return "v-true"
    for css, pattern in _VERDICT_CLASSES:
        if pattern.search(text):
            return css
    return "v-other"


def safe_url(url: Any) -> str | None:
    """``url`` if it is an http(s) URL, else None (never link ``javascript:`` or other schemes)."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in {"http", "https"} else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def percent(value: Any) -> str:
    """A 0..1 number as a whole percentage (``0.734`` → ``73%``), or an empty string."""
    number = _number(value)
    return "" if number is None else f"{number * 100:.0f}%"


def short_value(value: Any) -> str:
    """A compact text form of any JSON value for tables (numbers rounded, lists joined)."""
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list):
        return ", ".join(short_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


@dataclass
class Bar:
    """One row of the contributions chart (SVG geometry on a 0..100 axis centred at 50)."""

    label: str
    value: str
    effect: float
    shown: str
    x: float
    width: float
    direction: str  # "up" raises the risk, "down" lowers it


@dataclass
class ClaimView:
    index: int
    mark_id: str | None
    text: str
    checkworthiness: str
    kind: str | None
    entities: list[str]
    standalone: str | None
    factchecks: list[dict[str, Any]]
    coverage: list[dict[str, Any]] = field(default_factory=list)
    coverage_summary: str | None = None


@dataclass
class SignalView:
    name: str
    label: str
    score: str
    explanation: str
    css: str
    error: str | None
    mark_ids: list[str]
    details: list[tuple[str, str]]


@dataclass
class ReportView:
    """Everything the report template needs, already checked and shaped."""

    title: str | None
    title_segments: list[Segment]
    text_segments: list[Segment]
    marks: list[Mark]
    outlet: dict[str, Any]
    meta: list[tuple[str, str]]
    input_url: str | None
    source: dict[str, Any] | None
    risk: dict[str, Any] | None
    bars: list[Bar]
    claims: list[ClaimView]
    unmatched_factchecks: list[dict[str, Any]]
    signals: list[SignalView]
    #: Coverage of the headline when it is not one of the claims: its summary and related articles.
    headline_coverage: ClaimView | None
    removed: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    stages: list[str]
    timings: list[tuple[str, str]]
    hidden_marks: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _spans(value: Any) -> list[dict[str, Any]]:
    return [s for s in value if isinstance(s, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _claim_exists(index: Any, count: int) -> bool:
    number = _int(index)
    return number is not None and 0 <= number < count


#: The badge of a match whose verdict is not displayed against the claim, by the article's stance.
STANCE_BADGES = {
    "disagree": "article refutes this claim",
    "unrelated": "article does not address this claim",
}


def _factcheck_view(match: dict[str, Any]) -> dict[str, Any]:
    """A match for the page: the verdict badge only when the report says it is shown, else the stance."""
    view = dict(match)
    view["url"] = safe_url(match.get("url"))
    given = match.get("stance")
    stance: dict[str, Any] = given if isinstance(given, dict) else {}
    if match.get("shown", True) is False:
        view["badge"] = STANCE_BADGES.get(str(stance.get("label")), "verdict not shown")
        view["verdict_class"] = "stance"
    else:
        view["badge"] = match.get("verdict")
        view["verdict_class"] = verdict_class(match.get("verdict"))
    view["score_text"] = short_value(match.get("probability", match.get("score")))
    return view


STANCE_BADGES = {"disagree": "reports the opposite", "agree": "reports the same", "discuss": "discusses it"}


def _coverage_view(match: dict[str, Any]) -> dict[str, Any]:
    """One related article of another outlet, shaped for the page (its link checked, its passage kept apart)."""
    passage = match.get("passage") if isinstance(match.get("passage"), dict) else {}
    stance = str(match.get("stance") or "discuss")
    return {
        "url": safe_url(match.get("url")),
        "outlet": match.get("outlet") or "unknown outlet",
        "outlet_label": match.get("outlet_label"),
        "published": match.get("published") or "undated",
        "title": match.get("title"),
        "passage": str((passage or {}).get("text") or ""),
        "stance": stance,
        "badge": STANCE_BADGES.get(stance, stance),
        "score_text": short_value(match.get("stance_score")),
    }


def _coverage_of(report: dict[str, Any], index: int | None) -> tuple[list[dict[str, Any]], str | None]:
    """The related articles and the summary of the claim at ``index`` (None: the headline)."""
    matches = [
        _coverage_view(m) for m in report.get("coverage") or [] if isinstance(m, dict) and m.get("claim_index") == index
    ]
    summary = next(
        (
            str(s.get("summary"))
            for s in report.get("coverage_summary") or []
            if isinstance(s, dict) and s.get("claim_index") == index
        ),
        None,
    )
    return matches, summary


def _bars(contributions: list[dict[str, Any]]) -> list[Bar]:
    effects = [_number(c.get("effect")) or 0.0 for c in contributions]
    if not effects:
        return []
    # Effects are probability points; shown ×100 when given as fractions of 1.
    scale = 100.0 if max(abs(e) for e in effects) <= 1.0 else 1.0
    biggest = max(abs(e) for e in effects) or 1.0
    bars = []
    for contribution, effect in zip(contributions, effects, strict=True):
        width = 48.0 * abs(effect) / biggest
        bars.append(
            Bar(
                label=label_of(str(contribution.get("evidence", ""))),
                value=short_value(contribution.get("value"))
                + (f"; {contribution['note']}" if isinstance(contribution.get("note"), str) else ""),
                effect=effect,
                shown="no weight" if contribution.get("note") else f"{effect * scale:+.1f} pts",
                x=50.0 if effect >= 0 else 50.0 - width,
                width=max(width, 0.5),
                direction="up" if effect >= 0 else "down",
            )
        )
    return bars


def build_view(report: dict[str, Any]) -> ReportView:
    """The page model of one report: sections present only when their data is."""
    article = report.get("article") or {}
    text = article.get("text") or ""
    title = article.get("title")
    marks: list[Mark] = []
    hidden = 0

    def add_mark(span: dict[str, Any], **kwargs: Any) -> Mark | None:
        nonlocal hidden
        start, end = _int(span.get("start")), _int(span.get("end"))
        if start is None or end is None:
            return None
        target = (title or "") if span.get("field") == "title" else text
        if not 0 <= start < end <= len(target):
            return None
        if len(marks) >= MAX_PAGE_MARKS:
            hidden += 1
            return None
        quote = target[start : min(end, start + MAX_QUOTE_CHARS)] + ("…" if end - start > MAX_QUOTE_CHARS else "")
        mark = Mark(id=f"m{len(marks)}", start=start, end=end, quote=quote, **kwargs)
        marks.append(mark)
        return mark

    title_marks: list[Mark] = []
    text_marks: list[Mark] = []

    signals: list[SignalView] = []
    for position, signal in enumerate(s for s in report.get("signals") or [] if isinstance(s, dict)):
        name = str(signal.get("name", "signal"))
        css = f"sig-c{position % SIGNAL_COLOURS}"
        explanation = str(signal.get("explanation") or "")
        ids = []
        for span in _spans(signal.get("spans")):
            note = span.get("note")
            mark = add_mark(
                span,
                kind="signal",
                name=name,
                label=label_of(name),
                explanation=str(note) if note else explanation,
                css=css,
            )
            if mark is not None:
                ids.append(mark.id)
                (title_marks if span.get("field") == "title" else text_marks).append(mark)
        details = signal.get("details") if isinstance(signal.get("details"), dict) else {}
        signals.append(
            SignalView(
                name=name,
                label=label_of(name),
                score=short_value(signal.get("score")),
                explanation=explanation,
                css=css,
                error=signal.get("error"),
                mark_ids=ids,
                details=[(label_of(str(k)), short_value(v)) for k, v in (details or {}).items()],
            )
        )

    factchecks = [f for f in report.get("factchecks") or [] if isinstance(f, dict)]
    claims: list[ClaimView] = []
    claim_list = [c for c in report.get("claims") or [] if isinstance(c, dict)]
    for index, claim in enumerate(claim_list):
        matches = [_factcheck_view(f) for f in factchecks if f.get("claim_index") == index]
        verdicts = "; ".join(f"{m.get('badge')} ({m.get('publisher') or 'fact-check'})" for m in matches)
        worth = short_value(claim.get("checkworthiness"))
        explanation = f"check-worthy claim (score {worth})" + (f"; fact-checked: {verdicts}" if verdicts else "")
        claim_span: dict[str, Any] | None = claim.get("span") if isinstance(claim.get("span"), dict) else None
        mark = (
            add_mark(claim_span, kind="claim", name="claim", label="Claim", explanation=explanation)
            if claim_span
            else None
        )
        if mark is not None:
            (title_marks if claim_span and claim_span.get("field") == "title" else text_marks).append(mark)
        claims.append(
            ClaimView(
                index=index,
                mark_id=mark.id if mark else None,
                text=str(claim.get("text") or (claim_span or {}).get("text") or ""),
                checkworthiness=worth,
                kind=claim.get("kind"),
                entities=[str(e) for e in claim.get("entities") or []],
                standalone=claim.get("standalone"),
                factchecks=matches,
                coverage=_coverage_of(report, index)[0],
                coverage_summary=_coverage_of(report, index)[1],
            )
        )
    headline_matches, headline_summary = _coverage_of(report, None)
    headline_coverage = (
        ClaimView(-1, None, str(title or ""), "", None, [], None, [], headline_matches, headline_summary)
        if headline_summary
        else None
    )
    unmatched = [_factcheck_view(f) for f in factchecks if not _claim_exists(f.get("claim_index"), len(claims))]

    outlet = article.get("outlet") or {}
    meta = [
        (label, str(article.get(key)))
        for label, key in (("Author", "author"), ("Published", "published"), ("Language", "language"))
        if article.get(key)
    ]
    source = report.get("source")
    if isinstance(source, dict):
        source = dict(source)
        source["score_text"] = short_value(source.get("score"))
        source["percentile_text"] = short_value(source.get("percentile"))
        source["raters"] = [
            {"name": r.get("name"), "value": short_value(r.get("value")), "scale": r.get("scale")}
            for r in source.get("raters") or []
            if isinstance(r, dict)
        ]
        source["provenance"] = [str(p) for p in source.get("provenance") or []]
    risk = report.get("risk")
    bars: list[Bar] = []
    if isinstance(risk, dict):
        risk = dict(risk)
        risk["percent"] = percent(risk.get("score"))
        risk["width"] = max(0.0, min(100.0, (_number(risk.get("score")) or 0.0) * 100))
        bars = _bars([c for c in risk.get("contributions") or [] if isinstance(c, dict)])
    else:
        risk = None

    return ReportView(
        title=title,
        title_segments=segments(title or "", title_marks),
        text_segments=segments(text, text_marks),
        marks=marks,
        outlet=outlet,
        meta=meta,
        input_url=safe_url((report.get("input") or {}).get("url")),
        source=source if isinstance(source, dict) else None,
        risk=risk,
        bars=bars,
        claims=claims,
        unmatched_factchecks=unmatched,
        signals=signals,
        headline_coverage=headline_coverage,
        removed=[r for r in article.get("removed") or [] if isinstance(r, dict)],
        errors=[e for e in report.get("errors") or [] if isinstance(e, dict)],
        stages=[str(s) for s in report.get("stages") or []],
        timings=[
            (str(k), f"{v:.0f} ms") for k, v in (report.get("timings_ms") or {}).items() if _number(v) is not None
        ],
        hidden_marks=hidden,
    )
