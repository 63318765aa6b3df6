"""The human-readable terminal report (rich).

The article header is drawn here; each concern draws its own section with a function
``(report) -> rich renderable | None`` registered by ``@report_section(name)`` (None: nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factsift.model import Report
from factsift.plugins import Registry

Section = Callable[[Report], Any]
#: Section renderers, top to bottom in registration order.
SECTIONS: Registry[Section] = Registry("section")


def report_section(name: str) -> Callable[[Section], Section]:
    """Register ``fn(report)`` as the terminal report's section called ``name``."""
    return SECTIONS.decorator(name)


def _shorten(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless it is one ("1 sentence", "13 sentences")."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def article_header(report: Report) -> Panel:
    """Headline, outlet, author, date and size of the cleaned article."""
    article = report.article
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    outlet = article.outlet
    outlet_text = " · ".join(x for x in (outlet.name, outlet.domain) if x) or "unknown"
    if outlet.found_in:
        outlet_text += f"  (from the {outlet.found_in})"
    words = len(article.text.split())
    rows = [
        ("Outlet", outlet_text),
        ("Author", article.author or "not given"),
        ("Published", article.published or "not given"),
        ("Language", article.language or "unknown"),
        ("Body", f"{_counted(words, 'word')}, {_counted(len(article.sentences), 'sentence')}"),
    ]
    if report.input.url:
        rows.append(("URL", report.input.url))
    for label, value in rows:
        table.add_row(label, Text(value))  # Text(): page content is never rich markup
    title = Text(article.title or "(no headline found)", style="bold")
    return Panel(Group(title, Text(""), table), title="Article", title_align="left")


def removed_section(report: Report) -> Panel | None:
    """What the cleaner took out of the page, by kind."""
    removed = report.article.removed
    if not removed:
        return None
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    table.add_column("kind")
    table.add_column("removed text")
    for piece in removed:
        table.add_row(piece.kind, Text(_shorten(piece.text)))
    return Panel(table, title=f"Removed page furniture ({len(removed)})", title_align="left")


def _sections(report: Report) -> list[Any]:
    parts = [render(report) for render in SECTIONS.items().values()]
    return [part for part in parts if part is not None]


def print_report(report: Report, console: Console | None = None) -> None:
    """Print the whole report for a person reading a terminal."""
    console = console or Console()
    if report.risk is not None and report.risk.summary:
        console.print(Text(report.risk.summary, style="bold"))  # the one line to read first
    console.print(article_header(report))
    removed = removed_section(report)
    if removed is not None:
        console.print(removed)
    for part in _sections(report):
        console.print(part)
    for error in report.errors:
        console.print(Text(f"stage {error.stage} failed: {error.message}", style="yellow"))
    timings = ", ".join(f"{name} {ms:.0f} ms" for name, ms in report.timings_ms.items())
    console.print(Text(f"Stages: {timings}", style="dim"))
