"""Coverage as evidence for the risk score: stated weights, not learned ones.

These weights are stated here, kept small, and shown as their own row of the breakdown; weights fitted over
an archive of the training articles did not improve the out-of-fold figures, so these are kept
(``bench/coverage_risk.py``, docs/coverage.md "Risk: measured"):

* each distinct **reliable** outlet whose passage **disagrees** with a claim (stance over its stated
  threshold, and a refutation word in the passage: see :func:`factsift.coverage.search.confident_stance`):
  +:data:`DISAGREE_LOG_ODDS` (at most +:data:`MAX_DISAGREE_LOG_ODDS`);
* each distinct reliable outlet that **agrees**: :data:`AGREE_LOG_ODDS` (at most :data:`MAX_AGREE_LOG_ODDS`);
* the article's first claim (or headline) reported by **no other outlet**: +:data:`UNREPORTED_LOG_ODDS`, only
  when the archive holds at least :data:`BIG_ENOUGH` articles for those dates; below that a caveat says the
  archive is thin and absence counts for nothing.

Outlets that are not rated reliable move nothing: an unreliable outlet contradicting a claim is not evidence
against it.  A "discuss" passage moves nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass

from factsift.coverage.search import distinct_outlets
from factsift.model import Report

DISAGREE_LOG_ODDS = 0.5
MAX_DISAGREE_LOG_ODDS = 1.0
AGREE_LOG_ODDS = -0.25
MAX_AGREE_LOG_ODDS = -0.5
UNREPORTED_LOG_ODDS = 0.1
#: Articles the archive must hold for the article's dates before "no one else reports it" counts.
BIG_ENOUGH = 1_000


@dataclass(frozen=True)
class CoverageEvidence:
    """What coverage says about an article, and the log-odds it moves the risk score by."""

    log_odds: float
    disagreeing: tuple[str, ...]
    agreeing: tuple[str, ...]
    unreported: bool
    thin: bool
    archive_articles: int

    def describe(self) -> str:
        """The breakdown row's value, in words."""
        parts = []
        if self.disagreeing:
            parts.append(f"{_outlets(self.disagreeing)} report{'s' if len(self.disagreeing) == 1 else ''} the opposite")
        if self.agreeing:
            parts.append(f"{_outlets(self.agreeing)} report{'s' if len(self.agreeing) == 1 else ''} the same")
        if self.unreported:
            parts.append(f"no other outlet reports the first claim ({self.archive_articles:,} articles searched)")
        if not parts:
            parts.append(
                "no reliable outlet takes a side" + (" (the archive is thin for these dates)" if self.thin else "")
            )
        return "; ".join(parts)


def _outlets(names: tuple[str, ...]) -> str:
    """'1 reliable outlet (a.com)' or '2 reliable outlets (a.com, b.com)'."""
    return f"{len(names)} reliable outlet{'s' if len(names) != 1 else ''} ({', '.join(names)})"


def coverage_evidence(report: Report) -> CoverageEvidence | None:
    """The coverage evidence of a report, None when no coverage search was made (no archive)."""
    if not report.coverage_summary:
        return None
    disagreeing = distinct_outlets(report.coverage, "disagree", reliable=True)
    agreeing = distinct_outlets(report.coverage, "agree", reliable=True)
    first = report.coverage_summary[0]
    big_enough = first.archive_articles >= BIG_ENOUGH
    unreported = big_enough and first.agree + first.disagree + first.discuss == 0
    log_odds = min(DISAGREE_LOG_ODDS * len(disagreeing), MAX_DISAGREE_LOG_ODDS)
    log_odds += max(AGREE_LOG_ODDS * len(agreeing), MAX_AGREE_LOG_ODDS)
    log_odds += UNREPORTED_LOG_ODDS if unreported else 0.0
    return CoverageEvidence(
        log_odds=log_odds,
        disagreeing=tuple(disagreeing),
        agreeing=tuple(agreeing),
        unreported=unreported,
        thin=not big_enough,
        archive_articles=first.archive_articles,
    )


def thin_archive_caveat(evidence: CoverageEvidence) -> str:
    """The caveat when the archive holds few articles for the article's dates."""
    return (
        f"The archive holds only {evidence.archive_articles:,} articles for this article's dates (fewer than "
        f"{BIG_ENOUGH:,}): coverage found there is a hint, and finding none says nothing."
    )
