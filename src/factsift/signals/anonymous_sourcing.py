"""Anonymous sourcing: statements put behind unnamed speakers, counted against named ones.

"Intelligence sources confirmed", "according to U.S. officials", "people close to the
president said": a reader cannot check who said it.  Reputable outlets use unnamed sources
too, but sparingly and next to named ones; a story built only on them is a warning sign.  An unnamed
source inside a direct quotation is the quoted speaker's ("We were told by officials ...," Smith said):
the writer's source is the speaker, so it does not count.
"""

from __future__ import annotations

import math

from factsift.model import Article, Signal
from factsift.signals.attribution import cached_attributions
from factsift.signals.registry import SignalContext, signal
from factsift.signals.reported_speech import outside, quotation_ranges
from factsift.signals.spans import make_span

NAME = "anonymous_sourcing"
#: How much a hedge ("reportedly", "it is said") weighs against a full unnamed attribution.
HEDGE_WEIGHT = 0.5
#: The anonymous weight at which the count part of the score reaches 1 - 1/e.
COUNT_SCALE = 2.0


def anonymous_score(anonymous: float, named: int) -> float:
    """Score in [0, 1]: the share of unnamed attributions times how many there are (saturating).

    One unnamed source among ten named ones scores near 0; five unnamed and no named ones near 0.9.
    """
    if anonymous <= 0:
        return 0.0
    share = anonymous / (anonymous + named)
    return share * (1.0 - math.exp(-anonymous / COUNT_SCALE))


@signal(NAME, 'Statements attributed to unnamed sources ("officials said", "sources confirmed"), against named ones.')
def anonymous_sourcing(article: Article, context: SignalContext | None = None) -> Signal:
    """Find unnamed and named attributions in the body and score the article's reliance on the unnamed."""
    found = cached_attributions(article.text, article.outlet.name)
    unnamed = any(a.kind in ("anonymous", "hedge") for a in found)
    quoted = quotation_ranges(article.text) if unnamed else []  # nothing to drop: skip the search
    attributions = [a for a in found if a.kind not in ("anonymous", "hedge") or outside(quoted, a.start, a.end)]
    anonymous = [a for a in attributions if a.kind == "anonymous"]
    hedges = [a for a in attributions if a.kind == "hedge"]
    named = [a for a in attributions if a.kind == "named"]
    weight = len(anonymous) + HEDGE_WEIGHT * len(hedges)
    score = anonymous_score(weight, len(named))
    spans = [make_span(article.text, a.start, a.end, note=a.note) for a in anonymous + hedges]
    spans.sort(key=lambda s: s.start)
    if not anonymous and not hedges:
        explanation = "No statement is attributed to an unnamed source."
    elif not named:
        explanation = (
            f"{len(anonymous) + len(hedges)} statement(s) rest on unnamed sources and none on a named person "
            "or organisation, so no claim can be traced to who made it."
        )
    else:
        explanation = (
            f"{len(anonymous) + len(hedges)} attribution(s) to unnamed sources against {len(named)} to named "
            "people or organisations."
        )
    return Signal(
        name=NAME,
        score=round(score, 4),
        explanation=explanation,
        spans=spans,
        details={
            "anonymous": len(anonymous),
            "hedged": len(hedges),
            "named": len(named),
            "self_citations": sum(1 for a in attributions if a.kind == "self"),
            "named_examples": [article.text[a.start : a.end] for a in named[:5]],
        },
    )
