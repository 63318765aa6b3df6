"""``factsift stance PAIRS.csv``: JSONL in input order, clear errors on bad input, a progress bar for large files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from factsift.cli import main
from factsift.stance import predict_stance
from factsift.stance.cli import PROGRESS_ROWS

PAIRS = [
    ("Vaccines cause autism", "Vaccines do not cause autism."),
    ("Vaccines cause autism", "The city council approved a new budget for road repairs on Tuesday."),
    (
        "The mayor took bribes from developers",
        "Officials are investigating whether the mayor took bribes from developers.",
    ),
    ('The mayor, a "reformer", took bribes', 'Line one.\nThe mayor, a "reformer", never took bribes, records show.'),
]


def write_csv(path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("claim", "text")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_one_json_line_per_row_in_input_order_matching_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stance", str(write_csv(tmp_path / "pairs.csv", PAIRS))]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = predict_stance(PAIRS)
    assert [line["label"] for line in lines] == [r.label for r in expected]
    assert [(line["start"], line["end"]) for line in lines] == [(r.start, r.end) for r in expected]
    assert all(set(line["scores"]) == {"agree", "disagree", "discuss", "unrelated"} for line in lines)
    assert [line["label"] for line in lines][:3] == ["disagree", "unrelated", "discuss"]


def test_missing_columns_are_a_clear_error_and_print_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "pairs.csv", PAIRS, header=("claim", "body"))
    assert main(["stance", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "missing column(s) text" in captured.err and "found: claim, body" in captured.err


def test_a_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["stance", str(tmp_path / "absent.csv")])
    assert "no such file" in capsys.readouterr().err


def test_large_files_show_a_progress_bar_on_stderr_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(f"Claim number {i} about budgets", f"Budget text number {i}.") for i in range(PROGRESS_ROWS + 1)]
    assert main(["stance", str(write_csv(tmp_path / "many.csv", rows))]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == len(rows)
    assert f"{len(rows)}/{len(rows)}" in captured.err
