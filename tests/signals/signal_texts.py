"""Texts and helpers for the signal tests: the seed article path and a wire-style story written for the tests."""

from __future__ import annotations

from pathlib import Path

from factsift.ingest.sentences import split_sentences
from factsift.model import Article, Outlet

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "seed-article.txt"

# Written for these tests (not taken from any dataset): a news-agency style report quoting named people.
WIRE_TITLE = "Pentagon says no joint strikes with Russia in Syria"
WIRE_TEXT = (
    "WASHINGTON (Agency) - The United States has not carried out joint air strikes with Russia in Syria, "
    "the Pentagon said on Monday, rejecting a report that circulated online over the weekend.\n\n"
    '"We are not coordinating strikes with the Russians," Pentagon spokesman Captain Jeff Davis told reporters. '
    "Davis said the U.S.-led coalition had carried out 31 strikes near Raqqa on Saturday, according to a "
    "statement from the Combined Joint Task Force.\n\n"
    "Defense Secretary Jim Mattis said he would review options for the campaign against Islamic State. "
    '"Our approach will be deliberate," Mattis said in a written statement.\n\n'
    "Russia's defence ministry said in a statement that its aircraft had struck targets near Deir al-Zor. "
    "Kremlin spokesman Dmitry Peskov told reporters that Moscow was open to cooperation, but he said no "
    "agreement had been reached. One U.S. official, speaking on condition of anonymity, said the two militaries "
    "talk regularly to avoid accidents in the air."
)


def wire_article() -> Article:
    """The wire-style story as an article with byline and date."""
    return Article(
        text=WIRE_TEXT,
        title=WIRE_TITLE,
        outlet=Outlet(name="Agency"),
        author="Jane Reporter",
        published="2017-01-23T14:00:00+00:00",
        sentences=split_sentences(WIRE_TEXT),
    )


def article_from(text: str, title: str | None = None) -> Article:
    """A bare article for one test text."""
    return Article(text=text, title=title, sentences=split_sentences(text))
