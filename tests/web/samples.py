"""Hand-made reports for the web tests: every section filled, with overlapping spans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from factsift.model import (
    Article,
    Claim,
    Contribution,
    FactCheckMatch,
    InputInfo,
    Outlet,
    Rater,
    Removed,
    Report,
    Risk,
    RiskModelInfo,
    Signal,
    SourceRating,
    Span,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE_TEXT = REPO / "examples" / "sample-article.txt"

ARTICLE_HTML = b"""<!doctype html><html><head><title>Harbour Ferry Returns After Repairs</title></head>
<body><article><h1>Harbour Ferry Returns After Repairs</h1>
<p>The harbour ferry returned to service on Monday after six weeks of repairs to its engines.</p>
<p>The operator said the repairs cost 120,000 pounds and that timetables are unchanged.</p>
<p>Passengers on the first crossing said the boat was quieter than before the work.</p>
</article></body></html>"""

HOSTILE = (
    "Breaking <script>window.pwned=1</script> News <img src=x onerror=alert(1)>\n\n"
    "Officials said on Monday that <script>document.title='pwned'</script> the bridge will close for repairs "
    'next week. <img src="x" onerror="window.pwned=2"> A spokesperson said <svg onload=alert(3)></svg> the works '
    'take a month. <a href="javascript:alert(4)">details</a> "><iframe src=javascript:alert(5)></iframe>\n\n'
    "Residents can cross at the old ford <body onload=alert(6)> while the bridge is shut, the council said."
)

TITLE = "Shocking: Council Hides Bridge Report"
TEXT = (
    "Insiders say the council buried a report on the Harlow bridge.\n\n"
    "The bridge carries 40,000 cars a day, officials who asked not to be named said.\n\n"
    "The disgraceful cover-up must end now."
)


def span(text: str, needle: str, *, field: str = "text", note: str | None = None) -> Span:
    """The span of ``needle`` inside ``text`` (tests fail loudly if it is not there)."""
    start = text.index(needle)
    return Span(start=start, end=start + len(needle), text=needle, field=field, note=note)  # type: ignore[arg-type]


def full_report() -> dict[str, Any]:
    """A report with every section: source, claims + fact-checks, overlapping signals, risk, removed."""
    claim_sentence = "The bridge carries 40,000 cars a day, officials who asked not to be named said."
    report = Report(
        input=InputInfo(kind="url", url="https://news.example/bridge"),
        article=Article(
            text=TEXT,
            title=TITLE,
            outlet=Outlet(name="Harlow Daily", domain="news.example", found_in="url"),
            author="Sam Writer",
            published="2026-11-20",
            language="en",
            removed=[Removed(kind="social", text="Share on Facebook")],
        ),
        source=SourceRating(
            domain="news.example",
            name="Harlow Daily",
            score=0.31,
            label="unreliable",
            raters=[Rater(name="Test rater", value="low", scale="high/mixed/low")],
            provenance=["test table"],
        ),
        claims=[
            Claim(
                sentence_id=1,
                text=claim_sentence,
                span=span(TEXT, claim_sentence),
                checkworthiness=0.91,
                kind="quantity",
                entities=["Harlow bridge"],
            ),
        ],
        factchecks=[
            FactCheckMatch(
                claim_index=0,
                score=0.88,
                claim_reviewed="The Harlow bridge carries 40,000 cars daily",
                verdict="false",
                publisher="Check Desk",
                url="https://checks.example/harlow",
                probability=0.88,
                shown=True,
            ),
        ],
        signals=[
            Signal(
                name="anonymous_sourcing",
                score=0.8,
                explanation="Sources are not named.",
                spans=[span(TEXT, "Insiders say"), span(TEXT, "officials who asked not to be named")],
            ),
            Signal(
                name="loaded_language",
                score=0.6,
                explanation="Emotive words instead of facts.",
                spans=[span(TEXT, "disgraceful cover-up"), span(TEXT, "asked not to", note="overlap test")],
            ),
            Signal(
                name="clickbait_headline",
                score=0.7,
                explanation="The headline teases.",
                spans=[span(TITLE, "Shocking:", field="title")],
            ),
        ],
        risk=Risk(
            score=0.82,
            label="high",
            contributions=[
                Contribution(evidence="source_rating", value="unreliable", effect=0.21),
                Contribution(evidence="anonymous_sourcing", value=0.8, effect=0.09),
                Contribution(evidence="named_author", value=True, effect=-0.04),
            ],
            model=RiskModelInfo(name="test-model", trained_on="nothing", version="0"),
            caveats=["A style model does not know the truth."],
        ),
        stages=["ingest", "sources", "claims", "factchecks", "signals", "risk"],
        version="0.1.0",
    )
    return report.to_dict()


def small_article(number: int) -> str:
    """A short plain-text article whose headline mentions ``number`` (for listing tests)."""
    return (
        f"Library Extends Weekend Opening Hours In Story {number}\n\n"
        f"The town library will open on Sundays from next month, the council said on Tuesday. "
        f"This is story number {number}.\n\n"
        "Staff said the change follows a survey of 1,200 residents in which most asked for longer hours."
    )


# A fact-check of the bundled sample article's main claim (written for these tests).
CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/reviews/reservoir-sale",
    "claimReviewed": "Port Elsmere mayor Dana Whitcombe signed away the town's reservoir to a foreign bottling company",
    "datePublished": "2026-10-02",
    "author": {"@type": "Organization", "name": "Check Desk"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1, "alternateName": "False"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A blogger"}},
}
