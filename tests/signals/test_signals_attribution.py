"""Attribution patterns on sentences written for these tests, both sides."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from factsift.signals.attribution import find_attributions

ANONYMOUS = [
    "The plan was approved last week, according to military intelligence officials who spoke to The Daily Post.",
    "The army is regrouping, intelligence sources confirmed.",
    "The deal is off, according to intelligence insiders.",
    "U.S. officials said the convoy was hit twice.",
    "A senior official familiar with the talks said no date had been set.",
    "People close to the governor said she would not run again.",
    "The decision was made in March, two people with knowledge of the matter said.",
    "Sources say the minister will resign on Friday.",
    "The strike was postponed, said a senior administration official.",
    "Pentagon officials have privately acknowledged the mistake.",
    "One diplomat, speaking on condition of anonymity, said the talks had stalled.",
    "An aide who asked not to be identified told us the speech was rewritten.",
    "The memo, according to sources, was never sent.",
]

NAMED = [
    "Defense Secretary Jim Mattis told reporters the strikes would continue.",
    '"We will not negotiate," said Maria Lopez, the city\'s mayor.',
    "The company said in a statement that profits had fallen.",
    "According to the Congressional Budget Office, the deficit will grow.",
    "Sarah Chen, a spokeswoman for the airline, said flights would resume.",
    "Reuters reported the figures on Tuesday.",
    "A Kremlin spokesman said Moscow had not been consulted.",
]

NEITHER = [
    "Officials met in Geneva on Tuesday to discuss the ceasefire.",
    "The sources of the river are in the mountains.",
    "Experts in the field gathered for a conference in Lyon.",
    "He said it was raining when the officials arrived.",
]


@pytest.mark.parametrize("sentence", ANONYMOUS)
def test_unnamed_sources_are_found(sentence: str) -> None:
    kinds = [a.kind for a in find_attributions(sentence)]
    assert "anonymous" in kinds, (sentence, kinds)


@pytest.mark.parametrize("sentence", NAMED)
def test_named_sources_are_not_anonymous(sentence: str) -> None:
    kinds = [a.kind for a in find_attributions(sentence)]
    assert "named" in kinds and "anonymous" not in kinds, (sentence, kinds)


@pytest.mark.parametrize("sentence", NEITHER)
def test_no_unnamed_source_without_attribution(sentence: str) -> None:
    kinds = [a.kind for a in find_attributions(sentence)]
    assert "anonymous" not in kinds, (sentence, kinds)


def test_outlet_citing_itself_is_not_a_named_source() -> None:
    text = "As The Daily Post reported earlier this week, the base was closed."
    kinds = [a.kind for a in find_attributions(text, "The Daily Post")]
    assert kinds == ["self"]


def test_hedges_are_their_own_kind() -> None:
    kinds = [a.kind for a in find_attributions("The senator reportedly left the party.")]
    assert kinds == ["hedge"]


@given(st.text(alphabet=st.sampled_from(list("abcdeOSU.S ,\n\"'said officials sources according to")), max_size=300))
def test_attributions_stay_inside_the_text(text: str) -> None:
    for found in find_attributions(text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start : found.end].strip() == text[found.start : found.end]


_PHRASE_PIECES = [
    "according to",
    "According to",
    "ACCORDING TO",
    "said",
    "told",
    "wrote",
    "added",
    "noted",
    "claimed",
    "stated",
    "warned",
    "explained",
    "confirmed",
    "reported",
    "reporters",
    "two",
    "senior",
    "U.S.",
    "officials",
    "sources",
    "a",
    "the",
    "people",
    "familiar with the matter",
    "Mattis",
    "Pentagon",
    ",",
    ".",
    "who spoke to",
    "The Post",
    "says",
]


@given(st.lists(st.sampled_from(_PHRASE_PIECES), max_size=25))
@example("It failed , told us two senior officials .".split(" "))
@example("It failed , wrote two senior officials .".split(" "))
@example("It failed , said two senior officials .".split(" "))
@example("It failed , explained two senior officials .".split(" "))
@example("It failed , added two senior officials .".split(" "))
@example("It failed , noted two senior officials .".split(" "))
@example("It failed , according to two senior officials .".split(" "))
def test_first_letter_filter_finds_what_the_unfiltered_search_finds(pieces: list[str]) -> None:
    # _FIRST_CHARACTERS lets two patterns skip word starts they cannot begin at; it must never lose a match
    from factsift.signals import attribution

    text = " ".join(pieces)
    filtered = attribution.find_attributions(text)
    saved = attribution._FIRST_CHARACTERS
    try:
        attribution._FIRST_CHARACTERS = {}
        assert attribution.find_attributions(text) == filtered
    finally:
        attribution._FIRST_CHARACTERS = saved
