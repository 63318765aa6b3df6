"""The signals section of the terminal report: a score bar per signal and its spans in context.

Article text is always wrapped in ``rich.text.Text`` (never markup), so a page containing
"[bold]" prints verbatim.
"""

from __future__ import annotations

import re

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from factsift.cli.render import report_section
from factsift.model import Report, Signal, Span

BAR_WIDTH = 20
CONTEXT_CHARS = 40
MAX_SPANS_SHOWN = 6


def score_bar(score: float) -> Text:
    """A fixed-width bar with the score, coloured by level."""
    filled = round(max(0.0, min(1.0, score)) * BAR_WIDTH)
    style = "red" if score >= 0.66 else "yellow" if score >= 0.33 else "green"
    bar = Text("█" * filled, style=style)
    bar.append("░" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {score:.2f}")
    return bar


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def span_in_context(source: str, span: Span) -> Text:
    """The span highlighted inside a window of the surrounding text, on one line."""
    start = max(0, span.start - CONTEXT_CHARS)
    end = min(len(source), span.end + CONTEXT_CHARS)
    line = Text("    " + ("…" if start > 0 else ""))
    line.append(_flat(source[start : span.start]))
    line.append(_flat(source[span.start : span.end]), style="bold reverse")
    line.append(_flat(source[span.end : end]))
    if end < len(source):
        line.append("…")
    if span.note:
        line.append(f"  ({span.note})", style="dim")
    return line


def headline_with_spans(title: str, spans: list[Span]) -> Text:
    """The whole headline once, each span highlighted; spans with different notes get different styles."""
    notes = list(dict.fromkeys(s.note or "" for s in spans))
    styles = ["bold reverse", "underline", "italic"]
    line = Text("    ")
    headline = Text(title)
    for span in spans:
        headline.stylize(styles[notes.index(span.note or "") % len(styles)], span.start, span.end)
    line.append_text(headline)
    names = {"bold reverse": "highlighted", "underline": "underlined", "italic": "in italics"}
    legend = "; ".join(f"{names[styles[i % len(styles)]]}: {note}" for i, note in enumerate(notes) if note)
    if legend:
        line.append(f"  ({legend})", style="dim")
    return line


def _signal_block(report: Report, item: Signal) -> list[Text]:
    head = Text(f"{item.name.replace('_', ' '):<24}", style="bold")
    head.append_text(score_bar(item.score))
    lines = [head]
    if item.error:
        lines.append(Text(f"    could not run: {item.error}", style="yellow"))
        return lines
    lines.append(Text("    " + item.explanation))
    title_spans = [s for s in item.spans if s.field == "title"]
    if title_spans and report.article.title:
        lines.append(headline_with_spans(report.article.title, title_spans))
    text_spans = [s for s in item.spans if s.field == "text"]
    for span in text_spans[:MAX_SPANS_SHOWN]:
        lines.append(span_in_context(report.article.text, span))
    if len(text_spans) > MAX_SPANS_SHOWN:
        lines.append(Text(f"    … and {len(text_spans) - MAX_SPANS_SHOWN} more", style="dim"))
    return lines


@report_section("signals")
def render(report: Report) -> Panel | None:
    """The signals panel, or None when the signals stage did not run."""
    if not report.signals:
        return None
    lines: list[Text] = []
    for item in report.signals:
        if lines:
            lines.append(Text(""))
        lines.extend(_signal_block(report, item))
    return Panel(Group(*lines), title="Warning signs in the writing (evidence, not a verdict)", title_align="left")
