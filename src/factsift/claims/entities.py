"""Named things a claim is about: runs of capitalised words and acronyms ("Defense Secretary James Mattis").

No tagger model: a run of capitalised words (with "of"/"de" inside, "U.S."-style acronyms too) is
an entity. A capitalised word that opens a sentence counts only when the article also writes it
capitalised mid-sentence (``known``), so "The", "Since" or "Newly" are not taken for names.
"""

from __future__ import annotations

import functools
import itertools
import re

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][\w'’.-]*\w|[A-Z]|\S+")
_CAPITAL = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][\w'’.-]*$")
_CONNECTORS = frozenset({"of", "de", "for"})
#: Capitalised only because they open the sentence.
_OPENERS = frozenset(
    """
    a an the in on at for by with from under over since after before when while during this that these those
    it he she they we i you what which who also but and or as if so yet then there here our their his her its
    """.split()
)
_NOT_NAMES = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}")
_POSSESSIVE = re.compile(r"['’]s$")
_ACRONYM_WORD = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z]{2,}$")


@functools.lru_cache(maxsize=200_000)
def _bare(word: str) -> str:
    acronym = _ACRONYM.match(word)
    if acronym:
        return acronym.group(0)
    return _POSSESSIVE.sub("", word.strip('.,;:!?"“”()[]'))


@functools.lru_cache(maxsize=200_000)
def _capital(raw: str) -> tuple[str, bool]:
    """A token without its punctuation and possessive, and whether that is capitalised (remembered)."""
    word = _bare(raw)
    return word, bool(word) and _CAPITAL.match(word) is not None


def _opens_name(word: str, following: list[str], known: set[str] | frozenset[str]) -> bool:
    """Is the sentence's capitalised first word part of a name (not just capitalised as an opener)?"""
    if word in known or _ACRONYM_WORD.match(word):
        return True
    if word.lower() in _OPENERS or not following:
        return False
    nxt = _bare(following[0])
    return bool(nxt) and bool(_CAPITAL.match(nxt)) and nxt == following[0]


def capitalised_words(text: str) -> set[str]:
    """Capitalised words that appear mid-sentence in ``text`` (evidence that a word is a name)."""
    words = _WORD.findall(text)
    known: set[str] = set()
    for previous, word in itertools.pairwise(words):
        bare, capital = _capital(word)
        if capital and not previous.endswith((".", "!", "?", "\n")):
            known.add(bare)
    return known


def find_entities(sentence: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Entity strings in ``sentence``, in order of first appearance, without duplicates."""
    words = _WORD.findall(sentence)
    runs: list[list[str]] = []
    current: list[str] = []
    for position, raw in enumerate(words):
        word, capital = _capital(raw)
        capital = capital and word[0].isalpha() and word not in _NOT_NAMES
        if capital and position == 0 and not _opens_name(word, words[1:2], known):
            capital = False
        if capital:
            current.append(word)
        elif current and raw in _CONNECTORS and position + 1 < len(words) and _capital(words[position + 1])[1]:
            current.append(raw)
        else:
            if current:
                runs.append(current)
            current = []
        if current and raw != word and raw.rstrip(".").endswith((",", ";", ":", ")", "'s", "’s", '"', "”")):
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    seen: list[str] = []
    for run in runs:
        while run and run[-1] in _CONNECTORS:
            run.pop()
        name = " ".join(run)
        if name and name not in seen:
            seen.append(name)
    return seen
