"""``factsift serve`` arguments and the analyses store's cursor handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsift.cli import build_parser, main
from factsift.web.store import AnalysisStore, BadCursor, decode_cursor, encode_cursor


def test_serve_is_a_command_with_its_options() -> None:
    args = build_parser().parse_args(["serve", "--port", "9000", "--db", "x.db", "--allow-private"])
    assert (args.host, args.port, args.db, args.allow_private, args.rate_limit) == (
        "127.0.0.1",
        9000,
        Path("x.db"),
        True,
        120,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "0"], "--port must be between"),
        (["serve", "--rate-limit", "-1"], "--rate-limit cannot be negative"),
        (["serve", "--max-analyses", "0"], "--max-analyses must be at least 1"),
    ],
)
def test_bad_serve_arguments_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cursor_round_trip_and_rejects_forgeries() -> None:
    assert decode_cursor(encode_cursor(42)) == 42
    for bad in ("", "!!", "djE6", encode_cursor(1)[:-1] + "*", "eDox"):
        with pytest.raises(BadCursor):
            decode_cursor(bad)


def test_store_shares_the_file_and_survives_reopening(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "factsift.db"
    store = AnalysisStore(db)
    saved = store.save({"article": {"title": "T", "outlet": {"name": "N", "domain": "d.example"}}, "risk": None})
    again = AnalysisStore(db)
    stored = again.get(saved.id)
    assert stored is not None
    assert stored.summary.outlet == "N · d.example"
    assert again.count() == 1
    assert again.delete(saved.id) and not again.delete(saved.id)
