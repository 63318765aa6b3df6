"""What kind of text the user gave: an article, a short text or a transcript.

The headline and page-furniture heuristics only make sense where there is a headline and a body
for them to separate.  A short text (one claim, a post, a quote) and a transcript (speaker turns,
timestamps) are kept whole: every line of them is content the user wants checked.
"""

from __future__ import annotations

import re

from factsift.vocabulary import ArticleKind

__all__ = ["ArticleKind", "text_kind"]

#: Below this many words a plain text is a short text unless it opens with a headline.
SHORT_WORDS = 60
#: A first line of at least this many words, not itself prose, and followed by body text, is a headline.
HEADLINE_WORDS = 4
#: A transcript has at least this many speaker or timestamp lines ...
MIN_TURNS = 3
#: ... making up at least this share of its lines.
MIN_TURN_SHARE = 0.3

_SPEAKER = re.compile(
    r"^\s*(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?"
    r"((?:[A-Z][\w.'’-]*|[A-Z]{2,}\.?)(?:\s+(?:[A-Z][\w.'’-]*|[A-Z]{2,}\.?)){0,3}|Q|A)\s*:\s+\S"
)
_TIMESTAMP = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s+\S")
#: Labels that open lines of an article without making it a transcript ("UPDATE: ...", "Photo: ...").
_NOT_SPEAKERS = frozenset(
    "update updated editor's note note photo photos image video watch listen read more related source sources "
    "credit correction breaking exclusive warning disclaimer tags filed under".split()
)
_PARAGRAPH_END = re.compile(r"[.!?…:;\"”’')\]]$")


def _is_turn(line: str) -> str | None:
    """The speaker (or ``"@time"``) a transcript line opens with, or None for any other line."""
    speaker = _SPEAKER.match(line)
    if speaker and speaker.group(1).lower().rstrip(".") not in _NOT_SPEAKERS:
        return speaker.group(1).upper()
    if _TIMESTAMP.match(line):
        return "@time"
    return None


def _is_paragraph(line: str) -> bool:
    """A line that reads as body prose (the furniture cleaner's notion of a paragraph)."""
    words = len(line.split())
    return words >= 25 or (words >= 8 and bool(_PARAGRAPH_END.search(line)))


def text_kind(text: str) -> ArticleKind:
    """Whether plain ``text`` is a transcript, a short text or an article (see the module docstring)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    turns = [turn for turn in map(_is_turn, lines) if turn is not None]
    speakers = {turn for turn in turns if turn != "@time"}
    if len(turns) >= MIN_TURNS and len(turns) >= MIN_TURN_SHARE * len(lines) and (len(speakers) >= 2 or not speakers):
        return "transcript"
    if not any(map(_is_paragraph, lines)):
        return "short"
    headed = len(lines) > 1 and len(lines[0].split()) >= HEADLINE_WORDS and not _is_paragraph(lines[0])
    if len(text.split()) < SHORT_WORDS and not headed:
        return "short"
    return "article"
