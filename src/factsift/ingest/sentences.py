"""Split article text into sentences with exact character offsets.

A small rule-based splitter tuned for news prose: it knows titles ("Sen.", "Gov."),
initials ("J. Smith"), and dotted acronyms ("U.S.", "D.C."), and it is fast enough for
batch work.  Every sentence satisfies ``text[start:end] == sentence.text``.
"""

from __future__ import annotations

import re

from factsift.model import Sentence

ABBREVIATIONS = frozenset(
    """
    adm al approx apr assn atty aug ave blvd bros ca capt cf cit cmdr co col corp cpl dec dept det dr
    e.g est etc feb fig fri ft gen gov hon i.e inc insp jan jr jul jun llc lt ltd maj mar messrs mon mr
    mrs ms mt no nos nov oct op ph plc pres prof pvt rd rep reps rev sat sen sens sep sept sgt sr st sun
    supt thu thur thurs tue tues univ v vol vs wed
    """.split()
)
#: Words that usually open a sentence: after "U.S." they mark a real boundary.
SENTENCE_STARTERS = frozenset(
    """
    a according after although an and as at before but despite for he her his how however i if in it its
    many meanwhile most my officials on or our she since so some still that the their there these they
    this those though we what when where while who why yet you
    """.split()
)
#: A run of end marks (and closing quotes) before a space, a blank line, or a line break.  Written to open
#: with one character class (the branches read it back): the regex engine then skips to those characters.
_BOUNDARY = re.compile(r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[\"'”’)\]]*(?=\s)|(?<=\n)\s*\n|(?<=\n))")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_NEXT = re.compile(r"\s*([\"'“‘(\[]?)(\S*)")


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    mark = match.group(0)
    if "\n" in mark:
        return True
    following = _NEXT.match(text, match.end())
    if following is None or not following.group(2):
        return True
    opener, next_word = following.group(1), following.group(2)
    first = next_word[0]
    if not (first.isupper() or first.isdigit() or opener):
        return False
    if not mark.startswith(".") or mark.startswith(".."):
        return True
    before = text[max(0, match.start() - 64) : match.start()]
    # the run of non-space characters that ends the text before the mark, or at most one newline
    # before that end (what `(\S+)$` finds); "" when the mark follows other spaces
    tail = before[:-1] if before.endswith("\n") else before
    last = tail.rsplit(None, 1)[-1] if tail and not tail[-1].isspace() else ""
    token = last.lstrip("\"'“‘([")
    if not token:
        return True
    bare = token.lower()
    if bare in ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isupper():
        return False  # an initial: "J. Smith"
    if _ACRONYM.match(token):
        return next_word.strip("\"'“‘").lower() in SENTENCE_STARTERS
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets index ``text`` exactly."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        if text[end] != "\n":  # an end mark (a line break always ends a sentence, before it)
            if not _is_boundary(text, match):
                continue
            end = match.end()
        _append(text, start, end, sentences)
        start = match.end()
    _append(text, start, len(text), sentences)
    return sentences


def _append(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Add ``text[start:end]`` without its surrounding spaces as the next sentence, unless it is blank."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        out.append(Sentence(id=len(out), start=start, end=start + len(stripped), text=stripped))
