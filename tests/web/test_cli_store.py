"""``factsift serve`` arguments and the analyses store's cursor handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsift.cli import build_parser, main
from factsift.web.store import BadCursor, decode_cursor, encode_cursor, open_analyses


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
    store = open_analyses(db)
    saved = store.save({"article": {"title": "T", "outlet": {"name": "N", "domain": "d.example"}}, "risk": None})
    again = open_analyses(db)
    stored = again.get(saved.id)
    assert stored is not None
    assert stored.summary.outlet == "N · d.example"
    assert again.count() == 1
    assert again.delete(saved.id) and not again.delete(saved.id)


def _captured_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, dict[str, object]]]:
    """uvicorn.run replaced by a recorder: (app or import string, options) of each call."""
    import uvicorn

    runs: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append((app, options)))
    return runs


def test_serve_on_sqlite_uses_one_process_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = _captured_runs(monkeypatch)
    assert main(["serve", "--db", str(tmp_path / "s.db"), "--workers", "3"]) == 0
    assert "serving with one process, not 3: a SQLite file takes one writer at a time" in capsys.readouterr().err
    ((app, options),) = runs
    assert not isinstance(app, str) and "workers" not in options


def test_serve_on_postgresql_starts_worker_processes_with_the_same_settings(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    from factsift.web.app import app_from_environment
    from factsift.web.settings import SETTINGS_ENV

    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    runs = _captured_runs(monkeypatch)
    assert main(["serve", "--db", postgres_url, "--workers", "2", "--rate-limit", "7", "--fast"]) == 0
    ((app, options),) = runs
    assert (app, options["workers"], options["factory"]) == ("factsift.web.app:app_from_environment", 2, True)
    worker = app_from_environment()  # what each worker process builds
    assert (worker.state.settings.db, worker.state.settings.rate_limit, worker.state.settings.fast) == (
        postgres_url,
        7,
        True,
    )
    monkeypatch.delenv(SETTINGS_ENV)
