"""End to end on the canonical seed page (../shared/examples/seed-article.txt)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import jsonschema

import factsift
from factsift.schema import report_schema

FURNITURE = [
    "True Pundit\n",
    "Featured Politics",
    "ditty_news_ticker",
    "[",
    "Follow on Facebook",
    "Follow on Twitter",
    "Leave a Reply",
]


def test_seed_article_is_taken_apart(seed_path: Path) -> None:
    report = factsift.analyse(str(seed_path))
    article = report.article
    assert report.input.kind == "text"
    assert article.title == (
        "Trump Taps Putin As Stealth Military Ally; Russian Air Force Joins U.S. Strikes "
        "Targeting Critical ISIS Strongholds"
    )
    assert article.text.startswith("The Cold War just got very warm.")
    assert article.text.endswith("Kisik, Tal Afar and Mosul.")
    for piece in FURNITURE:
        assert piece not in article.text, piece
    assert article.title not in article.text
    removed = {(piece.kind, piece.text) for piece in article.removed}
    assert removed == {
        ("site-name", "True Pundit"),
        ("section-label", "Featured Politics"),
        ("headline", article.title),
        ("ticker", "[ditty_news_ticker id=”25027″]"),
        ("social", "Follow on FacebookFollow on Twitter"),
        ("comments", "Leave a Reply"),
    }
    assert article.outlet.name == "True Pundit"
    assert article.outlet.found_in == "text"
    assert article.language == "en"
    assert article.author is None and article.published is None


def test_seed_sentences_round_trip(seed_path: Path) -> None:
    report = factsift.analyse(text=seed_path.read_text("utf-8"))
    text = report.article.text
    sentences = report.article.sentences
    assert len(sentences) == 13
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    starts = [s.text[:30] for s in sentences]
    assert "Since his inauguration less th" in starts  # "U.S. and Russian drones" stays in one sentence
    assert any(
        s.text.startswith("That growing frustration") and s.text.endswith("ISIS headquarters.") for s in sentences
    )


def test_seed_report_matches_the_schema(seed_path: Path) -> None:
    data = factsift.analyse(str(seed_path)).to_dict()
    jsonschema.validate(data, report_schema())
    assert data["schema"] == "factsift.report/1"
    assert set(data["timings_ms"]) >= {"ingest"}


def test_to_dict_gives_what_dataclasses_asdict_gives(seed_path: Path) -> None:
    report = factsift.analyse(str(seed_path))
    expected = dataclasses.asdict(report)
    data = report.to_dict()
    assert list(data)[:2] == ["schema", "version"]
    assert data == {key: expected[key] for key in data} and set(data) == set(expected)
    assert data["article"]["sentences"][0] is not report.article.sentences[0]  # a copy, not the objects
