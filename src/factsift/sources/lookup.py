"""Rate an outlet: find its row in the ratings table and turn it into a ``SourceRating``.

Labels come from the score with fixed, documented thresholds (``RELIABLE_AT``,
``UNRELIABLE_BELOW``); a domain that no table rates is ``"unrated"``, never a guess.
"""

from __future__ import annotations

from factsift.model import Rater, SourceRating
from factsift.sources.domains import Host, parse_host
from factsift.sources.table import (
    IFFY_RATER,
    IFFY_SCALE,
    LIN_RATER,
    LIN_SCALE,
    SHIPPED,
    Entry,
    Label,
    RatingsTable,
)

#: pc1 at or above this is "reliable" (the top ~45 % of the 11,520 rated domains).
RELIABLE_AT = 0.6
#: pc1 below this is "unreliable" (the bottom ~27 %; 93 % of Iffy+ sites that Lin et al. rate fall here).
UNRELIABLE_BELOW = 0.4


def label_for(score: float) -> Label:
    """The label for a 0–1 reliability score: reliable ≥ 0.6 > mixed ≥ 0.4 > unreliable."""
    if score >= RELIABLE_AT:
        return "reliable"
    if score >= UNRELIABLE_BELOW:
        return "mixed"
    return "unreliable"


def find_entry(table: RatingsTable, host: Host) -> tuple[Entry, str, str | None] | None:
    """The most specific row for an address: ``(entry, matched_by, note)`` or ``None``.

    Order: a path-specific row on the exact host (``youtube.com/somechannel``), then for the host
    and each parent down to the registrable domain: a user row, a curated alias, a shipped row.
    """
    entries = table.entries
    if host.path and host.host in table.path_hosts:
        for depth in range(len(host.path), 0, -1):
            entry = entries.get("/".join((host.host, *host.path[:depth])))
            if entry is not None:
                return entry, "path", None
    labels = host.host.split(".")
    for start in range(len(labels) - host.registrable.count(".")):
        candidate = ".".join(labels[start:]) if start else host.host
        entry = entries.get(candidate)
        if entry is not None and entry.table != SHIPPED:
            return entry, "domain", None
        canonical = table.aliases.get(candidate)
        if canonical is not None and canonical in entries:
            return entries[canonical], "alias", f"{candidate} is an address of {canonical}"
        if entry is not None:
            return entry, "domain", None
    return None


def _shipped_raters(entry: Entry | None) -> list[Rater]:
    raters: list[Rater] = []
    if entry is None:
        return raters
    if entry.score is not None:
        raters.append(Rater(name=LIN_RATER, value=entry.score, scale=LIN_SCALE))
    if entry.iffy:
        raters.append(Rater(name=IFFY_RATER, value="listed", scale=IFFY_SCALE))
    return raters


def rating_from_entry(
    table: RatingsTable, entry: Entry, matched_by: str, note: str | None, name: str | None = None
) -> SourceRating:
    """A ``SourceRating`` for a table row, with raters, percentile and provenance."""
    shipped = entry if entry.table == SHIPPED else entry.shipped
    raters = _shipped_raters(shipped)
    notes = [note] if note else []
    if entry.table == SHIPPED:
        score = entry.score
        if score is not None:
            label = label_for(score)
            percentile: float | None = table.percentile(score)
            if entry.iffy and label != "unreliable":
                notes.append("the raters disagree: Iffy+ lists this site as low-credibility")
        else:
            label, percentile = "unreliable", None
            notes.append("rated only by Iffy+ (listed as low-credibility); no aggregate score")
    else:
        score = entry.score
        label = entry.label or (label_for(score) if score is not None else "unrated")
        percentile = None
        yours = entry.table.startswith("user:")
        rater = "your ratings" if yours else entry.table
        raters.insert(0, Rater(name=rater, value=score if score is not None else label, scale="0–1 or label"))
        if entry.note:
            notes.append(entry.note)
        if shipped is not None:
            whose = "your rating" if yours else f"the {entry.table} rating"
            notes.append(f"{whose} replaces the shipped one (shown among the raters)")
    outlet_name = entry.name or table.names.get(entry.domain) or (shipped.name if shipped else None) or name
    return SourceRating(
        domain=entry.domain,
        name=outlet_name,
        score=None if score is None else round(score, 4),
        label=label,
        percentile=percentile,
        raters=raters,
        provenance=list(table.provenance),
        matched_by=matched_by,
        table=entry.table,
        note="; ".join(notes) or None,
    )


def unrated(table: RatingsTable, domain: str | None, name: str | None, note: str) -> SourceRating:
    """The rating for an outlet no table rates: ``unrated`` with no score, and why."""
    return SourceRating(
        domain=domain,
        name=name,
        score=None,
        label="unrated",
        percentile=None,
        raters=[],
        provenance=list(table.provenance),
        matched_by=None,
        table=None,
        note=note,
    )


def rate_host(table: RatingsTable, host: Host, name: str | None = None) -> SourceRating:
    """Rate a normalised address against the table (``unrated`` when no row matches)."""
    found = find_entry(table, host)
    if found is None:
        consulted = "the shipped table" + (" and your ratings" if table.user_table else "")
        return unrated(table, host.registrable, name, f"{host.registrable} is not in {consulted}")
    entry, matched_by, note = found
    return rating_from_entry(table, entry, matched_by, note, name)


def rate(text: str, table: RatingsTable) -> SourceRating:
    """Rate a domain or URL given as text; raises ``MalformedDomain`` (an ``InputError``) if it names none."""
    return rate_host(table, parse_host(text))
