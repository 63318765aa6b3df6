"""The risk section of the terminal report: the summary line first, then what moved the score."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factsift.cli.render import report_section
from factsift.model import Report

_STYLE = {"low": "green", "elevated": "yellow", "high": "bold red"}


@report_section("risk")
def render(report: Report) -> Panel | None:
    """A panel with the plain-language summary, the score, each contribution and the caveats."""
    risk = report.risk
    if risk is None:
        return None
    style = _STYLE.get(risk.label, "bold")
    parts: list[object] = [Text(risk.summary or f"Risk {risk.score:.0%} ({risk.label})", style=style)]
    if risk.contributions:
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
        table.add_column("evidence")
        table.add_column("effect", justify="right")
        table.add_column("value")
        explained: set[str] = set()  # a note is written out once; the rows after it point back to it
        for item in risk.contributions:
            value = "" if item.value is None else str(item.value)
            if item.note:
                effect, value = (
                    "no weight",
                    f"{value}: {item.note if item.note not in explained else 'no information either'}",
                )
                explained.add(item.note)
            elif abs(item.effect) >= 0.005:
                effect = f"{item.effect * 100:+.0f} pts"
            else:
                effect = "<1 pt"
            table.add_row(Text(item.evidence), Text(effect), Text(value))
        parts += [Text(""), table]
    if risk.caveats:
        parts.append(Text(""))
        parts += [Text(f"• {note}", style="dim") for note in risk.caveats]
    if risk.model is not None:
        parts.append(Text(f"model {risk.model.name} {risk.model.version}", style="dim"))
    title = f"Risk: {risk.score:.0%} ({risk.label})"
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)  # type: ignore[arg-type]
