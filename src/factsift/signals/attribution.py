"""Find who the article says its statements come from: named speakers and unnamed ones.

Hand-built patterns over the raw text (no parser model: the core must stay small and fast).
An *anonymous* attribution puts an unnamed speaker behind a statement ("intelligence sources
confirmed", "according to U.S. officials", "a senior official familiar with the talks said",
"speaking on condition of anonymity"); a *named* one gives a person or an organisation as the
speaker ("Mattis told reporters", "said Jane Doe", "according to the Pentagon", "the ministry
said").  Where both readings overlap, the anonymous one wins: "Pentagon officials said" names an
institution but not the people speaking for it.  The outlet citing itself ("as True Pundit
reported") is neither.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Literal

from factsift.signals.candidates import finditer_at, literal_starts, lowered, word_group, word_starts

Kind = Literal["anonymous", "hedge", "named", "self"]

# --- building blocks -------------------------------------------------------------------------

_SPEECH = (
    r"(?:said|says|say|saying|told|tells|tell|confirmed|confirms|confirm|revealed|reveals|reveal|claimed|claims"
    r"|stated|reported|disclosed|discloses|added|adds|noted|warned|warns|explained"
    r"|insisted|insists|admitted|admits|acknowledged|acknowledges|indicated|indicates|suggested|suggests"
    r"|believe|believes|believed|alleged|alleges|allege|estimated|estimates|described|describes|announced"
    r"|announces|wrote|writes|asserted|asserts|argued|argues|contended|contends|maintained|maintains|cautioned"
    r"|predicted|predicts|speculated|hinted|feared|expect|expected|conceded"
    r"|emphasi[sz]ed|stressed|stresses|testified|recalled|recalls|replied|responded|posted|tweeted)"
)
_SAID_AFTER = r"(?:said|says|added|noted|explained|confirmed|reported|wrote|claimed|warned|stated|told\s+\w+)"
_DET = (
    r"(?i:(?:a|an|the|one|two|three|four|five|six|seven|several|some|many|numerous|multiple|other|various|few"
    r"|a\s+few|a\s+handful\s+of|a\s+number\s+of|a\s+pair\s+of|one\s+of\s+the|two\s+of\s+the|\d+)\s+)?"
)
_MOD = (
    r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Za-z]*(?:[’'-][A-Za-z]+)?"
    r"|(?i:senior|top|high[- ]ranking|high[- ]level|low[- ]level"
    r"|mid[- ]level|ranking|former|current|retired|serving|administration|government|military|intelligence"
    r"|defen[cs]e|security|diplomatic|police|law[- ]enforcement|federal|state|local|western|foreign"
    r"|congressional|campaign|party|knowledgeable|well[- ]placed|highly[- ]placed|reliable|trusted|informed"
    r"|unnamed|anonymous|unidentified|independent|industry|company|agency|official|multiple|several|other"
    r"|us|american|russian|chinese|iranian|israeli|british|european|syrian|iraqi|ukrainian|turkish))"
)
_HEAD = (
    r"(?i:officials?|sources?|insiders?|aides?|staffers?|advis[eo]rs?|diplomats?|whistle-?blowers?|informants?"
    r"|analysts?|experts?|observers?|operatives?|officers?|investigators?|confidants?|someone|somebody)"
)
# "people"/"persons"/"individuals" are only a source when qualified: "people familiar with the matter".
_PEOPLE = r"(?i:people|persons?|individuals?|associates?|friends?|allies|ally|members?|employees?)"
_ANY = r"(?:[^,;.\n]|\.(?=\w))"  # a phrase character; a dot only inside "U.S."-style tokens
_QUAL = (
    r"(?:(?:who\s+(?:are|were|is|was)\s+)?(?:familiar|close|involved|knowledgeable|briefed|privy)\s+(?:with|to|in|on|about)\s+"
    + _ANY
    + r"{1,60}?|with\s+(?:direct\s+|first-?hand\s+|intimate\s+|detailed\s+)?knowledge\s+(?:of\s+)?"
    + _ANY
    + r"{1,60}?|who\s+(?:spoke|talked|spoke\s+exclusively)\s+(?:to|with)\s+"
    + _ANY
    + r"{1,40}?|who\s+(?:asked|requested|declined|refused|wished)\s+(?:not\s+)?to\s+be\s+(?:named|identified)"
    r"|(?:who\s+(?:were|was|is|are)\s+)?not\s+authori[sz]ed\s+to\s+(?:speak|discuss|comment)"
    + _ANY
    + r"{0,40}?|(?:speaking\s+)?on\s+(?:the\s+)?condition\s+of\s+anonymity)"
)
_ANON_NP = rf"{_DET}(?:{_MOD}[^\S\n]+){{0,4}}{_HEAD}"
_QUALIFIED_NP = rf"{_DET}(?:{_MOD}[^\S\n]+){{0,4}}(?:{_HEAD}|{_PEOPLE})\s*,?\s*{_QUAL}"
#: Where a trailing source phrase ends: punctuation, the end, or the next clause.
_CLAUSE_END = r"(?=\s*(?:[,;:\"”)\n]|\.(?!\w)|$)|\s+(?:that|and|but|which|to|in|on|as|the)\b)"
_PUNCT_END = r"(?=\s*(?:[,;:\"”)\n]|\.(?!\w)|$))"
_ADV = r"(?:(?:have|has|had|also|now|privately|reportedly|later|previously|repeatedly|recently|earlier)\s+){0,2}"

_NAME_TOKEN = r"(?:Mc[A-Z][a-z]+|[A-Z][a-z]+(?:[-’'][A-Z][A-Za-z]+)*|[A-Z](?:\.[A-Z])+\.?|[A-Z]\.|[A-Z]{2,})"
_NAME = (
    rf"{_NAME_TOKEN}(?:[^\S\n]+(?:(?:of|for|de|del|da|al|bin|van|von|der|le|la)\s+(?:the\s+)?)?{_NAME_TOKEN}){{0,5}}"
)

_WB = r"(?<![\w’'-])"

_ANONYMOUS_PATTERNS: list[tuple[re.Pattern[str], Kind, str]] = [
    (
        re.compile(rf"{_WB}(?i:according)\s+to\s+(?:{_QUALIFIED_NP}|{_ANON_NP}(?:\s*,?\s*{_QUAL})?){_CLAUSE_END}"),
        "anonymous",
        "unnamed source",
    ),
    (
        re.compile(
            rf"{_WB}(?i:according)\s+to\s+(?:(?:some|several|many|unconfirmed|media|local|news|press|multiple|recent)\s+)+"
            r"(?:reports|accounts|rumou?rs)\b|(?i:according)\s+to\s+reports\b"
        ),
        "anonymous",
        "unnamed reports",
    ),
    (
        re.compile(rf"{_WB}(?:{_QUALIFIED_NP}|{_ANON_NP})\s*,?\s*{_ADV}{_SPEECH}\b"),
        "anonymous",
        "unnamed source",
    ),
    (
        re.compile(rf"{_WB}{_SAID_AFTER}\s+(?:{_QUALIFIED_NP}|{_ANON_NP}(?:\s*,?\s*{_QUAL})?){_PUNCT_END}"),
        "anonymous",
        "unnamed source",
    ),
    (
        re.compile(
            rf"{_WB}(?:speaking\s+)?on\s+(?:the\s+)?condition\s+of\s+anonymity\b"
            r"|\bwho\s+(?:asked|requested|declined|refused|wished)\s+(?:not\s+)?to\s+be\s+(?:named|identified)\b"
        ),
        "anonymous",
        "source kept anonymous",
    ),
    (
        re.compile(
            rf"{_WB}(?:(?:unnamed|anonymous|unidentified)\s+(?:[\w.]+\s+){{0,2}}?{_HEAD}"
            rf"|(?:{_MOD}[^\S\n]+)?insiders?"
            rf"|(?:intelligence|government|military|administration|diplomatic|well[- ]placed|highly[- ]placed"
            rf"|reliable|trusted|senior|our|my|inside)\s+sources)\b"
        ),
        "anonymous",
        "unnamed source",
    ),
    (
        re.compile(
            rf"{_WB}(?:it\s+is|it's|it’s|it\s+has\s+been|it\s+was)\s+(?:widely\s+|being\s+|now\s+|also\s+)?"
            r"(?:said|rumou?red|reported|believed|claimed|alleged|whispered)\b"
            r"|\b(?:many|some|a\s+lot\s+of)\s+(?:people\s+)?(?:are\s+saying|say|believe|claim)\b"
            r"|\b(?:rumou?rs|reports|word)\s+(?:are|is|have|has)\s+(?:swirling|circulating|emerged|emerging|surfaced)\b"
            r"|\breportedly\b"
        ),
        "hedge",
        "hedged attribution",
    ),
]

_NAMED_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # "Mattis said", "Sarah Sanders, the White House press secretary, said", "Reuters reported"
    (re.compile(rf"{_WB}(?P<name>{_NAME})(?:\s*,\s*[^,;.\"”\n]{{2,80}}?,|\s*,)?\s+{_ADV}{_SPEECH}\b"), "speaker"),
    # "said Jane Doe", "said Defense Secretary Jim Mattis"
    (re.compile(rf"{_WB}{_SAID_AFTER}\s+(?P<name>{_NAME})"), "speaker"),
    # "according to the Pentagon", "according to John Smith"
    (re.compile(rf"{_WB}(?i:according)\s+to\s+(?:the\s+|an?\s+)?(?P<name>{_NAME})"), "according to"),
    # "a Pentagon spokesman said", "the Kremlin's press office said"
    (
        re.compile(
            rf"{_WB}(?:the\s+|an?\s+)?(?P<name>{_NAME})(?:’s|'s)?\s+(?:spokes(?:man|woman|person)|press\s+"
            rf"(?:office|secretary|service)|statement)\s+{_ADV}{_SPEECH}\b"
        ),
        "organisation",
    ),
    # institutions on the record: "the ministry said", "the company said in a statement"
    (
        re.compile(
            rf"{_WB}(?i:the)\s+(?:ministry|department|agency|company|government|army|military|police|court|prosecutors?"
            rf"|embassy|committee|council|commission|office|firm|organi[sz]ation|spokes(?:man|woman|person))"
            rf"\s+{_ADV}(?:said|says|stated|confirmed|announced|added|told)\b"
        ),
        "institution",
    ),
    # a named speaker continued with a pronoun: "he said", "she told reporters"
    (re.compile(rf"{_WB}(?:he|she)\s+{_ADV}(?:said|says|told|added|explained|noted|wrote)\b"), "pronoun"),
]

#: Capitalised words that are not names (sentence openers, source nouns, days, months).
_NOT_NAMES = frozenset(
    """
    a an the he she it they we i you this that these those there here but and or so yet as if when while after
    before since because although though however meanwhile also then now today yesterday tomorrow
    officials official sources source insiders insider experts expert analysts analyst aides aide people
    critics observers reports report many some several others other both all most more few one two three
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december mr mrs ms dr his her their its our my your what who why how which
    according earlier later still even just only indeed instead half twitter facebook story well
    republicans democrats republican democrat conservatives liberals rep sen gov
    """.split()
)


@dataclass(frozen=True)
class Attribution:
    """One place where the text says who a statement comes from."""

    start: int
    end: int
    kind: Kind
    note: str


#: Patterns that cannot match unless the case-folded text contains one of these: skipped cheaply otherwise.
_REQUIRED_WORDS: dict[int, tuple[str, ...]] = {
    1: ("according",),
    4: ("anonymity", "named", "identified"),
    5: ("unnamed", "anonymous", "unidentified", "insider", "sources"),
}
#: Patterns that can only match around a source noun ("officials", "people" ...): searched only there.
_NEEDS_SOURCE_NOUN = frozenset({0, 2, 3, 5})
#: The only characters a match of these patterns can begin with ("according …"; "said …", "told …").
_FIRST_CHARACTERS: dict[int, frozenset[str]] = {0: frozenset("aA"), 3: frozenset("sanecrwt")}
_SOURCE_NOUN = re.compile(rf"(?<![\w’'-])(?:{_HEAD}|{_PEOPLE})(?![\w’'-])")
#: Every named pattern contains a speech verb or "according": searched only around one.
_SPEECH_WORD = re.compile(rf"(?<![\w’'-])(?:{_SPEECH}|(?i:according))(?![\w’'-])")
#: Where each pattern searched over the whole text can start (:mod:`factsift.signals.candidates`).
_SOURCE_NOUN_STARTS = word_group(literal_starts(_HEAD) + literal_starts(_PEOPLE))
_SPEECH_WORD_STARTS = word_group([*literal_starts(_SPEECH), "according"])
_ANYWHERE_STARTS = {
    4: word_group(["speaking ", "on ", "who "]),
    6: word_group(["it ", "it'", "it’", "many ", "some ", "a lot of ", "rumo", "reports ", "word ", "reportedly"]),
}
#: Pattern 1's second branch has no word boundary: it is tried wherever "according" is.
_ACCORDING = re.compile("according")
_WINDOW_BEFORE = 140
_WINDOW_AFTER = 220


def _windows(text: str, hints: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Merged stretches of ``text`` around each of the ``hints``, wide enough for any full match."""
    windows: list[tuple[int, int]] = []
    for match in hints:
        lo, hi = max(0, match.start() - _WINDOW_BEFORE), min(len(text), match.end() + _WINDOW_AFTER)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


_WORD_START = re.compile(r"(?<![\w’'.-])[\w“\"(]")
#: How many words before a source noun a match may start ("according to two senior U.S. intelligence officials").
_WORDS_BEFORE_NOUN = 9


def _starts_near_nouns(text: str) -> list[int]:
    """Word starts from ``_WORDS_BEFORE_NOUN`` words before each source noun up to the noun itself."""
    chosen: set[int] = set()
    for noun in (m.start() for m in finditer_at(_SOURCE_NOUN, text, word_starts(_SOURCE_NOUN_STARTS, text))):
        reach = 96  # characters back from the noun; widened until it holds enough words (or the text's start)
        while True:
            low = max(0, noun - reach)
            starts = [m.start() for m in _WORD_START.finditer(text, low, noun + 1)]
            if len(starts) > _WORDS_BEFORE_NOUN or low == 0:
                break
            reach *= 2
        chosen.update(starts[-_WORDS_BEFORE_NOUN - 1 :])
    return sorted(chosen)


def _matches_from(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """Matches of ``pattern`` that begin at one of ``starts`` (the caller knows no other can exist)."""
    found = (pattern.match(text, start) for start in starts)
    return [m for m in found if m is not None]


#: Where each named pattern can start (its first character, after one no word holds): a capital for a name,
#: "the", "a"/"an", "he"/"she"; None: at a speech verb or "according" (:data:`_SPEECH_WORD`).
_NAMED_STARTS: tuple[re.Pattern[str] | None, ...] = (
    re.compile(r"[A-Z](?<![\w’'-][A-Z])"),
    None,
    None,
    re.compile(r"[A-Zta](?<![\w’'-][A-Zta])(?:(?<=[A-Z])|(?<=t)he\s|(?<=a)n?\s)"),
    re.compile(r"[tT](?<![\w’'-][tT])(?i:he)\s"),
    re.compile(r"[hs](?<![\w’'-][hs])(?:(?<=h)e|(?<=s)he)\s"),
)


def _matches(
    pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]], first: re.Pattern[str] | list[int]
) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` restricted to ``windows``, tried only where ``first`` (a search, or sorted
    positions) says it can start (same matches, far less scanning)."""
    found: dict[tuple[int, int], re.Match[str]] = {}
    for lo, hi in windows:
        starts = first if isinstance(first, list) else [m.start() for m in first.finditer(text, lo, hi)]
        for window_match in finditer_at(pattern, text, starts, lo, hi):
            # Re-match on the whole text so the window's edge never stands in for the end of text.
            match = pattern.match(text, window_match.start()) if hi < len(text) else window_match
            if match is not None:
                found.setdefault(match.span(), match)
    return [found[key] for key in sorted(found)]


def _is_name(candidate: str) -> bool:
    words = [re.sub(r"[’']s$", "", w).strip(".’'") for w in candidate.split()]
    return any(w and w.lower() not in _NOT_NAMES for w in words if w[:1].isupper())


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` overlaps a range in ``taken`` (kept sorted and non-overlapping)."""
    index = bisect.bisect_left(taken, (start, start))
    if index < len(taken) and taken[index][0] < end:
        return True
    return index > 0 and taken[index - 1][1] > start


def _take(start: int, end: int, taken: list[tuple[int, int]]) -> None:
    bisect.insort(taken, (start, end))


def find_attributions(text: str, outlet_name: str | None = None) -> list[Attribution]:
    """Every anonymous, hedged, named and self-citing attribution in ``text``, in reading order.

    Overlapping matches are resolved longest-first within a kind, and anonymous readings win
    over named ones.  ``outlet_name`` lets the outlet citing itself count as neither.
    """
    found: list[Attribution] = []
    taken: list[tuple[int, int]] = []
    candidates: list[tuple[int, int, Kind, str]] = []
    starts = _starts_near_nouns(text)
    folded = text.casefold()  # casefold, like IGNORECASE matching: "ſources" still counts
    for index, (pattern, kind, note) in enumerate(_ANONYMOUS_PATTERNS):
        required = _REQUIRED_WORDS.get(index)
        if required is not None and not any(word in folded for word in required):
            continue
        if index in _NEEDS_SOURCE_NOUN:
            first = _FIRST_CHARACTERS.get(index)
            matches = _matches_from(pattern, text, starts if first is None else [i for i in starts if text[i] in first])
        elif index in _ANYWHERE_STARTS:
            matches = finditer_at(pattern, text, word_starts(_ANYWHERE_STARTS[index], text))
        else:
            low = lowered(text)
            matches = finditer_at(pattern, text, None if low is None else [m.start() for m in _ACCORDING.finditer(low)])
        candidates.extend((m.start(), m.end(), kind, note) for m in matches)
    # Longest first so "according to officials who spoke to X" beats its parts.
    for start, end, kind, note in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        start, end = _trim(text, start, end)
        if end > start and not _overlaps(start, end, taken):
            found.append(Attribution(start, end, kind, note))
            _take(start, end, taken)
    outlet = (outlet_name or "").strip().lower()
    speech_words = finditer_at(_SPEECH_WORD, text, word_starts(_SPEECH_WORD_STARTS, text))
    verbs = _windows(text, speech_words)
    verb_starts = [m.start() for m in speech_words]
    for (named_pattern, note), named_start in zip(_NAMED_PATTERNS, _NAMED_STARTS, strict=True):
        for match in _matches(named_pattern, text, verbs, verb_starts if named_start is None else named_start):
            start, end = _trim(text, match.start(), match.end())
            if end <= start or _overlaps(start, end, taken):
                continue
            name = match.groupdict().get("name")
            if name is not None and not _is_name(name):
                continue
            is_self = bool(outlet) and name is not None and outlet in name.lower()
            found.append(
                Attribution(start, end, "self" if is_self else "named", "the outlet itself" if is_self else note)
            )
            _take(start, end, taken)
    return sorted(found, key=lambda a: a.start)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


@functools.lru_cache(maxsize=32)
def cached_attributions(text: str, outlet_name: str | None = None) -> tuple[Attribution, ...]:
    """:func:`find_attributions`, remembered for the last few texts (several signals ask for the same article)."""
    return tuple(find_attributions(text, outlet_name))
