"""Where an expensive pattern can start: one fast search per article for a superset of its start positions.

A regex that opens with a lookbehind (a word boundary) or a case-insensitive alternation is tried
at every position of the text.  When every match must begin with one of a few known words (or a
digit), the pattern only needs trying where such a word starts.  Each pattern declares its words once,
as a :class:`WordGroup`; one search over the lower-cased article finds where any declared word starts
right after a non-word character, and :func:`finditer_at` then tries each pattern only at its own
group's positions, returning exactly the matches ``pattern.finditer`` would.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: Characters whose lower case moves the characters after it ("İ") or folds to an ASCII letter under
#: ``re.IGNORECASE`` without being one ("ſ" matches "s"): with any of them, a text is searched everywhere.
_CASE_UNSAFE = re.compile("[\u0130\u0131\u017f\u212a]")
#: Characters that end a word's literal start in a regex alternative (a quantifier or any regex syntax).
_SYNTAX = frozenset("\\[](){}?*+|.^$")
_WHITESPACE = re.compile(r"\s+")
#: What a group with ``digits`` also starts at: a digit or a currency sign.
_DIGIT_OR_CURRENCY = r"\d|[$£€]"


@dataclass(frozen=True)
class WordGroup:
    """The lower-case literal words some pattern's matches can start with, and whether a digit or currency sign."""

    words: frozenset[str]
    digits: bool = False


_GROUPS: list[WordGroup] = []
_LOCK = threading.Lock()


def word_group(words: Iterable[str], *, digits: bool = False) -> WordGroup:
    """Declare the words (lower case, literal; a word here also finds longer words it starts; a space stands for any
    run of whitespace) a pattern can start with, and whether it can start at a digit or currency sign; declared at
    import, before any article is read."""
    group = WordGroup(frozenset(words), digits)
    if not group.words or any(not w or w != w.lower() for w in group.words):
        raise ValueError("a word group needs non-empty, lower-case words")
    with _LOCK:
        _GROUPS.append(group)
    return group


@dataclass(frozen=True)
class _Finder:
    """The one search for every declared word, and which groups each literal it can report belongs to."""

    pattern: re.Pattern[str]
    groups_of: dict[str, frozenset[WordGroup]]
    declared: int


@functools.lru_cache(maxsize=4)
def _finder(declared: int) -> _Finder:
    """The search for the first ``declared`` groups' words: longest words first, grouped by first letter."""
    groups = _GROUPS[:declared]
    words = {word for group in groups for word in group.words}
    groups_of = {word: frozenset(g for g in groups if any(word.startswith(w) for w in g.words)) for word in words}
    return _Finder(re.compile(rf"\W(?=({words_regex(words)}|{_DIGIT_OR_CURRENCY}))"), groups_of, declared)


def words_regex(words: Iterable[str]) -> str:
    """A regex for any of ``words`` (literal; a space stands for any run of whitespace), longest first, grouped by
    first letter so the engine rejects most positions after one comparison."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        rest = r"\s+".join(re.escape(part) for part in word[1:].split(" "))
        by_first.setdefault(word[0], []).append(rest)
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in sorted(by_first.items()))


@functools.lru_cache(maxsize=8)
def lowered(text: str) -> str | None:
    """``text.lower()``, with every character where it was and ASCII words matching as under ``re.IGNORECASE``;
    None for a text holding a character that breaks either (then every position is a candidate)."""
    return None if _CASE_UNSAFE.search(text) else text.lower()


@functools.lru_cache(maxsize=8)
def _word_index(text: str) -> dict[WordGroup, list[int]] | None:
    """Sorted start positions of each declared group's words in ``text`` (0 included); None: search everywhere."""
    low = lowered(text)
    if low is None:
        return None
    finder = _finder(len(_GROUPS))
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for match in finder.pattern.finditer(low):
        positions[match[1]].append(match.end())  # the match is the one character before the word
    found: dict[WordGroup, set[int]] = {group: {0} for group in _GROUPS[: finder.declared]}
    digit_groups = [group for group in found if group.digits]
    for literal, starts in positions.items():
        key = literal if literal.isalnum() else _WHITESPACE.sub(" ", literal)
        for group in finder.groups_of.get(key, digit_groups):
            found[group].update(starts)
    return {group: sorted(starts) for group, starts in found.items()}


def word_starts(group: WordGroup, text: str) -> list[int] | None:
    """Sorted positions in ``text`` where ``group``'s words start, after a non-word character or at 0 (a superset
    of where its pattern can match); None when ``text`` must be searched everywhere (see :func:`lowered`)."""
    index = _word_index(text)
    if index is None or group not in index:
        return None
    return index[group]


def literal_starts(regex: str) -> list[str]:
    """The lower-case literal start of each alternative of a regex such as ``(?i:officials?|sources?)`` or
    ``(?:best|worst)\\s+ever|of\\s+all\\s+time`` (an alternative opening with a group: the starts of that group's).

    Every match of the regex begins with one of them, so these are safe words to search for.
    """
    starts = []
    for alternative in _alternatives(regex):
        if alternative.startswith(("(?:", "(?i:")):
            close = _closing_parenthesis(alternative)
            if alternative[close + 1 : close + 2] in ("?", "*", "{"):
                raise ValueError(f"no literal start in {alternative!r} (it opens with an optional group)")
            starts.extend(literal_starts(alternative[: close + 1]))
            continue
        prefix = ""
        for index, char in enumerate(alternative):
            if char in _SYNTAX or alternative[index + 1 : index + 2] in ("?", "*", "{"):
                break
            prefix += char
        if not prefix:
            raise ValueError(f"no literal start in {alternative!r}")
        starts.append(prefix.lower())
    return starts


def _alternatives(regex: str) -> list[str]:
    """The top-level alternatives of ``regex``, unwrapped from one group around all of it."""
    for opening in ("(?i:", "(?:"):
        if regex.startswith(opening) and _closing_parenthesis(regex) == len(regex) - 1:
            regex = regex[len(opening) : -1]
    alternatives, start = [], 0
    for index, depth in _depths(regex):
        if depth == 0 and regex[index] == "|":
            alternatives.append(regex[start:index])
            start = index + 1
    return [*alternatives, regex[start:]]


def _closing_parenthesis(regex: str) -> int:
    """The index of the parenthesis closing the group ``regex`` opens with."""
    for index, depth in _depths(regex):
        if depth == 0 and regex[index] == ")":
            return index
    raise ValueError(f"unbalanced group in {regex!r}")


def _depths(regex: str) -> Iterator[tuple[int, int]]:
    """Each unescaped character outside a character class, with the number of groups open after it."""
    depth, in_class, escaped = 0, False, False
    for index, char in enumerate(regex):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += (char == "(") - (char == ")")
            yield index, depth


def finditer_at(
    pattern: re.Pattern[str], text: str, starts: list[int] | None, pos: int = 0, endpos: int | None = None
) -> list[re.Match[str]]:
    """``list(pattern.finditer(text, pos, endpos))``, trying ``pattern`` only at ``starts`` (sorted, holding every
    position a match can start at; None: everywhere).  For patterns that never match the empty string."""
    endpos = len(text) if endpos is None else endpos
    if starts is None:
        return list(pattern.finditer(text, pos, endpos))
    found: list[re.Match[str]] = []
    end = pos
    for start in starts[bisect.bisect_left(starts, pos) :]:
        if start >= endpos:
            break
        if start < end:
            continue
        match = pattern.match(text, start, endpos)
        if match is not None:
            found.append(match)
            end = match.end()
    return found
