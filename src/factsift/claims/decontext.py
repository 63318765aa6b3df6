"""Light decontextualisation: make a claim searchable on its own when that is cheap and safe.

Only one case is handled, and only when it is obvious: a sentence that opens with a personal
pronoun ("He said …", "They reported …", "Its budget …") whose previous sentence opens with a
name. The pronoun is replaced by that name; the claim's span still points at the original text.
"""

from __future__ import annotations

import re

_LEADING = re.compile(r"^(He|She|They|It|His|Her|Their|Its)\b(?!['’])")
_POSSESSIVES = frozenset({"His", "Her", "Their", "Its"})
_PERSON_PRONOUNS = frozenset({"He", "She", "His", "Her"})
_THING_PRONOUNS = frozenset({"It", "Its"})
_TITLES = re.compile(
    r"^(?:President|Vice President|Secretary|Senator|Sen\.|Rep\.|Gov\.|Governor|Mayor|Dr\.|Mr\.|Mrs\.|Ms\.|"
    r"Prime Minister|Chancellor|General|Gen\.|Judge|Justice|Minister)\b"
)


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return bool(_TITLES.match(name)) or (len(words) >= 2 and all(w[0].isupper() and not w.isupper() for w in words))


def subject_of(previous: str, entities: list[str]) -> str | None:
    """The name a sentence opens with (its likely subject), title included ("Mayor Tomas Reyes")."""
    stripped = previous.lstrip("\"“'‘ ")
    for name in entities:
        position = stripped.find(name)
        if position < 0:
            continue
        prefix = stripped[:position].split()
        if len(prefix) <= 2 and all(_TITLES.match(word) or word[0].isupper() for word in prefix):
            if any(word.lower() in {"the", "a", "an"} for word in prefix):
                return None
            return stripped[: position + len(name)]
        return None
    return None


def standalone(sentence: str, previous: str | None, previous_entities: list[str]) -> str | None:
    """``sentence`` with a leading pronoun replaced by the previous sentence's subject, or None."""
    if previous is None:
        return None
    match = _LEADING.match(sentence)
    if match is None:
        return None
    subject = subject_of(previous, previous_entities)
    if subject is None:
        return None
    pronoun = match.group(1)
    person = _looks_like_person(subject)
    if pronoun in _PERSON_PRONOUNS and not person:
        return None
    if pronoun in _THING_PRONOUNS and person:
        return None
    replacement = subject + "'s" if pronoun in _POSSESSIVES else subject
    return replacement + sentence[match.end() :]
