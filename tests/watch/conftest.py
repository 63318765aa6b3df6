"""Fixtures for the watcher's tests: generated feeds and article pages, a fact-check store, a config."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from factsift.watch.config import RuleConfig, SinkConfig, WatchConfig

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FACTCHECKS = ROOT / "examples" / "sample-factchecks.json"

_TOPICS = (
    "harbour ferry timetable",
    "county library budget",
    "river bridge repairs",
    "school lunch programme",
    "regional bus network",
    "hospital car park",
    "coastal flood defences",
    "city recycling contract",
)


def article_html(number: int, *, title: str | None = None, extra: str = "") -> str:
    """A generated news page whose text differs from every other number's (so no two are near-duplicates)."""
    topic = _TOPICS[number % len(_TOPICS)]
    token = hashlib.sha1(str(number).encode()).hexdigest()[:10]
    title = title or f"Council debates {topic} plan number {number}"
    paragraphs = [
        f"The council voted {number % 9 + 2} to 3 on Tuesday to approve changes to the {topic}, officials said.",
        f"The plan, reference {token}, would cost {number + 3}.4 million dollars over {number % 5 + 2} years, "
        "according to a statement from the finance office.",
        f"Residents of ward {number} told reporters that the {topic} had been delayed since {2000 + number % 20}.",
        f"Councillor Avery Stone said the {topic} proposal number {number} would create {number * 7 + 11} jobs.",
        f"A final vote on item {token} is expected next month after a public consultation.",
        extra,
    ]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body><article><h1>{escape(title)}</h1>"
        f"{body}</article></body></html>"
    )


def rss(base: str, paths: list[str], *, title: str = "Test feed") -> str:
    """An RSS 2.0 document linking ``base + path`` for each path."""
    items = "".join(
        f"<item><title>Story {escape(p)}</title><link>{escape(base + p)}</link>"
        "<pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


@pytest.fixture(scope="session")
def factcheck_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample fact-checks (copied per test by :func:`store_path`)."""
    from factsift.factchecks.importer import import_files

    path = tmp_path_factory.mktemp("factchecks") / "base.db"
    import_files([SAMPLE_FACTCHECKS], db=path, embeddings=False)
    return path


@pytest.fixture()
def store_path(tmp_path: Path, factcheck_db: Path) -> Path:
    """A fresh store for one test, with the sample fact-checks already imported."""
    import sqlite3

    target = tmp_path / "watch.db"
    with sqlite3.connect(factcheck_db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


@pytest.fixture()
def config(tmp_path: Path, store_path: Path) -> WatchConfig:
    """A fast in-process configuration that alerts on articles about budgets and writes alerts to a file."""
    return WatchConfig(
        db=store_path,
        allow_private=True,
        fast=True,
        workers=0,
        per_host_interval=0.0,
        fetch_threads=4,
        rules=[RuleConfig(name="budget", keywords=("budget",))],
        sinks=[SinkConfig("file", "jsonl", {"path": str(tmp_path / "alerts.jsonl")})],
    )
