"""Guess an article's language from its most common function words (no model needed)."""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS = {
    "en": "the and of to in is that for it was on with as by are be this have from at not but".split(),
    "de": "der die und das ist nicht mit den von ein eine auf sich dem des zu im für auch wird".split(),
    "fr": "le la les et des est une que dans pour pas qui sur par du au avec sont ce il elle".split(),
    "es": "el la los las de que y en un una por con para es del se no al lo como más".split(),
    "it": "il la di che e un una per non sono con del della le gli nel alla anche come".split(),
    "nl": "de het een en van is dat op te in niet met voor zijn er die aan ook als".split(),
    "pt": "o a os as de que e do da em um uma para com não por se na no mais".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Each stopword with the languages it belongs to, so a text is read once, not once per language.
_LANGUAGES_OF: dict[str, list[str]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in set(_words):
        _LANGUAGES_OF.setdefault(_word, []).append(_lang)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the best-matching language, or None when the text is too short to tell."""
    words = _WORD.findall(text[:20000])
    if len(words) < 8:
        return None
    tally = Counter(map(str.lower, words))
    counts = {lang: 0 for lang in _STOPWORDS}
    for word, languages in _LANGUAGES_OF.items():
        seen = tally.get(word)
        if seen:
            for lang in languages:
                counts[lang] += seen
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] / len(words) < 0.08:
        return None
    return best
