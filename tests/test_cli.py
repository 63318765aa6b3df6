"""The command line: exit codes and one clear line on bad input, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from factsift.schema import report_schema

from .conftest import SAMPLE_HTML, SAMPLE_TEXT


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "factsift", *args], input=stdin, capture_output=True, timeout=120, check=False
    )


def test_check_text_report() -> None:
    result = run("check", str(SAMPLE_HTML))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "Mayor Secretly Sells Town Reservoir" in out
    assert "Elsmere Patriot Wire" in out
    assert '[ditty_news_ticker id="4411"]' in out  # removed furniture is shown verbatim, not eaten as markup


def test_check_json_from_stdin_validates() -> None:
    result = run("check", "-", "--format", "json", stdin=SAMPLE_TEXT.read_bytes())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, report_schema())
    assert data["input"]["kind"] == "text"


def test_one_sentence_from_stdin_is_checked_as_a_claim() -> None:
    result = run("check", "-", "--format", "json", stdin=b"Unemployment fell to 3.5% in 2019.\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, report_schema())
    assert data["article"]["kind"] == "short"
    assert [claim["text"] for claim in data["claims"]] == ["Unemployment fell to 3.5% in 2019."]


def test_as_overrides_detection() -> None:
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
def test_bad_files_exit_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run("check", str(path))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_file_over_10_mb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (2 * 1024 * 1024 + 1))
    result = run("check", str(path))
    assert result.returncode == 2
    assert b"10 MB limit" in result.stderr


def test_missing_file_and_unreachable_url() -> None:
    assert run("check", "/nonexistent/story.txt").returncode == 2
    result = run("check", "http://127.0.0.1:9/x")
    assert result.returncode == 2
    assert b"non-public address" in result.stderr
    result = run("check", "http://127.0.0.1:9/x", "--allow-private")
    assert result.returncode == 2
    assert b"cannot fetch" in result.stderr


def test_no_command_prints_usage() -> None:
    result = run()
    assert result.returncode == 2
    assert b"usage" in result.stderr
