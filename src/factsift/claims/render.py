"""The claims section of the terminal report: the top check-worthy sentences with their scores."""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factsift.cli.render import report_section
from factsift.model import Report

TOP = 8


@report_section("claims")
def render(report: Report) -> Panel | None:
    """A panel listing the best claims (score, kind, sentence); None if the stage did not run."""
    if "claims" not in report.stages:
        return None
    claims = report.claims
    if not claims:
        return Panel(Text("No sentence looks worth checking."), title="Check-worthy claims", title_align="left")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    table.add_column("score", justify="right")
    table.add_column("kind")
    table.add_column("claim")
    for claim in claims[:TOP]:
        body = Text(claim.text)  # Text(): article content is never rich markup
        if claim.standalone:
            body.append("\n= ", style="dim")
            body.append(claim.standalone, style="dim")
        table.add_row(f"{claim.checkworthiness:.2f}", claim.kind, body)
    more = len(claims) - TOP
    title = f"Check-worthy claims ({len(claims)})" + (f", top {TOP} shown" if more > 0 else "")
    return Panel(table, title=title, title_align="left")
