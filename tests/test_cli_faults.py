"""The command line on a hostile machine: damaged stores, named pipes, closed or full streams, long paths.

Each ends with one ``factsift: error:`` line and the right exit code: 2 for input the user can fix,
1 for the machine around it (store, disk, output); never a traceback, never a hang, never a silent 0.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from factsift.batch.readers import read_directory
from factsift.batch.records import BadRecord
from factsift.cli import EXIT_ENVIRONMENT, EXIT_INPUT, main
from factsift.ingest import loading

from .conftest import SAMPLE_TEXT


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The only line on stderr, checked to be factsift's error line."""
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("factsift: error: "), lines
    return lines[0]


@pytest.fixture
def corrupt_store(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database " * 400)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["factchecks", "stats"],
        ["factchecks", "import", str(Path(__file__).parents[1] / "examples" / "sample-factchecks.json")],
        ["serve", "--port", "1"],
    ],
)
def test_a_corrupt_store_is_one_line_and_exit_1(
    command: list[str], corrupt_store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTSIFT_EMBEDDINGS", "off")
    assert main([*command, "--db", str(corrupt_store)]) == EXIT_ENVIRONMENT
    assert "cannot be used: file is not a database" in one_error_line(capsys)


@pytest.fixture
def silent_fifo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A named pipe nobody writes to, with a short wait for a writer."""
    monkeypatch.setattr(loading, "FIFO_WAIT_SECONDS", 0.2)
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", [["check"], ["factchecks", "import"]])
def test_a_fifo_without_a_writer_is_refused_not_waited_on(
    command: list[str], silent_fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, str(silent_fifo), "--db", str(tmp_path / "s.db")]) == EXIT_INPUT
    assert "named pipe that nothing wrote to" in one_error_line(capsys)


def test_a_fifo_inside_a_batch_folder_is_a_bad_record(silent_fifo: Path) -> None:
    (silent_fifo.parent / "real.txt").write_text("The council met on Tuesday.", encoding="utf-8")
    records = list(read_directory(silent_fifo.parent, max_bytes=1 << 20))
    assert [(type(r).__name__, r.id) for r in records] == [("BadRecord", "pipe.txt"), ("InputRecord", "real.txt")]
    assert isinstance(records[0], BadRecord) and records[0].reason == "not a regular file"


def test_a_path_name_too_long(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "/tmp/" + "x" * 300 + ".txt"]) == EXIT_ENVIRONMENT
    assert one_error_line(capsys).endswith("File name too long")


def test_closed_stdin_and_write_only_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["check", "-"]) == EXIT_INPUT
    assert "standard input is closed" in one_error_line(capsys)
    write_only = os.open(tmp_path / "w.txt", os.O_WRONLY | os.O_CREAT)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.FileIO(write_only, "r"))))
    assert main(["check", "-"]) == EXIT_INPUT
    assert "cannot read standard input: Bad file descriptor" in one_error_line(capsys)


def test_closed_stdout_is_an_error_not_a_lost_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["check", str(SAMPLE_TEXT), "--fast"]) == EXIT_ENVIRONMENT
    assert "standard output is closed" in one_error_line(capsys)


def test_stdout_on_a_full_device(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    full = open("/dev/full", "w")  # noqa: SIM115 - it becomes stdout
    monkeypatch.setattr(sys, "stdout", full)
    try:
        assert main(["check", str(SAMPLE_TEXT), "--fast", "--format", "json"]) == EXIT_ENVIRONMENT
    finally:
        full.close()
    assert one_error_line(capsys).endswith("No space left on device")
