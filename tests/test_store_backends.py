"""The analyses and watch store contracts, run on SQLite and on PostgreSQL (a schema of the test cluster).

The fact-check store's contract is ``tests/factchecks/test_store_contract.py``; these cover the
other stores a store URL selects, and the versioned migrations both backends share.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from factsift.migrations import Migration, SchemaTooNew, migrate_sqlite
from factsift.watch.store import Alert, ArchivedArticle, PendingItem, open_archive
from factsift.web.store import StoreUnavailable, open_analyses


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty store of each backend."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path}/store.db"


def _report(title: str) -> dict[str, object]:
    return {"article": {"title": title, "outlet": {"domain": "x.example"}}, "risk": {"score": 0.2, "label": "low"}}


def test_analyses_are_saved_listed_newest_first_in_pages_and_deleted(url: str) -> None:
    store = open_analyses(url)
    saved = [store.save(_report(f"story {n}")) for n in range(5)]
    assert store.count() == 5 and len({summary.id for summary in saved}) == 5
    first, cursor = store.list(2)
    assert [s.title for s in first] == ["story 4", "story 3"] and cursor is not None
    rest, end = store.list(10, cursor)
    assert [s.title for s in rest] == ["story 2", "story 1", "story 0"] and end is None
    stored = store.get(saved[0].id)
    assert stored is not None and stored.report == _report("story 0") and stored.summary == saved[0]
    assert store.delete(saved[0].id) and not store.delete(saved[0].id)
    assert store.get(saved[0].id) is None and store.count() == 4
    store.ping()
    assert open_analyses(url).count() == 4, "a second store object of the same URL sees the same rows"


def test_a_failed_analysis_write_is_reported_by_ping(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_analyses(url)

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_insert", disk_full)
    with pytest.raises(StoreUnavailable, match="could not be stored"):
        store.save(_report("lost"))
    with pytest.raises(StoreUnavailable, match="last write"):
        store.ping()
    assert store.count() == 0


def _article(key: str, alerts: list[Alert]) -> ArchivedArticle:
    item = PendingItem(key, f"https://x.example/{key}", "feed", key, None, 0)
    report = _report(key)
    return ArchivedArticle(
        f"id-{key}", item, 100.0, report, json.dumps(report), "g1", b"\x01\x02", [("r1", 0, 0.9)], alerts
    )


def test_the_watch_store_archives_each_item_once_and_queues_each_alert_once(url: str) -> None:
    store = open_archive(url)
    store.add_feed("https://x.example/feed", name="X", interval=60.0)
    store.add_feed("https://x.example/feed", name=None, interval=None)
    store.record_poll("https://x.example/feed", etag="e1", failures=0, next_poll=5.0)
    (feed,) = store.feeds()
    assert (feed.name, feed.interval, feed.etag, feed.next_poll) == ("X", 60.0, "e1", 5.0)
    items = [(k, f"https://x.example/{k}", k, None) for k in ("a", "b")]
    assert store.add_items("feed", items, 50.0) == 2 and store.add_items("feed", items, 60.0) == 0
    assert [item.key for item in store.pending_items(100.0, 10)] == ["a", "b"]
    store.set_sinks(["hook", "file"])
    alert = Alert("al1", "risky", "g1", {"title": "a"})
    assert store.archive(_article("a", [alert]))
    assert not store.archive(_article("a", [alert])), "archived once"
    assert store.archive(_article("b", [alert])), "another article; its alert was raised already"
    store.defer_item("c", reason="none", next_try=0.0)
    assert store.pending_items(100.0, 10) == []
    assert sorted((d.alert_id, d.sink) for d in store.pending_deliveries(1e9, 10)) == [("al1", "file"), ("al1", "hook")]
    store.delivery_done("al1", "hook", error=None, next_try=None)
    store.delivery_done("al1", "file", error="down", next_try=None)
    ((payload, deliveries),) = store.alerts(10)
    assert payload == {"title": "a"} and [(s, state) for s, state, _, _ in deliveries] == [
        ("file", "failed"),
        ("hook", "sent"),
    ]
    assert store.alert_exists("al1") and store.match_count("r1") == 2
    assert [(s[0], s[3]) for s in store.signatures(0.0)] == [("id-a", b"\x01\x02"), ("id-b", b"\x01\x02")]
    assert store.group_outlets("g1") == ["x.example"] and store.item_counts(0.0) == {"done": 2}
    assert {row.id for row in store.articles_since(0.0)} == {"id-a", "id-b"}
    assert store.article_rows(["id-a"])["id-a"][0] == "https://x.example/a"
    assert store.report("id-a") == _report("a") and len(store.matches()) == 2
    assert open_analyses(url).get("id-a") is not None, "the watcher's reports are the web's analyses"
    store.close()


STEPS = (
    Migration(1, "a table", ("CREATE TABLE t (a INTEGER)",)),
    Migration(2, "a column", ("ALTER TABLE t ADD COLUMN b TEXT",)),
)


def test_migrations_apply_only_the_missing_steps_and_refuse_a_newer_schema(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    assert migrate_sqlite(db, "demo", STEPS[:1], where="m.db") == 1
    db.execute("INSERT INTO t VALUES (1)")
    assert migrate_sqlite(db, "demo", STEPS, where="m.db") == 2
    assert db.execute("SELECT a, b FROM t").fetchall() == [(1, None)]
    assert migrate_sqlite(db, "demo", STEPS, where="m.db") == 2, "nothing left to do"
    with pytest.raises(SchemaTooNew, match="schema 2, this factsift knows up to 1"):
        migrate_sqlite(db, "demo", STEPS[:1], where="m.db")
