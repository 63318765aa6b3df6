"""Quotations and reported claims: found precisely, skipped by the loaded-language sign, never a span inside them."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st
from signal_texts import article_from

from factsift.signals.anonymous_sourcing import anonymous_sourcing
from factsift.signals.loaded_language import find_hits, loaded_language
from factsift.signals.reported_speech import TRIGGER, TRIGGER_STEMS, outside, reported_ranges


def _excluded(text: str) -> list[str]:
    return [text[start:end] for start, end in reported_ranges(text)]


def _hit_words(text: str) -> list[str]:
    return [text[h.start : h.end] for h in find_hits(text)]


def test_a_loaded_word_only_in_a_quotation_does_not_count() -> None:
    for text in (
        'Trump said the election was "rigged".',
        "Trump said the election was 'rigged'.",
        "Trump called the election ‘rigged’ in a post on Sunday.",
        "“The whole count was rigged,” the candidate told supporters.",
        '"It is a disgrace. The worst betrayal ever," she said.',
    ):
        assert _hit_words(text) == [], text
        assert loaded_language(article_from(text)).spans == []


def test_the_writers_own_loaded_word_still_counts() -> None:
    assert _hit_words("The rigged election was a disgrace.") == ["rigged", "disgrace"]
    # the speaker's part of the sentence is the writer's: only the claim after the verb is skipped
    assert _hit_words("A liar, Trump said the vote was rigged.") == ["liar"]
    # the sign still scores it, with the span on the writer's word
    signal = loaded_language(article_from("Officials said the count was fine. The evil regime lied again."))
    assert [s.text for s in signal.spans] == ["evil", "regime"] and signal.score > 0


def test_a_scare_quote_is_the_writers_own_voice() -> None:
    """A short quoted phrase with no one named as saying it is the writer's irony: it still counts."""
    assert _hit_words('The so-called "mainstream media" lies again.') == ["mainstream media"]
    assert _hit_words("The ‘regime’ is at it again.") == ["regime"]
    assert _hit_words('Critics said "fake news" was spreading.') == []


def test_multi_sentence_and_multi_paragraph_quotations_are_skipped_whole() -> None:
    text = (
        "“The vote was rigged from the start. Every ballot was a fraud.\n\n"
        "“We will fight this shocking result,” the campaign said.\n\n"
        "Election officials rejected the claim, which the writer calls shocking."
    )
    assert _excluded(text)[:2] == [
        "“The vote was rigged from the start. Every ballot was a fraud.",
        "“We will fight this shocking result,”",
    ]
    assert _hit_words(text) == ["shocking"]
    assert text.rindex("shocking") == find_hits(text)[0].start


def test_reported_claims_skip_the_claim_not_the_sentence() -> None:
    assert _excluded("Officials rejected claims of fraud that were circulating online.") == ["fraud"]
    assert _excluded("He repeated allegations that the count was rigged, then left.") == ["the count was rigged"]
    assert _excluded("Trump claimed that the election was stolen.") == ["the election was stolen"]
    assert _excluded("The senator accused the board of a cover-up in the count.") == ["a cover-up in the count"]
    assert _excluded("Lawsuits alleging a rigged count were dismissed.") == ["a rigged count"]
    # "claims of" is the noun, not the verb "claims" with its clause
    assert _excluded("The mayor denied claims of a cover-up and the evil regime fell.") == ["a cover-up"]
    assert _hit_words("The mayor denied claims of a cover-up and the evil regime fell.") == ["evil", "regime"]


def test_plain_text_has_nothing_reported() -> None:
    assert _excluded("In the '90s the players' union was strong and the regime fell.") == []
    assert _excluded("Intelligence officials said, as well as a coveted headquarters.") == []


def test_outside_checks_overlap_with_any_range() -> None:
    ranges = [(2, 5), (10, 12)]
    assert outside(ranges, 0, 2) and outside(ranges, 5, 10) and outside(ranges, 12, 20)
    assert not outside(ranges, 4, 6) and not outside(ranges, 11, 11 + 1) and not outside(ranges, 0, 30)


_PIECES = st.sampled_from(
    ['"', "“", "”", "‘", "’", "'", " said ", " claims of ", " allegations that ", " accused him of ", ", ", ". ",
     "\n\n", "!", "rigged", "fraud", "the vote", "Trump", " that ", " called ", "so-called ", "90s", "s'"]
)  # fmt: skip


@given(st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=40).map("".join)))
def test_reported_ranges_are_sorted_disjoint_and_within_the_text(text: str) -> None:
    ranges = reported_ranges(text)
    for start, end in ranges:
        assert 0 <= start < end <= len(text)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end < start
    for hit in find_hits(text):
        assert outside(ranges, hit.start, hit.end)
        assert all(hit.end <= start or hit.start >= end for start, end in ranges)


def test_an_unnamed_source_inside_a_quotation_is_the_speakers() -> None:
    """A named speaker quoting unnamed officials is a named source; the same words in the writer's voice are not."""
    quoted = '"Officials said the plan was dead, and sources confirmed it," Mayor Jane Smith told reporters.'
    plain = "Officials said the plan was dead, and sources confirmed it."
    assert anonymous_sourcing(article_from(quoted)).spans == []
    signal = anonymous_sourcing(article_from(plain))
    assert [s.text for s in signal.spans] == ["Officials said", "sources confirmed"] and signal.score > 0.5


@given(
    st.one_of(
        st.text(max_size=200), st.lists(st.sampled_from([*TRIGGER_STEMS, "X", "_", "é", " ", "-", "1"])).map("".join)
    )
)
def test_the_fast_trigger_finds_exactly_the_stems_at_a_words_start(text: str) -> None:
    """The first-letter regex is only a faster way to write ``\\b(?:stem|...)``: the same matches, always."""
    plain = re.compile(r"\b(?:" + "|".join(TRIGGER_STEMS) + ")", re.IGNORECASE)
    assert [m.span() for m in TRIGGER.finditer(text)] == [m.span() for m in plain.finditer(text)]
