"""The watcher keeps every article it reads in the article archive, unless told not to."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from factsift.archive.store import KeptArticle, open_article_archive
from factsift.watch.cli import watch_config
from factsift.watch.config import FeedConfig, WatchConfig, load_config
from factsift.watch.runner import CycleSummary, Watcher, article_id
from factsift.watch.urls import canonical_url

from .conftest import article_html, rss


def _serve_two_articles(httpserver: HTTPServer) -> str:
    """A feed of two article pages (the RSS items are dated 3 December 2024; the pages carry no date)."""
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, ["/news/1", "/news/2?utm_source=rss"]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/news/1").respond_with_data(article_html(1), content_type="text/html")
    httpserver.expect_request("/news/2").respond_with_data(article_html(2), content_type="text/html")
    return base


def _cycle(config: WatchConfig) -> CycleSummary:
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]
    try:
        return watcher.run_once(deliver_for=0)
    finally:
        watcher.close()


def _kept(db: Path) -> dict[str, KeptArticle]:
    archive = open_article_archive(db)
    try:
        return {a.id: a for a in archive.missing_vectors("any-model", 100)}
    finally:
        archive.close()


def test_every_article_read_is_kept_under_the_watchers_id_with_the_feeds_date(
    httpserver: HTTPServer, config: WatchConfig
) -> None:
    base = _serve_two_articles(httpserver)
    config.feeds = [FeedConfig(url=base + "/feed.xml", interval=0)]
    summary = _cycle(config)
    assert (summary.archived, summary.kept) == (2, 2)
    kept = _kept(config.db)  # type: ignore[arg-type]
    first = kept[article_id(canonical_url(base + "/news/1"))]
    assert first.url == base + "/news/1" and first.title == "Council debates county library budget plan number 1"
    assert first.published == "2024-12-03", "the page has no date: the feed item's is kept"
    assert first.claims and all(claim in first.text for claim in first.claims)
    assert article_id(canonical_url(base + "/news/2")) in kept and len(kept) == 2
    assert _cycle(config).kept == 0, "nothing new to read, nothing new kept"


def test_keeping_can_be_turned_off(httpserver: HTTPServer, config: WatchConfig) -> None:
    base = _serve_two_articles(httpserver)
    config.feeds = [FeedConfig(url=base + "/feed.xml", interval=0)]
    config.keep_articles = False
    summary = _cycle(config)
    assert (summary.archived, summary.kept) == (2, 0)
    assert _kept(config.db) == {}  # type: ignore[arg-type]


def _args(config_file: Path | None, *extra: str) -> argparse.Namespace:
    """The parsed ``factsift watch`` flags."""
    from factsift.cli import build_parser

    flags = ["watch", "--feed", "https://news.example/feed.xml", *extra]
    if config_file is not None:
        flags += ["--config", str(config_file)]
    return build_parser().parse_args(flags)


def test_the_switch_is_read_from_the_flag_the_watch_file_and_factsift_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no factsift.toml here: keeping is on
    monkeypatch.delenv("FACTSIFT_CONFIG", raising=False)
    assert watch_config(_args(None)).keep_articles is True
    assert watch_config(_args(None, "--no-keep")).keep_articles is False
    watch_file = tmp_path / "watch.toml"
    watch_file.write_text("[watch]\nkeep_articles = false\n")
    assert load_config(watch_file).keep_articles is False
    assert watch_config(_args(watch_file)).keep_articles is False
    (tmp_path / "factsift.toml").write_text("[archive]\nkeep = false\n")
    assert watch_config(_args(None)).keep_articles is False
    watch_file.write_text("[watch]\nkeep_articles = true\n")
    assert watch_config(_args(watch_file)).keep_articles is True, "the watch file says more than factsift.toml"


def test_an_archive_that_fails_is_reported_and_the_watcher_goes_on(
    httpserver: HTTPServer, config: WatchConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _serve_two_articles(httpserver)
    config.feeds = [FeedConfig(url=base + "/feed.xml", interval=0)]
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]

    def broken(articles: object) -> None:
        raise OSError("disk full")

    try:
        assert watcher.kept is not None
        monkeypatch.setattr(watcher.kept, "add", broken)
        summary = watcher.run_once(deliver_for=0)
    finally:
        watcher.close()
    assert (summary.archived, summary.kept) == (2, 0), "the watch store still has every analysis"
    assert any("article archive failed: disk full" in error for error in summary.errors)


def test_articles_are_kept_before_their_items_are_marked_done(
    httpserver: HTTPServer, config: WatchConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _serve_two_articles(httpserver)
    config.feeds = [FeedConfig(url=base + "/feed.xml", interval=0)]
    config.fetch_threads = 1  # one batch of both articles
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]

    def killed(*args: object) -> bool:
        raise RuntimeError("killed before the watch store committed")

    monkeypatch.setattr(watcher, "_archive", killed)
    try:
        with pytest.raises(RuntimeError, match="killed"):
            watcher.run_once(deliver_for=0)
    finally:
        watcher.close()
    assert len(_kept(config.db)) == 2  # type: ignore[arg-type]
    summary = _cycle(config)  # the restarted watcher reads both again: kept unchanged, archived now
    assert (summary.archived, summary.kept) == (2, 0) and len(_kept(config.db)) == 2  # type: ignore[arg-type]
