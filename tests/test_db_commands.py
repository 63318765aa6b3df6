"""``factsift db upgrade|dump|load``: every store moves from SQLite to PostgreSQL and back, row for row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from factsift.archive.store import KeptArticle, open_article_archive
from factsift.cli import main
from factsift.factchecks.records import Review
from factsift.factchecks.store import open_store
from factsift.factchecks.terms import query_terms
from factsift.watch.store import ArchivedArticle, PendingItem, open_archive
from factsift.web.store import open_analyses

REVIEWS = [
    Review(id=f"r{n}", claim_reviewed=f"The {word} bridge was closed for {n} months", verdict="false", title=f"T{n}")
    for n, word in enumerate(["river", "harbour", "railway", "canal"])
]


def _fill(db: str) -> None:
    """Fact-checks with vectors, an analysis and a watched article in the stores at ``db``."""
    store = open_store(db)
    with store.transaction():
        store.upsert(REVIEWS)
    vectors = np.eye(4, 8, dtype=np.float32)
    store.put_embeddings("m", [r.id for r in REVIEWS], vectors)
    store.close()
    open_analyses(db).save({"article": {"title": "Saved"}})
    archive = open_archive(db)
    report = {"article": {"title": "Watched"}}
    item = PendingItem("k1", "https://x.example/1", "feed", "Watched", None, 0)
    archive.add_items("feed", [("k1", item.url, "Watched", None)], 1.0)
    assert archive.archive(
        ArchivedArticle("w1", item, 2.0, report, json.dumps(report), "g", b"\x00\x07", [("r1", 0, 0.8)])
    )
    archive.close()
    kept = open_article_archive(db)
    kept.add([KeptArticle("a1", None, "wire.example", None, None, "2017-01-23", "Denial", "It was denied.", ("x",))])
    kept.put_vectors("m", [("a1", np.array([[127, -3]], dtype=np.int8))])
    kept.close()


def _rows(dump: Path) -> list[str]:
    """The dump's rows, order-independent (an archived article's seq is given anew by each load)."""
    rows = [json.loads(line) for line in dump.read_text("utf-8").splitlines()[1:]]
    for row in rows:
        row["row"].pop("seq", None)
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def test_a_sqlite_database_moves_to_postgresql_and_back_row_for_row(tmp_path: Path, postgres_url: str) -> None:
    sqlite_db = str(tmp_path / "source.db")
    _fill(sqlite_db)
    assert main(["db", "dump", "--db", sqlite_db, "--out", str(tmp_path / "a.jsonl")]) == 0
    assert main(["db", "load", "--db", postgres_url, str(tmp_path / "a.jsonl")]) == 0
    assert main(["db", "load", "--db", postgres_url, str(tmp_path / "a.jsonl")]) == 0, "loading again adds nothing"
    assert main(["db", "dump", "--db", postgres_url, "--out", str(tmp_path / "b.jsonl")]) == 0
    assert _rows(tmp_path / "a.jsonl") == _rows(tmp_path / "b.jsonl")
    tables = {json.loads(line)["table"] for line in _rows(tmp_path / "b.jsonl")}
    assert {"factcheck_reviews", "factcheck_embeddings", "web_analyses", "watch_articles", "watch_matches"} <= tables
    assert {"archive_articles", "archive_vectors"} <= tables
    assert open_analyses(postgres_url).count() == 2  # the saved analysis and the watched article's report
    moved = open_store(postgres_url, create=False)
    assert [hit.id for hit in moved.keyword_search(query_terms("harbour bridge"), 2)] == ["r1", "r0"]
    assert np.allclose(moved.embeddings("m")[1], np.eye(4, 8)), "vectors come back exactly"
    assert main(["db", "load", "--db", str(tmp_path / "back.db"), str(tmp_path / "b.jsonl")]) == 0
    assert main(["db", "dump", "--db", str(tmp_path / "back.db"), "--out", str(tmp_path / "c.jsonl")]) == 0
    assert _rows(tmp_path / "a.jsonl") == _rows(tmp_path / "c.jsonl")


def test_a_bad_dump_line_loads_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = tmp_path / "bad.jsonl"
    row = {"table": "web_analyses", "row": {"id": "x"}}
    dump.write_text(json.dumps({"format": "factsift.dump/1"}) + "\n" + json.dumps(row) + "\n")
    assert main(["db", "load", "--db", str(tmp_path / "t.db"), str(dump)]) == 2
    assert "bad.jsonl:2: not a row of a known table" in capsys.readouterr().err
    assert not (tmp_path / "t.db").exists()


def test_upgrade_creates_every_store_and_an_old_sqlite_file_still_opens(tmp_path: Path, postgres_url: str) -> None:
    import sqlite3

    old = tmp_path / "old.db"
    raw = sqlite3.connect(old)  # a file from before the versions table: the web's analyses table alone
    raw.execute(
        "CREATE TABLE web_analyses (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
        " created TEXT NOT NULL, title TEXT, outlet TEXT, input_kind TEXT, risk_score REAL, risk_label TEXT,"
        " report TEXT NOT NULL)"
    )
    raw.execute("INSERT INTO web_analyses (id, created, report) VALUES ('a1', '2026-01-01', '{}')")
    raw.commit()
    raw.close()
    assert main(["db", "upgrade", "--db", str(old)]) == 0
    assert open_analyses(old).count() == 1
    versions = dict(sqlite3.connect(old).execute("SELECT component, version FROM factsift_schema"))
    assert versions == {"factchecks": 2, "analyses": 1, "watch": 1, "archive": 1}
    assert main(["db", "upgrade", "--db", postgres_url]) == 0
    assert open_store(postgres_url, create=False).stats()["reviews"] == 0


def test_an_unreachable_database_is_one_clear_line_without_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--db", "postgresql://desk:secret@127.0.0.1:1/factsift"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("factsift: error: cannot connect to postgresql://desk:***@127.0.0.1:1/factsift")
    assert "secret" not in error
