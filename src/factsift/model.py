"""The report data model: one typed ``Report`` that every pipeline stage fills in.

Every span anywhere in the report is a character range into ``article.text`` unless its
``field`` says ``"title"`` (headline signals point into the headline).
The JSON form is versioned (``SCHEMA_ID``) and described by ``schema/report.schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from factsift.vocabulary import (
    ArticleKind,
    ClaimKind,
    InputKind,
    MatchBasis,
    OutletLabel,
    RiskLabel,
    SpanField,
    StanceLabel,
    Verdict,
)

SCHEMA_ID = "factsift.report/1"


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type (remembered), or None for any other type."""
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
    return _FIELD_NAMES[cls]


_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies of leaf values (several times faster on a report)."""
    cls = type(value)
    if cls in _LEAF_TYPES:
        return value
    if cls is list:
        return [_plain(item) for item in value]
    if cls is dict:
        return {key: _plain(item) for key, item in value.items()}
    names = _field_names(cls)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    # subclasses of the types above (a str enum, a named tuple ...) are rare: take the general route
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@dataclass
class InputInfo:
    """What the user gave: its kind, the URL if any, and the file path if any."""

    kind: InputKind
    url: str | None = None
    path: str | None = None


@dataclass
class Outlet:
    """Who published the article; ``found_in`` says where ingest learned it."""

    name: str | None = None
    domain: str | None = None
    found_in: InputKind | None = None


@dataclass
class Sentence:
    """One sentence of ``article.text``: ``text == article.text[start:end]``."""

    id: int
    start: int
    end: int
    text: str


@dataclass
class Removed:
    """A piece of page furniture taken out of the body, kept so nothing disappears silently."""

    kind: str
    text: str


@dataclass
class Article:
    """The cleaned article: metadata plus the body text all spans point into."""

    text: str
    title: str | None = None
    outlet: Outlet = field(default_factory=Outlet)
    author: str | None = None
    published: str | None = None
    language: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    #: ``article`` (headline and body), ``short`` (a claim, post or quote, kept whole) or ``transcript``.
    kind: ArticleKind = "article"


@dataclass
class Span:
    """A character range ``[start, end)`` into ``article.text`` (or the title when ``field='title'``)."""

    start: int
    end: int
    text: str
    field: SpanField = "text"
    note: str | None = None


@dataclass
class Rater:
    """One rating set's value for an outlet, on that rater's own scale."""

    name: str
    value: float | str | None
    scale: str


@dataclass
class SourceRating:
    """What independent raters say about the outlet (SIFT: Investigate the source)."""

    domain: str | None
    name: str | None
    score: float | None
    label: OutletLabel
    percentile: float | None = None
    raters: list[Rater] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    matched_by: str | None = None
    table: str | None = None
    note: str | None = None


@dataclass
class Claim:
    """A sentence (or the headline: ``sentence_id`` None, ``span.field`` "title") that states something checkable.

    ``checkworthiness`` is the check-worthiness model's probability; ``priority`` is the rank a fact-checker
    would give the claim in this article (check-worthiness, centrality and specificity), and claims are
    listed by it.
    """

    sentence_id: int | None
    text: str
    span: Span
    checkworthiness: float
    kind: ClaimKind = "other"
    entities: list[str] = field(default_factory=list)
    standalone: str | None = None
    priority: float | None = None


@dataclass
class MatchStance:
    """What the article does with a reviewed claim: asserts it (agree), refutes it (disagree), reports it
    without taking a side (discuss) or does not address it (unrelated); ``scores`` are calibrated
    probabilities of each label, ``span`` the passage that decided it (None when stance was not computed)."""

    label: StanceLabel
    scores: dict[str, float] = field(default_factory=dict)
    span: Span | None = None


@dataclass
class FactCheckMatch:
    """A known fact-check (ClaimReview) that matches one of the article's claims.

    ``probability`` is the calibrated chance that the review addresses the same claim (``score`` repeats it
    under its older name); ``shown`` is true when the page displays the review's verdict against the claim:
    the probability clears the stated threshold and the article asserts or relays the claim (a refuted claim
    shows its stance instead of the verdict).
    """

    claim_index: int
    score: float
    claim_reviewed: str
    verdict: Verdict
    rating_text: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    claimant: str | None = None
    review_id: str | None = None
    before_article: bool | None = None
    sentence_id: int | None = None
    basis: MatchBasis = "claim"
    claim_date: str | None = None
    probability: float = 0.0
    stance: MatchStance | None = None
    shown: bool = False


@dataclass
class Signal:
    """A warning sign in the writing: evidence with its spans, never a verdict by itself."""

    name: str
    score: float
    explanation: str
    spans: list[Span] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Contribution:
    """How much one piece of evidence moved the risk score (``effect`` in probability points)."""

    evidence: str
    value: Any
    effect: float
    note: str | None = None


@dataclass
class RiskModelInfo:
    name: str
    trained_on: str
    version: str


@dataclass
class Risk:
    """A calibrated probability that the article is misinformation, with its breakdown."""

    score: float
    label: RiskLabel
    contributions: list[Contribution] = field(default_factory=list)
    model: RiskModelInfo | None = None
    caveats: list[str] = field(default_factory=list)
    summary: str | None = None


@dataclass
class CoveragePassage:
    """The passage of another outlet's article that speaks to a claim: ``text == article_text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass
class CoverageMatch:
    """An archived article from another outlet that speaks to one of the article's claims (or its headline:
    ``claim_index`` None), with the passage that does and its stance towards the claim.

    ``stance`` is ``agree`` or ``disagree`` only when the stance model's calibrated score clears its stated
    threshold (:data:`factsift.stance.AGREE_THRESHOLD`, :data:`factsift.stance.DISAGREE_THRESHOLD`), else
    ``discuss``; unrelated articles are never listed.  ``stance_score`` is the model's probability of the
    label it chose; ``similarity`` the best cosine between the claim and the article's title and claims
    (None without embeddings).
    """

    claim_index: int | None
    article_id: str
    url: str | None
    outlet: str | None
    outlet_label: OutletLabel | None
    published: str | None
    title: str | None
    passage: CoveragePassage
    stance: StanceLabel
    stance_score: float
    similarity: float | None


@dataclass
class ClaimCoverage:
    """What the archive says about one claim, in words, with how much it holds for the dates searched."""

    claim_index: int | None
    claim: str
    summary: str
    since: str | None
    until: str | None
    archive_articles: int
    archive_outlets: int
    agree: int = 0
    disagree: int = 0
    discuss: int = 0
    reliable_agree: int = 0
    reliable_disagree: int = 0


@dataclass
class StageError:
    """A stage that failed: the report is still produced without that stage's section."""

    stage: str
    message: str


@dataclass
class Report:
    """Everything factsift found about one article; the pipeline passes it from stage to stage."""

    # First in the JSON form, which follows the field order (keyword-only, so they may come first).
    schema: str = field(default=SCHEMA_ID, kw_only=True)
    version: str = field(default="", kw_only=True)
    input: InputInfo
    article: Article
    source: SourceRating | None = None
    claims: list[Claim] = field(default_factory=list)
    factchecks: list[FactCheckMatch] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    #: Other outlets' archived articles that speak to the claims (the ``coverage`` stage), and a summary per claim.
    coverage: list[CoverageMatch] = field(default_factory=list)
    coverage_summary: list[ClaimCoverage] = field(default_factory=list)
    risk: Risk | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    stages: list[str] = field(default_factory=list)
    errors: list[StageError] = field(default_factory=list)
    #: What installed plugin stages add, by plugin name (a stage declares ``assigns=("extensions.NAME",)``).
    extensions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, in the shape ``report.schema.json`` describes."""
        data: dict[str, Any] = _plain(self)
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as a JSON string (UTF-8 text, non-ASCII kept as is)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def signal(self, name: str) -> Signal | None:
        """The signal called ``name``, if that signal ran."""
        return next((s for s in self.signals if s.name == name), None)
