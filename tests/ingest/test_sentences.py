from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from factsift.ingest.sentences import _is_boundary, split_sentences
from factsift.model import Sentence


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_abbreviations_and_acronyms() -> None:
    text = (
        "U.S. and Russian jets flew together. Sen. Jane Holt of the U.S. Senate objected. "
        "The plan came from J. R. Smith in Washington, D.C. on Monday. It ended in the U.S. The next day was calm."
    )
    assert texts(text) == [
        "U.S. and Russian jets flew together.",
        "Sen. Jane Holt of the U.S. Senate objected.",
        "The plan came from J. R. Smith in Washington, D.C. on Monday.",
        "It ended in the U.S.",
        "The next day was calm.",
    ]


def test_quotes_questions_and_exclamations() -> None:
    text = '"Is this real?" she asked. He said: "Yes!" Then he left... Later, nothing.'
    assert texts(text) == ['"Is this real?" she asked.', 'He said: "Yes!"', "Then he left...", "Later, nothing."]


def test_paragraph_breaks_always_split() -> None:
    assert texts("A headline without a stop\n\nThe body starts here.") == [
        "A headline without a stop",
        "The body starts here.",
    ]


def test_numbers_and_lowercase_continuations() -> None:
    assert texts("The rate rose 3.5 percent. e.g. this stays. Prices fell.") == [
        "The rate rose 3.5 percent. e.g. this stays.",
        "Prices fell.",
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"ab .?!\n\"”'", "U.S.", "Sen.", "J.", "The ", "x. ", "\n\n"]), max_size=120))
def test_offsets_round_trip_and_cover_every_visible_character(pieces: list[str]) -> None:
    text = "".join(pieces)
    sentences = split_sentences(text)
    previous_end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.id == index
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end
    assert "".join("".join(s.text.split()) for s in sentences) == "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_breaks_offsets(text: str) -> None:
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


#: The splitter before it was made faster: its boundary pattern and its loop, kept as the reference.
_REFERENCE_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n\s*\n|\n")


def _reference_split(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0

    def append(start: int, end: int) -> None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            sentences.append(Sentence(id=len(sentences), start=start, end=end, text=text[start:end]))

    for match in _REFERENCE_BOUNDARY.finditer(text):
        if not _is_boundary(text, match):
            continue
        append(start, match.end() if "\n" not in match.group(0) else match.start())
        start = match.end()
    append(start, len(text))
    return sentences


_SENTENCE_PIECES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                ". ",
                "... ",
                "?! ",
                '." ',
                ".’ ",
                ".) ",
                "\n",
                "\n\n",
                " \n \n ",
                "\u2028",
                "\x0b",
                "\u00a0",
                "…",
                "U.S.",
                "Mr.",
                "J.",
                "the",
                "The",
                "“Yes",
                "(",
                "e.g.",
                "1",
                "é",
                "\t",
                "  ",
            ]
        ),
        st.text(max_size=12),
    ),
    max_size=60,
).map("".join)


@given(_SENTENCE_PIECES)
@settings(max_examples=500)
@example("One. two.\n\n\nThree!  \u2028 Four U.S. The end.\u00a0")
@example("x" * 5000 + ". " + "Y" * 5000 + "\n" * 3)
def test_splitter_agrees_with_its_reference(text: str) -> None:
    # the faster pattern (one opening character class) and the stripping by str.strip change no sentence
    assert split_sentences(text) == _reference_split(text)
