"""Where an article gives other people's words: direct quotations and clearly attributed claims.

A writing warning sign judges the writer's own voice.  A reporter who quotes a speaker calling an
election "rigged", or who reports that someone claimed fraud, is not using loaded language, so the
signs skip the text this module finds:

* **direct quotations** in straight or curly double quotes, within a paragraph (any number of
  sentences), or running to the paragraph's end when the next paragraph opens with a quotation mark
  (the convention for a quotation over several paragraphs);
* **single-quoted words** (``'rigged'``, ``‘rigged’``) when the sentence attributes them (a speech
  or claim word: "said", "called", "claims" ...) or they run to four words or more.  A short phrase in
  single or double quotes with no attribution in its sentence is a scare quote, the writer's own
  irony, and still counts;
* **reported claims**: the clause after a speaker's verb ("X said/claimed/alleged (that) ...", up to
  the sentence's end) and the claim after a claim noun ("claims of fraud", "allegations that ...", up
  to the next punctuation, at most a few words; "lawsuits alleging a rigged count" alike).  Only the
  claim itself, never the speaker's part of the sentence: "a liar, Trump said the vote was rigged"
  still counts "liar".

Hand-built patterns, no parser: conservative, so a miss leaves a word counted rather than hiding the
writer's own words.
"""

from __future__ import annotations

import bisect
import functools
import re

from factsift.signals.candidates import finditer_at, word_group, word_starts

#: Longest quotation looked for, in characters (a paragraph-long quote fits).
MAX_QUOTE = 1500
#: A quoted phrase this many words long or longer is a quotation even with no attribution nearby.
QUOTATION_WORDS = 4
#: At most this many words of a claim after "claims that", "allegations that" ...
CLAIM_CLAUSE_WORDS = 15
#: At most this many words of the thing claimed after "claims of", "allegations of" ... (a noun phrase).
CLAIM_PHRASE_WORDS = 6

#: Each pattern starts with its quotation mark, so the regex engine can jump from one mark to the next; a
#: single quote only opens where no letter or apostrophe comes before it (the lookbehind after the mark).
_QUOTE_PATTERNS = (
    # curly and straight double quotes in one left-to-right pass: a text mixing them pairs each mark once
    re.compile(
        rf"[“\"](?:(?<=“)[^”\n]{{1,{MAX_QUOTE}}}?(?:”|(?=\n\s*“))|(?<=\")[^\"\n]{{1,{MAX_QUOTE}}}?(?:\"|(?=\n\s*\")))"
    ),
    # an apostrophe inside a word ("country’s") is not a closing quote: the closing mark is not followed by a letter
    re.compile(r"‘(?<![\w’']‘)(?:[^’\n]|’(?=\w)){1,300}?’(?!\w)"),
    re.compile(r"'(?<![\w’']')(?=[^\W\d_])(?:[^'\n]|'(?=\w)){1,300}?(?<=[\w.,!?])'(?!\w)"),
)
_WORD = re.compile(r"\w+")
#: ``QUOTATION_WORDS`` words (runs of ``_WORD``) in a row: a search stops at the first such stretch.
_ENOUGH_WORDS = re.compile(rf"\w+(?:\W+\w+){{{QUOTATION_WORDS - 1}}}")
_SPEECH = (
    r"said|says|say|saying|claimed|claims|claim|claiming|alleged|alleges|allege|alleging|asserted|asserts"
    r"|insisted|insists|argued|argues|contended|contends|charged|wrote|writes|tweeted|tweets|posted|declared"
    r"|denied|denies|suggested|suggests|accused|accuses|called|calls|dubbed|described|describes|labell?ed"
    r"|branded|told|tells|warned|warns"
)
_ATTRIBUTED = re.compile(rf"(?<![\w-])(?:{_SPEECH}|according\s+to)\b", re.IGNORECASE)
#: Where a sentence ends: a stop followed by space or the end of the text, or a line break.
_SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’')]|$)|\n")
#: A speaker's verb introducing what was said: the claim starts right after it (after "that" if present).
#: A word or comma must come before it ("Trump said", "Hobbs, said"), and a word or quote right after it.
_CLAIM_VERB = re.compile(
    r"(?<=[\w,”\")’]\s)(?:said|says|claimed|claims|alleged|alleges|asserted|asserts|insisted|insists|argued"
    r"|argues|contended|contends|tweeted|declared)"
    r"(?:\s+that)?\s+(?!of\b)(?=[\w“\"‘'])"  # "claims of" is the noun: see _CLAIM_NOUN
    # verbs that also take a plain object ("denied the claims") introduce a claim only with "that"
    r"|(?<=[\w,”\")’]\s)(?:denied|denies|suggested|suggests)\s+that\s+(?=[\w“\"‘'])"
    r"|(?<=[\w,”\")’]\s)(?:told|tells|warned|warns)\s+(?:\w+\s+){1,3}?that\s+(?=[\w“\"‘'])"
    r"|(?<=[\w,”\")’]\s)(?:accused|accuses|accusing)\s+(?:\w+\s+){1,3}?of\s+(?=\w)",
    re.IGNORECASE,
)
_CLAIM_NOUN = re.compile(
    r"\b(?:claims?|allegations?|accusations?|charges|assertions?|rumou?rs?|(?:conspiracy\s+)?theor(?:y|ies)"
    r"|insinuations?|suggestions?)\s+(?:(?P<phrase>of)|that)\s+(?=\w)",
    re.IGNORECASE,
)
#: "lawsuits alleging a rigged count", "posts claiming that ...": a noun phrase, or a clause after "that".
_CLAIM_PARTICIPLE = re.compile(r"(?<=\w\s)(?:alleging|claiming)\s+(?:(?P<clause>that)\s+)?(?=\w)", re.IGNORECASE)
#: Where any of the three patterns above can start (word stems, matched case-insensitively at a word's start).
TRIGGER_STEMS = (
    "said", "says", "claim", "alleg", "assert", "insist", "argu", "contend", "tweet", "declar", "denied", "denies",
    "suggest", "told", "tells", "warn", "accus", "charges", "rumor", "rumour", "theor", "conspiracy", "insinuation",
)  # fmt: skip


def _trigger_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for the stems that starts with a set of first letters, so the engine jumps from candidate to
    candidate instead of trying every position (3x faster than ``\\b(?:stem|...)``, the same matches)."""
    by_first: dict[str, list[str]] = {}
    for stem in stems:
        by_first.setdefault(stem[0], []).append(re.escape(stem[1:]))
    letters = "".join(sorted(by_first))
    first = f"[{letters}{letters.upper()}]"
    branches = "|".join(f"(?<=[{c}{c.upper()}])(?:{'|'.join(rest)})" for c, rest in sorted(by_first.items()))
    return re.compile(rf"{first}(?<!\w{first})(?i:{branches})")


TRIGGER = _trigger_pattern(TRIGGER_STEMS)
#: Where a trigger can start, found by the article's one search for declared words (:mod:`.candidates`).
_TRIGGER_STARTS = word_group(TRIGGER_STEMS)
_CLAUSE_END = re.compile(r"[,;:()\[\]—–]|[.!?](?=[\s\"”’')]|$)|\n")
#: Where the noun phrase after "claims of" ends: the clause's end, or a word that starts a new part of it.
_PHRASE_END = re.compile(
    _CLAUSE_END.pattern + r"|\s(?:that|which|who|whom|were|was|is|are|had|has|have|by|from|after|before|because"
    r"|as|and|but|in|on)\b",
    re.IGNORECASE,
)


def reported_ranges(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` ranges of ``text`` that quote or report someone else's words."""
    return _merge([*_quotations(text), *_reported_claims(text)])


def quotation_ranges(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` ranges of ``text`` that are direct quotations (no reported claims)."""
    return _merge(list(_quotations(text)))


@functools.lru_cache(maxsize=32)
def _quotations(text: str) -> tuple[tuple[int, int], ...]:
    """The quotations of ``text``, remembered for the last few texts (two signs ask for the same article)."""
    return tuple(_find_quotations(text))


def _find_quotations(text: str) -> list[tuple[int, int]]:
    found = [(m.start(), m.end()) for pattern in _QUOTE_PATTERNS for m in pattern.finditer(text)]
    return [(start, end) for start, end in found if _is_quotation(text, start, end)]


def _is_quotation(text: str, start: int, end: int) -> bool:
    """A long quoted passage, or a short one whose sentence says who said it (else: a scare quote)."""
    if _ENOUGH_WORDS.search(text, start, end):
        return True
    sentence_start = _sentence_start(text, start)
    sentence_end = _sentence_end(text, end)
    outside = text[sentence_start:start] + " " + text[end:sentence_end]
    return _ATTRIBUTED.search(outside) is not None


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts: after the last sentence end in the ``MAX_QUOTE`` characters
    before it (as ``_SENTENCE_END`` finds them in that stretch), searched backwards from ``position``."""
    low = max(0, position - MAX_QUOTE)
    before = position
    while (end := max(text.rfind(mark, low, before) for mark in ".!?\n")) >= 0:
        if _SENTENCE_END.match(text, end, position):
            return end + 1
        before = end
    return low


def _sentence_end(text: str, position: int) -> int:
    match = _SENTENCE_END.search(text, position)
    return match.start() if match else len(text)


def _reported_claims(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    claims: list[tuple[re.Match[str], bool]] = []
    for trigger in finditer_at(TRIGGER, text, word_starts(_TRIGGER_STARTS, text)):
        start = trigger.start()
        if verb := _CLAIM_VERB.match(text, start):
            end = _sentence_end(text, verb.end())
            if end > verb.end():
                ranges.append((verb.end(), end))
        if noun := _CLAIM_NOUN.match(text, start):
            claims.append((noun, noun.group("phrase") is not None))
        if participle := _CLAIM_PARTICIPLE.match(text, start):
            claims.append((participle, participle.group("clause") is None))
    for match, phrase in claims:
        clause = (_PHRASE_END if phrase else _CLAUSE_END).search(text, match.end())
        end = clause.start() if clause else len(text)
        words = list(_WORD.finditer(text, match.end(), end))[: CLAIM_PHRASE_WORDS if phrase else CLAIM_CLAUSE_WORDS]
        if words:
            ranges.append((match.end(), words[-1].end()))
    return ranges


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def outside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` touches none of the sorted, non-overlapping ``ranges``."""
    index = bisect.bisect_right(ranges, (end, end)) - 1
    while index >= 0 and ranges[index][1] > start:
        if ranges[index][0] < end:
            return False
        index -= 1
    return True
