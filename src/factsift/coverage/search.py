"""Find better coverage: what other outlets in the archive said about a claim, the passage that says it, and its stance.

For each query (a claim or the headline) the archive index (:class:`factsift.archive.index.ArchiveIndex`)
retrieves articles of other outlets published within ``days`` of the article (all dates when it has
none); the stance model (:mod:`factsift.stance`, not a second one) picks each candidate's passage that
speaks to the claim and classifies it.  Unrelated candidates are dropped; an ``agree`` or ``disagree``
is kept only when its calibrated score clears the stance model's stated threshold, else it is a
``discuss``; a claim that itself states a denial never gets a ``disagree`` (see :func:`confident_stance`).
Every summary states how much the archive holds for the dates searched, so "nothing
found" is never read as "nothing exists".
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from factsift.archive.index import ArchiveIndex, Encoder, IndexHit, outlet_key
from factsift.archive.store import ArchiveCounts, ArticleArchive, KeptArticle
from factsift.factchecks.embeddings import RECORD_BATCH
from factsift.factchecks.terms import clean_query
from factsift.model import ClaimCoverage, CoverageMatch, CoveragePassage
from factsift.stance import AGREE_THRESHOLD, DISAGREE_THRESHOLD, StanceResult, predict_stance
from factsift.stance.cues import NEGATION, REFUTE
from factsift.stance.passages import tokens
from factsift.vocabulary import OUTLET_LABELS, OutletLabel, StanceLabel

#: Days either side of the article's date searched by default (``[coverage] days``).
DEFAULT_DAYS = 7
#: Candidates per query whose passage and stance are computed (the best by fused rank).
CANDIDATES_PER_QUERY = 3
#: Queries (the first: headline and most check-worthy claims) whose candidates are re-ranked by vectors; encoding
#: a query costs about 5 ms on one core, so the rest are ranked by BM25 alone (as fact-check matching does).
DENSE_QUERIES = 2
#: Matches listed per query at most.
SHOWN_PER_QUERY = 3


@dataclass(frozen=True)
class CoverageQuery:
    """One thing to find coverage for: a claim (``claim_index`` into the report's claims) or the headline (None)."""

    claim_index: int | None
    text: str


@dataclass(frozen=True)
class Window:
    """The dates searched (inclusive ISO dates; None: open) and how much the archive holds for them."""

    since: str | None
    until: str | None
    counts: ArchiveCounts

    def describe(self) -> str:
        """How much the archive holds for these dates, in words."""
        held = f"{self.counts.articles:,} article{'s' if self.counts.articles != 1 else ''} from "
        held += f"{self.counts.outlets:,} outlet{'s' if self.counts.outlets != 1 else ''}"
        if self.since is None and self.until is None:
            return f"the archive holds {held} in all"
        return f"the archive holds {held} for {self.since or 'any date'} to {self.until or 'any date'}"


def date_window(published: str | None, days: int) -> tuple[str | None, str | None]:
    """``published`` ± ``days`` as inclusive ISO dates; (None, None) when the date is unknown or unreadable."""
    if not published:
        return None, None
    try:
        day = datetime.date.fromisoformat(published[:10])
    except ValueError:
        return None, None
    step = datetime.timedelta(days=days)
    return (day - step).isoformat(), (day + step).isoformat()


def states_a_denial(claim: str) -> bool:
    """Whether a claim carries a negation or refutation word ("denies", "not", "false", ...)."""
    return any(word in NEGATION or word in REFUTE for word in tokens(claim))


def refutes(passage: str) -> bool:
    """Whether a passage carries a refutation word ("denied", "false", "rejected", "baseless", ...)."""
    return any(word in REFUTE for word in tokens(passage))


def confident_stance(result: StanceResult, claim: str, passage: str) -> tuple[StanceLabel, float]:
    """The stance shown: agree/disagree only at or above the stated thresholds, otherwise discuss.

    A claim that itself states a denial gets no "disagree": a passage denying the same thing reads to the
    stance model as refuting it (both carry denial words), so the only safe reading is "discuss".  And a
    passage "reports the opposite" only when it says so, with a refutation word: over an archive of the risk
    model's training articles, most passages the model read as disagreeing were other accounts of the same
    event (bench/coverage_risk.py), and each one would have counted as a reliable outlet contradicting the claim.
    """
    label = result.label
    score = result.scores[label]
    if label == "disagree" and (score < DISAGREE_THRESHOLD or states_a_denial(claim) or not refutes(passage)):
        label = "discuss"
    if label == "agree" and score < AGREE_THRESHOLD:
        label = "discuss"
    return label, score


def outlet_label(article: KeptArticle) -> OutletLabel | None:
    """The article's outlet label as the report's vocabulary has it (None when unknown)."""
    label = article.outlet_label
    return label if label in OUTLET_LABELS else None  # type: ignore[return-value]


class CoverageFinder:
    """Searches one archive through its index, with an encoder for the dense re-ranking when there is one."""

    def __init__(self, archive: ArticleArchive, index: ArchiveIndex, encoder: Encoder | None) -> None:
        """Keep the archive (for the articles' texts), its index and the encoder (None: lexical only)."""
        self.archive = archive
        self.index = index
        self.encoder = encoder

    def window(self, published: str | None, days: int) -> Window:
        """The dates searched for an article published on ``published`` and what the archive holds for them."""
        since, until = date_window(published, days)
        return Window(since, until, self.index.counts(since, until))

    def retrieve(
        self,
        queries: Sequence[CoverageQuery],
        window: Window,
        own_outlet: str | None,
        limit: int = CANDIDATES_PER_QUERY,
    ) -> list[list[IndexHit]]:
        """Each query's best candidates from outlets other than ``own_outlet`` in the window."""
        dense = [q.text for q in queries[:DENSE_QUERIES]]
        # encoded as fact-check matching encodes its queries, so a claim both stages look up is encoded once
        encoder, cleaned = self.encoder, [clean_query(text) for text in dense]
        vectors = list(encoder.embed(cleaned, batch_size=RECORD_BATCH)) if encoder is not None and dense else []
        return self.index.search_many(
            [q.text for q in queries],
            [vectors[i] if i < len(vectors) else None for i in range(len(queries))],
            since=window.since,
            until=window.until,
            exclude_outlet=own_outlet,
            limit=limit,
        )

    def find(
        self, queries: Sequence[CoverageQuery], published: str | None, own_outlet: str | None, days: int
    ) -> tuple[list[CoverageMatch], list[ClaimCoverage]]:
        """The related coverage of each query and a summary per query (see the module docstring)."""
        window = self.window(published, days)
        per_query = self.related(queries, self.retrieve(queries, window, own_outlet), own_outlet, SHOWN_PER_QUERY)
        matches = [match for group in per_query for match in group]
        summaries = [summarise(query, per_query[i], window) for i, query in enumerate(queries)]
        return matches, summaries

    def search(
        self, claim: str, since: str | None = None, until: str | None = None, limit: int = 10
    ) -> tuple[list[CoverageMatch], Window]:
        """The archived articles that speak to ``claim`` between ``since`` and ``until`` (ISO dates; None: open),
        unrelated ones left out, with what the archive holds for those dates."""
        window = Window(since, until, self.index.counts(since, until))
        query = CoverageQuery(None, claim)
        (matches,) = self.related([query], self.retrieve([query], window, None, limit), None, limit)
        return matches, window

    def related(
        self, queries: Sequence[CoverageQuery], hits: list[list[IndexHit]], own_outlet: str | None, shown: int
    ) -> list[list[CoverageMatch]]:
        """Each query's candidates with their passage and stance, unrelated ones and ``own_outlet``'s dropped."""
        articles = self.archive.get(sorted({hit.article_id for group in hits for hit in group}))
        own = outlet_key(own_outlet)
        pairs: list[tuple[int, IndexHit, KeptArticle]] = [
            (i, hit, articles[hit.article_id])
            for i, group in enumerate(hits)
            for hit in group
            if hit.article_id in articles and (not own or outlet_key(articles[hit.article_id].outlet) != own)
        ]
        results = predict_stance([(queries[i].text, article.text) for i, _, article in pairs])
        per_query: list[list[CoverageMatch]] = [[] for _ in queries]
        for (i, hit, article), result in zip(pairs, results, strict=True):
            if result.label == "unrelated" or len(per_query[i]) >= shown:
                continue
            passage = result.passage(article.text)
            stance, score = confident_stance(result, queries[i].text, passage)
            per_query[i].append(
                CoverageMatch(
                    claim_index=queries[i].claim_index,
                    article_id=article.id,
                    url=article.url,
                    outlet=article.outlet,
                    outlet_label=outlet_label(article),
                    published=article.published,
                    title=article.title,
                    passage=CoveragePassage(passage, result.start, result.end),
                    stance=stance,
                    stance_score=round(score, 4),
                    similarity=hit.similarity,
                )
            )
        return per_query


def distinct_outlets(
    matches: Sequence[CoverageMatch], stance: StanceLabel, *, reliable: bool | None = None
) -> list[str]:
    """The distinct outlets of the matches with ``stance`` (only reliable ones, or only others, when asked)."""
    found: dict[str, None] = {}
    for match in matches:
        if match.stance != stance:
            continue
        if reliable is not None and (match.outlet_label == "reliable") != reliable:
            continue
        found.setdefault(match.outlet or "an unnamed outlet", None)
    return list(found)


def _count(outlets: Sequence[str], what: str, verb: str) -> str:
    """'2 reliable outlets report the opposite (a.com, b.com)'."""
    noun = "outlet" if len(outlets) == 1 else "outlets"
    verb = verb if len(outlets) != 1 else verb.replace("report ", "reports ").replace("discuss ", "discusses ")
    return f"{len(outlets)} {what}{noun} {verb} ({', '.join(outlets[:3])}{', …' if len(outlets) > 3 else ''})"


def summarise(query: CoverageQuery, matches: Sequence[CoverageMatch], window: Window) -> ClaimCoverage:
    """One query's coverage in words, with the archive's size for the dates searched."""
    parts: list[str] = []
    reliable_disagree = distinct_outlets(matches, "disagree", reliable=True)
    other_disagree = distinct_outlets(matches, "disagree", reliable=False)
    reliable_agree = distinct_outlets(matches, "agree", reliable=True)
    other_agree = distinct_outlets(matches, "agree", reliable=False)
    discuss = distinct_outlets(matches, "discuss")
    for outlets, what, verb in (
        (reliable_disagree, "reliable ", "report the opposite"),
        (other_disagree, "", "report the opposite"),
        (reliable_agree, "reliable ", "report the same"),
        (other_agree, "", "report the same"),
        (discuss, "", "discuss it without taking a side"),
    ):
        if outlets:
            parts.append(_count(outlets, what, verb))
    said = "; ".join(parts) if parts else "no other outlet in the archive reports this"
    return ClaimCoverage(
        claim_index=query.claim_index,
        claim=query.text,
        summary=f"{said[0].upper()}{said[1:]}; {window.describe()}.",
        since=window.since,
        until=window.until,
        archive_articles=window.counts.articles,
        archive_outlets=window.counts.outlets,
        agree=len(reliable_agree) + len(other_agree),
        disagree=len(reliable_disagree) + len(other_disagree),
        discuss=len(discuss),
        reliable_agree=len(reliable_agree),
        reliable_disagree=len(reliable_disagree),
    )
