"""Words of a claim for keyword search and overlap features: lower case, no stopwords, no links or handles."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_NOISE = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+|@\w+|&\w+;")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor
    not of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves s t don now says
    said say also via rt amp one two new like get got""".split()
)
MAX_QUERY_TERMS = 40


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` with links, handles and HTML entities removed."""
    return [w.replace("’", "'") for w in _TOKEN.findall(_NOISE.sub(" ", text).lower())]


def stem(word: str) -> str:
    """A light suffix strip (plural, possessive) so "strikes" meets "strike" in overlap features."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_terms(text: str) -> list[str]:
    """Distinct content words of ``text`` in order of first use (at most ``MAX_QUERY_TERMS``)."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        seen.setdefault(word.split("'")[0] if "'" in word else word, None)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def stems(text: str) -> set[str]:
    """The set of stemmed content words, for overlap between a claim and a review."""
    return {stem(w) for w in content_terms(text)}
