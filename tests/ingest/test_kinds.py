"""Input kinds: short texts and transcripts are kept whole and never refused; articles keep their header rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import factsift
from factsift.errors import InputError
from factsift.ingest.kinds import text_kind

#: A debate the check-worthiness model never saw (ClaimBuster covers general-election debates up to 2016).
HELD_OUT_DEBATE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "claims"
    / "checkthat2021_t2b"
    / "transcripts"
    / "20190912_democratic_debate.tsv"
)
BODY = (
    "The regional council approved the new harbour budget on Tuesday after a long debate. "
    "Members voted seven to two in favour of the plan, which funds repairs to the north pier."
)


def test_one_sentence_is_a_short_text_and_its_claim() -> None:
    report = factsift.analyse(text="Unemployment fell to 3.5% in 2019.", stages=("claims",))
    assert report.article.kind == "short"
    assert report.article.text == "Unemployment fell to 3.5% in 2019."
    assert report.article.title is None and report.article.removed == []
    assert [c.text for c in report.claims] == ["Unemployment fell to 3.5% in 2019."]
    assert report.claims[0].kind == "quantity"


def test_two_lines_lose_nothing() -> None:
    report = factsift.analyse(
        text="Debate transcript\n\nWe have no energy policy.\n\nThank you all.", stages=("claims",)
    )
    article = report.article
    assert article.kind == "short"
    assert article.text == "Debate transcript\n\nWe have no energy policy.\n\nThank you all."
    assert article.title is None and article.outlet.name is None and article.removed == []
    assert [c.text for c in report.claims] == ["We have no energy policy."]  # scored, though below the threshold


def test_transcript_is_kept_whole() -> None:
    text = "\n".join(
        [
            "MODERATOR: Senator, your plan costs how much?",
            "SEN. ORTIZ: It costs 40 billion dollars over ten years.",
            "MODERATOR: And who pays for it?",
            "SEN. ORTIZ: The top one percent of earners, through a new bracket.",
        ]
    )
    assert text_kind(text) == "transcript"
    report = factsift.analyse(text=text, stages=())
    assert report.article.kind == "transcript" and report.article.title is None
    assert report.article.text == text.replace("\n", "\n\n")


def test_an_article_still_has_its_header_read() -> None:
    text = f"Harbour Gazette\n\nCouncil Backs Harbour Budget After Marathon Debate\n\n{BODY}\n\n{BODY}\n\n{BODY}"
    report = factsift.analyse(text=text, stages=())
    assert report.article.kind == "article"
    assert report.article.title == "Council Backs Harbour Budget After Marathon Debate"
    assert ("headline", "Council Backs Harbour Budget After Marathon Debate") in {
        (r.kind, r.text) for r in report.article.removed
    }


@pytest.mark.parametrize(
    "text",
    [
        "UPDATE: the council met again.\nPhoto: the pier at night.\nNote: figures are provisional.\n" + BODY * 3,
        "Harbour Gazette\n\nCouncil Backs Harbour Budget\n\n" + BODY * 3,
    ],
)
def test_labels_and_headers_do_not_make_a_transcript(text: str) -> None:
    assert text_kind(text) == "article"


def test_only_furniture_is_still_refused() -> None:
    with pytest.raises(InputError, match="no article text"):
        factsift.analyse(text="Share this:\nFollow on Facebook\nLeave a Reply\n")


def test_every_sentence_of_a_held_out_debate_is_analysed_whole() -> None:
    """Each of the debate's 1,986 sentences, given alone, gives a report whose body is that sentence."""
    assert HELD_OUT_DEBATE.is_file(), f"the shared debate transcripts are missing: {HELD_OUT_DEBATE}"
    with HELD_OUT_DEBATE.open(encoding="utf-8") as handle:
        sentences = [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert len(sentences) > 1900
    with_claims = 0
    for sentence in sentences:
        report = factsift.analyse(text=sentence, stages=("claims",), fast=True)  # raises if refused
        assert report.article.text == " ".join(sentence.split())
        with_claims += bool(report.claims)
    assert with_claims > 0.75 * len(sentences)
