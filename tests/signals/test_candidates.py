"""The fast searches of the signals find exactly what the plain regular expressions find."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factsift.signals import attribution, candidates, loaded_lexicon, missing_provenance, reported_speech
from factsift.signals.loaded_language import _matcher

#: Words, spellings and characters the searches treat specially, joined at random (also with no space between).
PIECES = (
    "a", "A", "an", "at", "about", "more", "than", "least", "some", "many", "lot", "of", "it", "It", "is", "it's",
    "it’s", "was", "said", "says", "Said", "told", "according", "According", "to", "reports", "Reports", "officials",
    "Officials", "sources", "source", "people", "familiar", "with", "who", "on", "condition", "anonymity", "speaking",
    "asked", "not", "be", "named", "reportedly", "rumors", "are", "swirling", "Pentagon", "Smith", "deep", "state",
    "Deep", "STATE", "most", "dangerous", "the", "ultimate", "all", "time", "fraud", "flat-out", "flat out", "jaw",
    "dropping", "very", "far-right", "stupid", "STUPID", "FAKE", "NEWS", "WASHINGTON", "ſources", "İt", "\u212a",
    "ı", "12", "3.5", "1,000", "2019", "$", "£", "two", "dozen", "dozens", "percent", "million", "http://x.com",
    "www.x.org", "HTTPS://A.B", " ", " ", "  ", "\n", "\t", ",", ".", "!", "?", "!!", "?!", "'", "’", "-", "“", "”",
    '"', "(", ":", "—", "x", "_", "é", "Ⅰ", "say", "believe", "claim", "saying", "has", "emerged",
    # whole phrases the patterns find, so that random texts hold matches and near-matches often
    "a lot of people say", "A lot of say", "it is said", "it's reported", "It’s widely believed", "rumors are swirling",
    "word has emerged", "more than 30 people", "at least two dozen", "up to $5 million", "an estimated 12 percent",
    "some 40 miles", "thousands of voters", "on condition of anonymity", "speaking on the condition of anonymity",
    "who asked not to be named", "according to reports", "according to some media reports", "officials said",
    "people familiar with the matter said", "deep state", "the ultimate", "of all time", "a total fraud.", "rips into",
    "war on Christmas", "Smith said", "said Jane Doe", "a senior official familiar with the talks said",
    "a Pentagon statement", "a report by the Congressional Budget Office", "court records", "published in The Lancet",
    "in a written statement", "press release", "claims of fraud", "alleging that", "the ministry said", "he told",
    "she said", "The Kremlin's press office said", "according to the Pentagon", "Mattis told reporters",
)  # fmt: skip
PHRASES = tuple(piece for piece in PIECES if " " in piece.strip())
SEPARATORS = (" ", "", "\n", ", ", ". ", "-", "’", "'", "“", '"', "(", "!", "x", "1", "K")
texts = st.lists(
    st.tuples(st.sampled_from(SEPARATORS), st.one_of(st.sampled_from(PHRASES), st.sampled_from(PIECES))), max_size=30
).map(lambda pairs: "".join(separator + piece for separator, piece in pairs))


def spans(matches: list[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def test_case_unsafe_characters_are_all_listed() -> None:
    """Outside the listed characters, lower-casing keeps positions, word classes and ASCII case-insensitive matching."""
    ascii_letter = re.compile("(?i)[a-z]")
    word, space = re.compile(r"\w"), re.compile(r"\s")
    for code in range(0x80, sys.maxunicode + 1):
        char = chr(code)
        if candidates._CASE_UNSAFE.match(char):
            continue
        low = char.lower()
        assert len(low) == 1 and not low.isascii() and not ascii_letter.fullmatch(char), hex(code)
        assert bool(word.match(char)) == bool(word.match(low)) and bool(space.match(char)) == bool(space.match(low))


@pytest.mark.parametrize(
    ("pattern", "group"),
    [
        (attribution._SOURCE_NOUN, attribution._SOURCE_NOUN_STARTS),
        (attribution._SPEECH_WORD, attribution._SPEECH_WORD_STARTS),
        (attribution._ANONYMOUS_PATTERNS[4][0], attribution._ANYWHERE_STARTS[4]),
        (attribution._ANONYMOUS_PATTERNS[6][0], attribution._ANYWHERE_STARTS[6]),
        (missing_provenance._FIGURE, missing_provenance._FIGURE_STARTS),
        (missing_provenance._NAMED_DOCUMENT, missing_provenance._NAMED_DOCUMENT_STARTS),
        (reported_speech.TRIGGER, reported_speech._TRIGGER_STARTS),
    ],
)
@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_patterns_tried_where_their_words_start_find_every_match(
    pattern: re.Pattern[str], group: candidates.WordGroup, text: str
) -> None:
    found = candidates.finditer_at(pattern, text, candidates.word_starts(group, text))
    assert spans(found) == spans(list(pattern.finditer(text)))


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_attributions_links_and_sentence_starts_are_those_of_the_plain_search(text: str) -> None:
    according = attribution._ANONYMOUS_PATTERNS[1][0]
    low = candidates.lowered(text)
    starts = None if low is None else [m.start() for m in attribution._ACCORDING.finditer(low)]
    assert spans(candidates.finditer_at(according, text, starts)) == spans(list(according.finditer(text)))
    assert missing_provenance._link_ranges(text) == spans(list(missing_provenance._LINK.finditer(text)))
    for position in range(len(text) + 1):
        plain = [m.end() for m in reported_speech._SENTENCE_END.finditer(text, max(0, position - 1500), position)]
        assert reported_speech._sentence_start(text, position) == (plain[-1] if plain else max(0, position - 1500))


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_lexicon_hits_are_those_of_one_regex_per_word(text: str) -> None:
    matcher = _matcher()
    expected = [(m.start(), m.end(), m.lastgroup or "") for m in matcher._phrases.finditer(text)]
    for match in re.finditer(r"[A-Za-z][A-Za-z'’-]*", text):
        word = match.group(0).rstrip("'’-")
        category = next((n for n, p in matcher._single if p.fullmatch(word.lower())), None)
        if category is not None:
            expected.append((match.start(), match.start() + len(word), category))
    assert sorted(matcher.finditer(text)) == sorted(expected)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_shouting_patterns_find_what_a_leading_lookbehind_finds(text: str) -> None:
    caps = r"[A-Z][A-Z'’-]*[A-Z]"
    plain = {
        loaded_lexicon.SHOUTING_RUN: rf"(?<![\w'’-]){caps}(?:[ \t]+{caps})+(?![\w'’-])",
        loaded_lexicon.SHOUTING_WORD: r"(?<![\w'’-])[A-Z]{6,}(?![\w'’-])",
        loaded_lexicon.EXCLAMATION: r"(?<![!?])!(?![!?])",
    }
    for fast, slow in plain.items():
        assert spans(list(fast.finditer(text))) == spans(list(re.finditer(slow, text)))


def test_a_literal_start_is_read_from_each_alternative() -> None:
    assert candidates.literal_starts("(?i:officials?|whistle-?blowers?|advis[eo]rs?)") == [
        "official",
        "whistle",
        "advis",
    ]
    with pytest.raises(ValueError, match="no literal start"):
        candidates.literal_starts("(?:a|[A-Z]x)")


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_named_speakers_tried_where_they_can_start_are_those_of_the_windowed_search(text: str) -> None:
    speech_words = list(attribution._SPEECH_WORD.finditer(text))
    windows = attribution._windows(text, speech_words)
    verb_starts = [m.start() for m in speech_words]
    for (pattern, _), first in zip(attribution._NAMED_PATTERNS, attribution._NAMED_STARTS, strict=True):
        plain: dict[tuple[int, int], re.Match[str]] = {}
        for lo, hi in windows:
            for window_match in pattern.finditer(text, lo, hi):
                match = pattern.match(text, window_match.start()) if hi < len(text) else window_match
                if match is not None:
                    plain.setdefault(match.span(), match)
        fast = attribution._matches(pattern, text, windows, verb_starts if first is None else first)
        assert spans(fast) == sorted(plain)


@settings(max_examples=300, deadline=None)
@given(text=texts, bounds=st.tuples(st.integers(0, 80), st.integers(0, 80)))
def test_enough_words_for_a_quotation_is_counting_words(text: str, bounds: tuple[int, int]) -> None:
    start, end = bounds
    counted = len(reported_speech._WORD.findall(text, start, end)) >= reported_speech.QUOTATION_WORDS
    assert bool(reported_speech._ENOUGH_WORDS.search(text, start, end)) == counted
