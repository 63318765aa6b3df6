"""The daily digest: the period's most check-worthy claims from watched articles, grouped by topic.

Claims are ranked by their check-worthiness; the same claim carried by several outlets (syndicated
copies) appears once with all its outlets. Topics come from clustering the claims' TF-IDF vectors
(each claim joins the first topic whose centroid is close enough, else starts one); a topic is named
by its top terms. Each claim shows its outlet, the outlet's reliability label and any matching fact-check.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from factsift.watch.store import ArchiveStore

#: Cosine similarity of TF-IDF vectors at which a claim joins a topic.
TOPIC_SIMILARITY = 0.2
_WORD = re.compile(r"[a-z][a-z'\-]{2,}")
_STOP = frozenset(
    "the and for that with this from have has had was were are not but its his her their they them said says "
    "will would could should been being into over after before about than then there which who whom what when "
    "where while also more most some such only other just very can may might one two three new last first year "
    "years told according officials official people percent million billion".split()
)


@dataclass
class DigestClaim:
    """One claim of the digest, with where it appeared and any matching fact-check."""

    text: str
    checkworthiness: float
    article_id: str
    title: str | None
    url: str
    outlets: list[str]
    outlet_label: str | None
    factcheck: dict[str, Any] | None = None


@dataclass
class Topic:
    """Claims about one subject, named by their top terms."""

    name: str
    terms: list[str]
    claims: list[DigestClaim] = field(default_factory=list)


@dataclass
class Digest:
    """The digest of a period."""

    since: str
    until: str
    articles: int
    topics: list[Topic]


def _terms(text: str) -> list[str]:
    """The content words of a claim."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def _candidates(store: ArchiveStore, since: float) -> tuple[list[DigestClaim], int]:
    """Every claim of the period, one per distinct text (outlets merged), with its best fact-check match."""
    by_text: dict[str, DigestClaim] = {}
    articles = 0
    for row in store.articles_since(since):
        articles += 1
        matches = {m.get("claim_index"): m for m in row.report.get("factchecks") or []}
        for index, claim in enumerate(row.report.get("claims") or []):
            text = str(claim.get("text") or "").strip()
            key = " ".join(_WORD.findall(text.lower()))
            if not key:
                continue
            found = by_text.get(key)
            outlet = row.outlet or row.url
            if found is not None:
                if outlet not in found.outlets:
                    found.outlets.append(outlet)
                continue
            match = matches.get(index)
            by_text[key] = DigestClaim(
                text=text,
                checkworthiness=float(claim.get("checkworthiness") or 0.0),
                article_id=row.id,
                title=row.title,
                url=row.url,
                outlets=[outlet],
                outlet_label=row.outlet_label,
                factcheck=(
                    {k: match.get(k) for k in ("verdict", "claim_reviewed", "publisher", "url", "score")}
                    if match
                    else None
                ),
            )
    return list(by_text.values()), articles


def _cluster(claims: list[DigestClaim]) -> list[Topic]:
    """Group claims into topics by TF-IDF cosine similarity and name each by its top terms."""
    documents = [Counter(_terms(c.text)) for c in claims]
    frequency = Counter(term for doc in documents for term in doc)
    total = len(documents)

    def vector(doc: Counter[str]) -> dict[str, float]:
        """A document's unit TF-IDF vector."""
        weights = {t: n * math.log((1 + total) / (1 + frequency[t])) + n * 1e-3 for t, n in doc.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    centroids: list[dict[str, float]] = []
    members: list[list[int]] = []
    for index, doc in enumerate(documents):
        vec = vector(doc)
        best, best_similarity = -1, TOPIC_SIMILARITY
        for number, centroid in enumerate(centroids):
            similarity = sum(w * centroid.get(t, 0.0) for t, w in vec.items())
            if similarity >= best_similarity:
                best, best_similarity = number, similarity
        if best < 0:
            centroids.append(dict(vec))
            members.append([index])
            continue
        members[best].append(index)
        size = len(members[best])
        centroid = centroids[best]
        for t in set(centroid) | set(vec):
            centroid[t] = (centroid.get(t, 0.0) * (size - 1) + vec.get(t, 0.0)) / size
    topics = []
    for centroid, indexes in zip(centroids, members, strict=True):
        terms = [t for t, _ in sorted(centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        topics.append(Topic(name=", ".join(terms) or "other", terms=terms, claims=[claims[i] for i in indexes]))
    topics.sort(key=lambda topic: -max(c.checkworthiness for c in topic.claims))
    return topics


def build_digest(store: ArchiveStore, *, since_seconds: float = 86400.0, limit: int = 30) -> Digest:
    """The ``limit`` most check-worthy claims of the last ``since_seconds``, grouped by topic."""
    now = time.time()
    claims, articles = _candidates(store, now - since_seconds)
    claims.sort(key=lambda c: (-c.checkworthiness, -len(c.outlets), c.text))
    claims = claims[:limit]
    return Digest(since=_iso(now - since_seconds), until=_iso(now), articles=articles, topics=_cluster(claims))


def _iso(moment: float) -> str:
    """A Unix time as ISO 8601 UTC to the minute."""
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="minutes").replace("+00:00", "Z")


def render_digest(digest: Digest, fmt: str) -> str:
    """The digest as text, JSON or a standalone HTML fragment."""
    if fmt == "json":
        return json.dumps(asdict(digest), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        parts = [f"<h1>Digest {html.escape(digest.since)} – {html.escape(digest.until)}</h1>"]
        for topic in digest.topics:
            parts.append(f"<h2>{html.escape(topic.name)}</h2><ol>")
            for claim in topic.claims:
                check = claim.factcheck
                note = f" — fact-check: {html.escape(str(check['verdict']))}" if check else ""
                parts.append(
                    f"<li>{html.escape(claim.text)} <small>({html.escape(', '.join(claim.outlets))}; "
                    f"{html.escape(claim.outlet_label or 'unrated')}{note}) "
                    f'<a href="/a/{html.escape(claim.article_id)}">analysis</a></small></li>'
                )
            parts.append("</ol>")
        return "\n".join(parts) + "\n"
    lines = [f"Digest {digest.since} – {digest.until}: {digest.articles} articles watched"]
    if not digest.topics:
        lines.append("No claims in this period.")
    for topic in digest.topics:
        lines.append(f"\n== {topic.name}")
        for claim in topic.claims:
            lines.append(f"- [{claim.checkworthiness:.2f}] {claim.text}")
            lines.append(f"    {', '.join(claim.outlets)} ({claim.outlet_label or 'unrated'}) /a/{claim.article_id}")
            if claim.factcheck:
                check = claim.factcheck
                lines.append(f'    fact-check: {check["verdict"]} — "{check["claim_reviewed"]}" ({check["publisher"]})')
    return "\n".join(lines) + "\n"
