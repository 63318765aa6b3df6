"""A newsroom's own ratings (``--ratings FILE``) merged over the shipped table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factsift.errors import InputError
from factsift.sources import rate
from factsift.sources.table import ratings_table


def _csv(tmp_path: Path, text: str, name: str = "ours.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_override_the_shipped_rating_and_say_so(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "domain,score,label,note\n"
        "https://www.truepundit.com/,0.9,,reviewed by our desk\n"
        "example-unknown-news.com,,unreliable,fabricated quotes in 2024\n",
    )
    rating = rate("truepundit.com", path)
    assert rating.label == "reliable"  # label follows the user's score through the same thresholds
    assert rating.score == 0.9
    assert rating.table == f"user:{path.resolve()}"
    assert rating.raters[0].name == "your ratings"
    assert {r.name for r in rating.raters[1:]} == {"Lin et al. 2023 (pc1)", "Iffy+ (2021)"}
    assert rating.note and "reviewed by our desk" in rating.note and "replaces" in rating.note
    assert any(str(path.resolve()) in p for p in rating.provenance)

    unknown = rate("https://example-unknown-news.com/story", path)
    assert (unknown.label, unknown.score, unknown.percentile) == ("unreliable", None, None)
    assert unknown.note == "fabricated quotes in 2024"


def test_shipped_rows_still_apply_beside_user_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, "domain,label\nmy-local-paper.com,reliable\n")
    assert rate("nytimes.com", path).table == "shipped"
    assert rate("nytimes.com", path).provenance[-1].startswith("your ratings")


def test_user_row_beats_a_curated_alias(tmp_path: Path) -> None:
    path = _csv(tmp_path, "domain,score\nedition.cnn.com,0.1\n")
    rating = rate("edition.cnn.com", path)
    assert (rating.domain, rating.label) == ("edition.cnn.com", "unreliable")


@pytest.mark.parametrize(
    "payload",
    [
        [{"domain": "my-local-paper.com", "score": 0.2, "note": "n"}],
        {"ratings": [{"domain": "my-local-paper.com", "score": 0.2, "note": "n"}]},
        {"my-local-paper.com": {"score": 0.2, "note": "n"}},
    ],
)
def test_json_shapes(tmp_path: Path, payload: object) -> None:
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    rating = rate("my-local-paper.com", path)
    assert (rating.label, rating.score, rating.note) == ("unreliable", 0.2, "n")


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    path = _csv(tmp_path, "domain,score\nmy-local-paper.com,0.2\n")
    assert rate("my-local-paper.com", path).label == "unreliable"
    path.write_text("domain,score\nmy-local-paper.com,0.95\n# longer now\n", encoding="utf-8")
    assert ratings_table(path).entries["my-local-paper.com"].score == 0.95


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site,score\nx.com,0.5\n", "'domain' column"),
        ("domain,score\nx.com,high\n", "line 2: score 'high' is not a number"),
        ("domain,score\nx.com,0.5\ny.com,75\n", "line 3: score '75' is outside 0–1"),
        ("domain,label\nx.com,trustworthy\n", "label 'trustworthy' is not one of"),
        ("domain,score,label\nx.com,,\n", "give a score"),
        ("domain,score\nnot a domain,0.5\n", "line 2"),
        ("domain,score\n,0.5\n", "no domain"),
    ],
)
def test_bad_csv_rows_are_input_errors_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        ratings_table(_csv(tmp_path, text))


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        ratings_table(tmp_path / "missing.csv")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        ratings_table(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="list of objects"):
        ratings_table(wrong)
