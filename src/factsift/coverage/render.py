"""The terminal section for coverage: each searched claim, what the archive's other outlets say, spans highlighted."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from factsift.cli.render import report_section
from factsift.model import CoverageMatch, Report

STANCE_STYLES = {"disagree": "bold red", "agree": "bold green", "discuss": "yellow"}
STANCE_WORDS = {"disagree": "REPORTS THE OPPOSITE", "agree": "REPORTS THE SAME", "discuss": "DISCUSSES IT"}


def match_line(match: CoverageMatch) -> Text:
    """One related article: stance, outlet and label, date, title, and the passage (highlighted)."""
    line = Text("  ")
    line.append(f"{STANCE_WORDS[match.stance]} ({match.stance_score:.2f})", style=STANCE_STYLES[match.stance])
    label = f", {match.outlet_label}" if match.outlet_label else ""
    line.append(f"  {match.outlet or 'unknown outlet'}{label} · {match.published or 'undated'}")
    if match.title:
        line.append(f" · {match.title}", style="dim")
    line.append("\n    “")
    line.append(match.passage.text, style="reverse")
    line.append("”")
    if match.url:
        line.append(f"\n    {match.url}", style="dim underline")
    return line


@report_section("coverage")
def render(report: Report) -> RenderableType | None:
    """Each claim searched, the summary in words (with the archive's size for the dates), then its related articles."""
    if "coverage" not in report.stages or not report.coverage_summary:
        return None
    parts: list[RenderableType] = []
    for summary in report.coverage_summary:
        head = Text("Headline: " if summary.claim_index is None else f"Claim {summary.claim_index + 1}: ", style="bold")
        head.append(summary.claim)
        parts.append(head)
        parts.append(Text(f"  {summary.summary}", style="italic"))
        parts.extend(match_line(m) for m in report.coverage if m.claim_index == summary.claim_index)
    return Panel(Group(*parts), title="Coverage by other outlets", title_align="left")
