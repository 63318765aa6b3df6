"""Surface cues of a checkable statement: numbers, attributions, comparatives, past-tense events.

These small lexicons serve twice: as dense features of the check-worthiness model, and to say
which *kind* of claim a sentence makes. They are written for news prose as much as for speech,
so a model trained on debate transcripts still sees the cues that news sentences carry.
"""

from __future__ import annotations

import functools
import re

#: Mojibake and typographic variants that training transcripts and scraped pages carry.
_NORMALISE = (
    ("Ã¢â‚¬â„¢", "'"),
    ("Ã¢â‚¬Å“", '"'),
    ("Ã¢â‚¬\x9d", '"'),
    ("Ã¢â‚¬â€œ", "-"),
    ("Ã¢â‚¬â€", "-"),
    ("â€™", "'"),
    ("’", "'"),
    ("‘", "'"),
    ("“", '"'),
    ("”", '"'),
    ("—", " - "),
    ("–", "-"),
)

TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[$€£]?\d+(?:[,.]\d+)*%?|\w+(?:['-]\w+)*|[^\w\s]")
NUMBER = re.compile(r"\d")
PERCENT = re.compile(r"\d\s*%|\bper ?cent\b", re.IGNORECASE)
MONEY = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s*(?:dollars|euros|pounds)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")

NUMBER_WORDS = frozenset(
    """
    two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy
    eighty ninety hundred hundreds thousand thousands million millions billion billions trillion trillions
    dozen dozens half third quarter percent twice double doubled tripled halved majority
    """.split()
)
_ATTRIBUTION_WORDS = (
    r"said|says|say|told|reported|reports|confirmed|announced|stated|claimed|claims|"
    r"testified|wrote|admitted|acknowledged|revealed|disclosed|estimated|estimates|found|showed|shows|"
    r"sources?|officials?|spokes(?:man|woman|person)|data|survey|study|poll|records?|statistics"
)
#: The attribution and comparative patterns' alternatives of more than one word.
ATTRIBUTION_PHRASES = ("according to",)
ATTRIBUTION = re.compile(rf"\b(?:{_ATTRIBUTION_WORDS}|according to)\b", re.IGNORECASE)
_COMPARATIVE_THAN = (
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|faster|slower|cheaper|worse|better)\s+than\b|"
    r"\b\w+er than\b"
)
_COMPARATIVE_SINGLE_WORDS = (
    r"most|least|largest|biggest|highest|lowest|smallest|fastest|worst|best|first|last|record|only|never|ever|"
    r"increase[ds]?|decrease[ds]?|rose|fell|grew|doubled|tripled|dropped|declined|surged|cut"
)
COMPARATIVE_PHRASES = ("times as", "twice as", "half as", "as many as", "as much as", "compared to", "compared with")
#: Text without any of these holds none of the phrases (each phrase contains one): a quicker first look.
ATTRIBUTION_PHRASE_HINTS = ("according to",)
COMPARATIVE_PHRASE_HINTS = (" as", "compared ")
_COMPARATIVE_WORDS = (
    rf"\b(?:{_COMPARATIVE_SINGLE_WORDS}|times as|twice as|half as|as many as|as much as|compared (?:to|with))\b"
)
COMPARATIVE = re.compile(f"{_COMPARATIVE_THAN}|{_COMPARATIVE_WORDS}", re.IGNORECASE)
IRREGULAR_PAST = frozenset(
    """
    was were had did became began brought built bought came caught chose cost cut drew drove ate fell felt
    fought found fled flew forgot forgave froze got gave went grew hung heard hid hit held hurt kept knew
    laid led left lent let lay lost made meant met paid put quit ran rose saw sought sold sent set shook
    shot shut sang sank sat slept slid spoke spent spun split spread stood stole stuck struck swore swept
    swam took taught tore told thought threw understood woke wore won withdrew wrote
    """.split()
)
NOT_PAST_ED = frozenset("need indeed seed feed speed bed red shed weed bleed breed greed creed hundred".split())
FIRST_PERSON = frozenset(
    "i i'm i've i'd i'll me my mine myself we we're we've we'll we'd us our ours ourselves".split()
)
SECOND_PERSON = frozenset("you you're you've you'll you'd your yours yourself yourselves".split())
MODALS = frozenset("will would should could must might may shall can can't won't wouldn't shouldn't ought".split())
OPINION = frozenset(
    """
    think believe feel hope want wish guess suppose agree disagree opinion ought deserve need needs
    important wrong right great terrible wonderful proud glad thank thanks welcome question
    """.split()
)
#: The case-blind patterns above, for text already lower-cased (the same matches, found faster).
PERCENT_LOWER = re.compile(PERCENT.pattern)
MONEY_LOWER = re.compile(MONEY.pattern)
ATTRIBUTION_LOWER = re.compile(ATTRIBUTION.pattern)
#: ``COMPARATIVE`` in two halves for lower-cased text: the "than" half is searched only when "than" occurs.
COMPARATIVE_THAN_LOWER = re.compile(_COMPARATIVE_THAN)
COMPARATIVE_WORDS_LOWER = re.compile(_COMPARATIVE_WORDS)
#: The one-word alternatives of ``ATTRIBUTION`` and ``COMPARATIVE``, for a lower-cased word.
ATTRIBUTION_WORD_LOWER = re.compile(rf"\b(?:{_ATTRIBUTION_WORDS})\b")
COMPARATIVE_WORD_LOWER = re.compile(rf"\b(?:{_COMPARATIVE_SINGLE_WORDS})\b")
#: A digit followed by a letter ("1990s", "5th"): the one place two tokens join into one run of word characters.
DIGIT_LETTER = re.compile(r"\d[^\W\d]")
HEDGES = frozenset("maybe perhaps probably possibly likely unlikely seems appears apparently".split())


def normalise(text: str) -> str:
    """Fold mojibake and typographic quotes so training transcripts and news pages tokenise alike."""
    for bad, good in _NORMALISE:
        if bad in text:
            text = text.replace(bad, good)
    return text


def tokens(text: str) -> list[str]:
    """Word, number and punctuation tokens of already-normalised text (case kept)."""
    return TOKEN.findall(text)


@functools.lru_cache(maxsize=1024)
def sentence_tokens(text: str) -> tuple[str, ...]:
    """The tokens of the normalised ``text``, remembered for the last sentences: scoring a
    sentence and naming its kind both read them."""
    return tuple(TOKEN.findall(normalise(text)))


@functools.lru_cache(maxsize=200_000)
def is_past_tense(word: str) -> bool:
    """A cheap past-tense test: irregular past forms, or a regular ``-ed`` ending."""
    lower = word.lower()
    if lower in IRREGULAR_PAST:
        return True
    return len(lower) > 4 and lower.endswith("ed") and lower not in NOT_PAST_ED and lower.isalpha()


def has_quantity(text: str, words: list[str]) -> bool:
    """Digits, percentages, money or number words: the sentence states an amount."""
    return bool(NUMBER.search(text)) or any(w.lower() in NUMBER_WORDS for w in words)


def has_attribution(text: str) -> bool:
    """Says who said or found it: "said", "according to", "officials", "a study" …"""
    return bool(ATTRIBUTION.search(text))


def has_comparison(text: str) -> bool:
    """Compares or ranks: "more than", "the largest", "rose", "twice as" …"""
    return bool(COMPARATIVE.search(text))
