"""The watcher end to end against a local HTTP server: feeds in, articles archived once, alerts out."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from factsift.watch.config import FeedConfig, WatchConfig
from factsift.watch.runner import CycleSummary, Watcher, article_id
from factsift.watch.store import SQLiteArchiveStore
from factsift.watch.urls import canonical_url

from .conftest import article_html, rss


def _items(db: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, state, reason FROM watch_items").fetchall()
    return {url: (state, reason) for url, state, reason in rows}


def _alerts(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def one_cycle(config: WatchConfig) -> CycleSummary:
    """One poll cycle of a watcher over ``config``, closed after."""
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]
    try:
        return watcher.run_once()
    finally:
        watcher.close()


def test_feed_to_archive_conditional_get_and_alerts_once(
    httpserver: HTTPServer, config: WatchConfig, tmp_path: Path
) -> None:
    base = httpserver.url_for("")
    rss_body = rss(base.rstrip("/"), ["/news/1", "/news/2?utm_source=feed", "/news/2/amp", "/news/gone"])
    seen_validators: list[str | None] = []

    def feed(request: Request) -> Response:
        seen_validators.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(rss_body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    httpserver.expect_request("/news/1").respond_with_data(
        article_html(1, title="County library budget cut by a third"), content_type="text/html"
    )
    httpserver.expect_request("/news/2").respond_with_data(article_html(2), content_type="text/html")
    httpserver.expect_request("/news/gone").respond_with_data("no such page", status=404)
    config.feeds = [FeedConfig(url=base + "feed.xml", name="Test", interval=0)]
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]
    try:
        first = watcher.run_once()
        second = watcher.run_once()
    finally:
        watcher.close()
    assert first.new_items == 3, "the AMP and tracking-tagged copies of /news/2 are one item"
    assert first.archived == 2 and first.gone == 1
    assert second.not_modified == 1 and second.new_items == 0 and second.archived == 0
    assert seen_validators == [None, '"v1"']
    items = _items(config.db)  # type: ignore[arg-type]
    assert items[base + "news/gone"][0] == "gone"
    assert {state for state, _ in items.values()} == {"done", "gone"}
    alerts = _alerts(tmp_path / "alerts.jsonl")
    assert [a["rule"] for a in alerts] == ["budget"]
    only = alerts[0]
    assert only["article_id"] == article_id(canonical_url(base + "news/1"))
    assert str(only["link"]).endswith(f"/a/{only['article_id']}")
    store = SQLiteArchiveStore(config.db)  # type: ignore[arg-type]
    try:
        report = store.report(str(only["article_id"]))
        assert report is not None and report["article"]["title"] == "County library budget cut by a third"
        assert store.pending_deliveries(time.time() + 1e6, 10) == []
    finally:
        store.close()


def test_rate_limited_feed_waits_for_retry_after_and_bad_feeds_do_not_stop_others(
    httpserver: HTTPServer, config: WatchConfig
) -> None:
    base = httpserver.url_for("")
    # A 429 holds back its whole host, so the good feed lives on another host name of the same server
    # (otherwise whether it is fetched this cycle would depend on which thread asks first).
    other = base.replace("localhost", "127.0.0.1")
    assert other != base
    httpserver.expect_request("/busy.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    httpserver.expect_request("/broken.xml").respond_with_data(
        "<rss><channel><item><title>cut", content_type="text/xml"
    )
    httpserver.expect_request("/good.xml").respond_with_data(rss(other.rstrip("/"), ["/ok/1"]), content_type="text/xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/ok/1").respond_with_data(article_html(5), content_type="text/html")
    config.feeds = [FeedConfig(url=base + "busy.xml"), FeedConfig(url=base + "broken.xml")]
    config.feeds.append(FeedConfig(url=other + "good.xml"))
    before = time.time()
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]
    try:
        summary = watcher.run_once()
        feeds = {f.url.rsplit("/", 1)[-1]: f for f in watcher.store.feeds()}
    finally:
        watcher.close()
    assert summary.feed_errors == 2 and summary.archived == 1
    assert feeds["busy.xml"].next_poll >= before + 120 and "429" in (feeds["busy.xml"].error or "")
    assert "malformed" in (feeds["broken.xml"].error or "")
    assert feeds["good.xml"].error is None and feeds["good.xml"].kind == "rss"


def test_ten_thousand_item_feed_is_queued_whole_and_worked_through_in_bounded_cycles(
    httpserver: HTTPServer, config: WatchConfig
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/big.xml").respond_with_data(
        rss(base, [f"/big/{n}" for n in range(10_000)]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)

    def page(request: Request) -> Response:
        return Response(article_html(int(request.path.rsplit("/", 1)[-1])), content_type="text/html")

    httpserver.expect_request(__import__("re").compile(r"/big/\d+")).respond_with_handler(page)
    config.feeds = [FeedConfig(url=base + "/big.xml")]
    config.max_articles_per_cycle = 6
    summary = one_cycle(config)
    states = [state for state, _ in _items(config.db).values()]  # type: ignore[arg-type]
    assert summary.new_items == 10_000 and summary.archived == 6
    assert states.count("done") == 6 and states.count("new") == 9_994


def test_redirect_to_a_private_address_is_refused(
    httpserver: HTTPServer, config: WatchConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factsift.ingest import fetch as fetch_module

    real = fetch_module._address_is_public
    monkeypatch.setattr(fetch_module, "_address_is_public", lambda address: address == "127.0.0.1" or real(address))
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(rss(base, ["/jump"]), content_type="text/xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/jump").respond_with_data("", status=302, headers={"Location": "http://10.0.0.1/x"})
    config.allow_private = False
    config.feeds = [FeedConfig(url=base + "/feed.xml")]
    summary = one_cycle(config)
    state, reason = _items(config.db)[base + "/jump"]  # type: ignore[arg-type]
    assert summary.archived == 0 and state == "refused" and "10.0.0.1" in (reason or "")


def test_robots_txt_is_honoured_and_syndicated_copies_alert_once(
    httpserver: HTTPServer, config: WatchConfig, tmp_path: Path
) -> None:
    base = httpserver.url_for("").rstrip("/")
    wire = article_html(7, title="Wire: county budget shortfall grows")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, ["/a/wire", "/b/wire-copy", "/private/x"]), content_type="text/xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    httpserver.expect_request("/a/wire").respond_with_data(wire, content_type="text/html")
    httpserver.expect_request("/b/wire-copy").respond_with_data(wire, content_type="text/html")
    config.feeds = [FeedConfig(url=base + "/feed.xml")]
    summary = one_cycle(config)
    with sqlite3.connect(config.db) as db:  # type: ignore[arg-type]
        groups = db.execute("SELECT DISTINCT group_id FROM watch_articles").fetchall()
    assert summary.archived == 2 and len(groups) == 1
    assert _items(config.db)[base + "/private/x"][0] == "robots"  # type: ignore[arg-type]
    assert len(_alerts(tmp_path / "alerts.jsonl")) == 1


def test_opml_list_sitemap_index_and_json_feed_all_lead_to_items(
    httpserver: HTTPServer, config: WatchConfig, tmp_path: Path
) -> None:
    base = httpserver.url_for("").rstrip("/")
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" xmlUrl="{base}/index.xml"/>'
        f'<outline type="rss" xmlUrl="{base}/feed.json"/></body></opml>'
    )
    httpserver.expect_request("/index.xml").respond_with_data(
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/news.xml</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    httpserver.expect_request("/news.xml").respond_with_data(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/s/1</loc></url><url><loc>{base}/s/2</loc></url></urlset>",
        content_type="application/xml",
    )
    httpserver.expect_request("/feed.json").respond_with_json(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": f"{base}/j/1"}]}
    )
    config.opml = [opml]
    config.max_articles_per_cycle = 0  # only the polling is looked at here
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]
    try:
        summary = watcher.run_once()
        kinds = {f.url.rsplit("/", 1)[-1]: f.kind for f in watcher.store.feeds()}
    finally:
        watcher.close()
    assert kinds == {"index.xml": "sitemapindex", "feed.json": "jsonfeed", "news.xml": "sitemap"}
    assert summary.new_items == 3 and set(_items(config.db)) == {f"{base}/s/1", f"{base}/s/2", f"{base}/j/1"}  # type: ignore[arg-type]
