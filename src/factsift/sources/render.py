"""The "Outlet" section of the terminal report."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factsift.cli.render import report_section
from factsift.model import Report, SourceRating

LABEL_STYLES = {"reliable": "bold green", "mixed": "bold yellow", "unreliable": "bold red", "unrated": "bold"}


def render_rating(rating: SourceRating) -> Panel:
    """One outlet rating: label, score, percentile, each rater's value, where it came from."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    outlet = " · ".join(x for x in (rating.name, rating.domain) if x) or "unknown"
    grid.add_row("Outlet", Text(outlet))
    grid.add_row("Label", Text(rating.label, style=LABEL_STYLES.get(rating.label, "bold")))
    if rating.score is not None:
        score = f"{rating.score:.2f} (0–1, higher = more reliable)"
        if rating.percentile is not None:
            score += f", above {rating.percentile:g}% of rated domains"
        grid.add_row("Score", Text(score))
    for rater in rating.raters:
        value = f"{rater.value:.2f}" if isinstance(rater.value, float) else str(rater.value)
        grid.add_row("Rater", Text(f"{rater.name}: {value}  ({rater.scale})"))
    if rating.table:
        grid.add_row("Table", Text(rating.table + (f", matched by {rating.matched_by}" if rating.matched_by else "")))
    if rating.note:
        grid.add_row("Note", Text(rating.note))
    parts: list[Text | Table] = [grid]
    if rating.provenance:
        parts.append(Text(""))
        parts.extend(Text(f"Source: {line}", style="dim") for line in rating.provenance)
    return Panel(Group(*parts), title="Outlet reliability", title_align="left")


@report_section("sources")
def render(report: Report) -> Panel | None:
    """The outlet section of ``factsift check``, or ``None`` when the sources stage did not run."""
    return None if report.source is None else render_rating(report.source)
