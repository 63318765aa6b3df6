"""The words factsift's reports are written in, defined once: verdicts, labels, kinds.

Each is a ``Literal`` (what mypy checks) with the tuple of its values (what code iterates); the JSON
Schema's enums are tested against these (``tests/test_vocabulary.py``).  Signal names are open-ended
(plugins add their own): the signal registry is their one source.
"""

from __future__ import annotations

from typing import Literal, get_args

#: A fact-check's verdict on factsift's scale (the publisher's own words are kept beside it).
Verdict = Literal["false", "mostly-false", "mixed", "mostly-true", "true", "other"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)

#: What a verdict says about the claim, as the risk model reads it.
VerdictFamily = Literal["false", "mixed", "true", "other"]
VERDICT_FAMILIES: dict[str, VerdictFamily] = {
    "false": "false",
    "mostly-false": "false",
    "mixed": "mixed",
    "mostly-true": "true",
    "true": "true",
    "other": "other",
}

#: An outlet's reliability label.
OutletLabel = Literal["reliable", "mixed", "unreliable", "unrated"]
OUTLET_LABELS: tuple[OutletLabel, ...] = get_args(OutletLabel)

#: The risk score's label.
RiskLabel = Literal["low", "elevated", "high"]
RISK_LABELS: tuple[RiskLabel, ...] = get_args(RiskLabel)

#: What a check-worthy claim is about (opinions and predictions state no checkable fact).
ClaimKind = Literal["quantity", "event", "attribution", "comparison", "opinion", "prediction", "other"]
CLAIM_KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)

#: What a text does with a claim: asserts it, refutes it, reports it without taking a side, or does not address it.
StanceLabel = Literal["agree", "disagree", "discuss", "unrelated"]
STANCE_LABELS: tuple[StanceLabel, ...] = get_args(StanceLabel)

#: What the user gave, and where on the page the outlet was found.
InputKind = Literal["url", "html", "text"]
INPUT_KINDS: tuple[InputKind, ...] = get_args(InputKind)

#: What the text is: an article (headline and body), a short text (kept whole) or a transcript.
ArticleKind = Literal["article", "short", "transcript"]
ARTICLE_KINDS: tuple[ArticleKind, ...] = get_args(ArticleKind)

#: Which text a span points into.
SpanField = Literal["text", "title"]

#: Whether a fact-check matched a claim or (with no claim found) a sentence.
MatchBasis = Literal["claim", "sentence"]
