"""The command line: exit codes and one clear line on bad input, never a traceback.

The commands run in this process through ``main(argv)``; one test runs the real console entry point
(``python -m factsift``) end to end.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from factsift.cli import main
from factsift.schema import report_schema

from .conftest import SAMPLE_HTML, SAMPLE_TEXT


@dataclass
class Result:
    """What one command did: its exit code and what it printed."""

    returncode: int
    stdout: bytes
    stderr: bytes


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run(*argv, stdin=bytes)``: the command line run in this process, as a shell would see it."""

    def invoke(*args: str, stdin: bytes | None = None) -> Result:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"))
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out.encode(), err.encode())

    return invoke


def test_the_installed_command_runs_end_to_end() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "factsift", "check", str(SAMPLE_HTML), "--fast"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Mayor Secretly Sells Town Reservoir" in result.stdout.decode()


def test_check_text_report(run: Run) -> None:
    result = run("check", str(SAMPLE_HTML))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "Mayor Secretly Sells Town Reservoir" in out
    assert "Elsmere Patriot Wire" in out
    assert '[ditty_news_ticker id="4411"]' in out  # removed furniture is shown verbatim, not eaten as markup


def test_check_json_from_stdin_validates(run: Run) -> None:
    result = run("check", "-", "--format", "json", stdin=SAMPLE_TEXT.read_bytes())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, report_schema())
    assert data["input"]["kind"] == "text"


def test_one_sentence_from_stdin_is_checked_as_a_claim(run: Run) -> None:
    result = run("check", "-", "--format", "json", stdin=b"Unemployment fell to 3.5% in 2019.\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, report_schema())
    assert data["article"]["kind"] == "short"
    assert [claim["text"] for claim in data["claims"]] == ["Unemployment fell to 3.5% in 2019."]


def test_one_sentence_is_counted_as_one_sentence_in_the_terminal(run: Run) -> None:
    result = run("check", "-", stdin=b"Unemployment fell to 3.5% in 2019.\n")
    assert result.returncode == 0, result.stderr
    assert "6 words, 1 sentence " in result.stdout.decode()


def test_as_overrides_detection(run: Run) -> None:
    result = run("check", str(SAMPLE_HTML), "--as", "text", "--format", "json")
    assert result.returncode == 0
    assert "<article" in json.loads(result.stdout)["article"]["text"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 binary", "PDF"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"Share this:\nFollow on Facebook\nLeave a Reply\n", "no article text"),
    ],
)
def test_bad_files_exit_2_with_one_line(run: Run, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run("check", str(path))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_file_over_10_mb_is_refused(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (2 * 1024 * 1024 + 1))
    result = run("check", str(path))
    assert result.returncode == 2
    assert b"10 MB limit" in result.stderr


def test_missing_file_and_unreachable_url(run: Run) -> None:
    assert run("check", "/nonexistent/story.txt").returncode == 2
    result = run("check", "http://127.0.0.1:9/x")
    assert result.returncode == 2
    assert b"non-public address" in result.stderr
    result = run("check", "http://127.0.0.1:9/x", "--allow-private")
    assert result.returncode == 2
    assert b"cannot fetch" in result.stderr


def test_no_command_prints_usage(run: Run) -> None:
    result = run()
    assert result.returncode == 2
    assert b"usage" in result.stderr
