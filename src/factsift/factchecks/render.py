"""The terminal section for fact-check matches: each claim with its best matches, verdicts and dates."""

from __future__ import annotations

from itertools import groupby

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factsift.cli.render import report_section
from factsift.model import FactCheckMatch, Report

VERDICT_STYLES = {
    "false": "bold red",
    "mostly-false": "red",
    "mixed": "yellow",
    "mostly-true": "green",
    "true": "bold green",
    "other": "dim",
}


#: What a match whose verdict is not shown displays, by the article's stance.
STANCE_TEXT = {"disagree": "ARTICLE REFUTES THIS CLAIM", "unrelated": "ARTICLE DOES NOT ADDRESS THIS CLAIM"}


def _query_text(report: Report, match: FactCheckMatch) -> str:
    if match.basis == "claim" and match.claim_index < len(report.claims):
        claim = report.claims[match.claim_index]
        return claim.standalone or claim.text
    if match.basis == "sentence" and match.claim_index < len(report.article.sentences):
        return report.article.sentences[match.claim_index].text
    return ""


def _dates(match: FactCheckMatch, article_date: str | None) -> str:
    checked = match.date or "undated"
    if match.before_article is True:
        relation = "before the article"
    elif match.before_article is False:
        relation = "not before the article"
    else:
        relation = "article date unknown" if not article_date else "order unknown"
    return f"fact-checked {checked} · article {article_date or 'undated'} ({relation})"


@report_section("factchecks")
def render(report: Report) -> RenderableType | None:
    """Each matched claim, then its fact-checks: verdict (with the publisher's own words), score, dates, link."""
    if "factchecks" not in report.stages:
        return None
    if not report.factchecks:
        return Panel(
            Text("No imported fact-check matches the article's claims above the display threshold."),
            title="Known fact-checks",
            title_align="left",
        )
    parts: list[RenderableType] = []
    for _, group in groupby(report.factchecks, key=lambda m: (m.basis, m.claim_index)):
        matches = list(group)
        label = "Claim" if matches[0].basis == "claim" else "Sentence"
        parts.append(Text.assemble((f"{label}: ", "bold"), Text(_query_text(report, matches[0]))))
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(width=2)
        table.add_column()
        for match in matches:
            if match.shown:
                verdict = Text(match.verdict.upper(), style=VERDICT_STYLES.get(match.verdict, ""))
                if match.rating_text:
                    verdict.append(Text(f" ({match.rating_text})"))
            else:  # the verdict does not apply to what the article says: its stance is shown instead
                label = match.stance.label if match.stance is not None else "unrelated"
                verdict = Text(STANCE_TEXT.get(label, "VERDICT NOT SHOWN"), style="bold cyan")
                verdict.append(Text(f" (reviewed claim rated {match.rating_text or match.verdict})", style="dim"))
            verdict.append(f"  match {match.probability:.2f}", style="dim")
            if match.stance is not None:
                verdict.append(
                    f" · stance {match.stance.label} {match.stance.scores.get(match.stance.label, 0):.2f}", style="dim"
                )
            lines = [
                verdict,
                Text(match.claim_reviewed),
                Text(" · ".join(x for x in (match.publisher, match.claimant and f"claimed by {match.claimant}") if x)),
                Text(_dates(match, report.article.published), style="dim"),
            ]
            if match.url:
                lines.append(Text(match.url, style="cyan"))
            table.add_row("→", Group(*lines))
        parts.append(table)
    return Panel(Group(*parts), title=f"Known fact-checks ({len(report.factchecks)})", title_align="left")
