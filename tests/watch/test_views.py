"""What reads the archive: the digest, recurring claims (trends), the web pages and their commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer

from factsift.cli import main
from factsift.watch.config import FeedConfig, RuleConfig, WatchConfig
from factsift.watch.digest import build_digest, render_digest
from factsift.watch.runner import Watcher
from factsift.watch.store import SQLiteArchiveStore
from factsift.watch.trends import build_trends
from factsift.web.app import create_app
from factsift.web.settings import ServerSettings

from .conftest import ROOT, article_html, rss

SAMPLE = (ROOT / "examples" / "sample-article.html").read_text(encoding="utf-8")
RESERVOIR_CHECK = "Port Elsmere's mayor secretly sold the town reservoir to a foreign bottling company."


@pytest.fixture()
def watched(httpserver: HTTPServer, config: WatchConfig, tmp_path: Path) -> Path:
    """A store after one cycle over two copies of the sample story (which repeats a debunked claim) and three
    unrelated articles."""
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, ["/one/reservoir", "/two/reservoir-copy", "/n/1", "/n/2", "/n/3"]), content_type="text/xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path in ("/one/reservoir", "/two/reservoir-copy"):
        httpserver.expect_request(path).respond_with_data(SAMPLE, content_type="text/html")
    for number in (1, 2, 3):
        httpserver.expect_request(f"/n/{number}").respond_with_data(article_html(number), content_type="text/html")
    config.feeds = [FeedConfig(url=base + "/feed.xml", name="Local")]
    config.rules = [RuleConfig("debunked", factcheck_verdicts=("false",)), RuleConfig("again", repeated=2)]
    watcher = Watcher(config, config.db)  # type: ignore[arg-type]
    try:
        assert watcher.run_once().archived == 5
    finally:
        watcher.close()
    return config.db  # type: ignore[return-value]


def test_copies_of_a_debunked_story_alert_once_per_rule(watched: Path, tmp_path: Path) -> None:
    alerts = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert sorted(a["rule"] for a in alerts) == ["again", "debunked"]
    again = next(a for a in alerts if a["rule"] == "again")
    assert any("seen 2 times" in reason for reason in again["reasons"])


def test_digest_ranks_claims_by_topic_with_their_fact_check(watched: Path) -> None:
    store = SQLiteArchiveStore(watched)
    try:
        digest = build_digest(store, since_seconds=3600, limit=50)
    finally:
        store.close()
    assert digest.articles == 5 and digest.topics
    claims = [claim for topic in digest.topics for claim in topic.claims]
    worthiness = [c.checkworthiness for c in claims]
    assert len({c.text for c in claims}) == len(claims), "syndicated copies give one line per claim"
    checked = [c for c in claims if c.factcheck and c.factcheck["verdict"] == "false"]
    assert checked and all(c.factcheck["claim_reviewed"] == RESERVOIR_CHECK for c in checked)  # type: ignore[index]
    assert max(worthiness) == max(c.checkworthiness for c in digest.topics[0].claims)
    reservoir_topic = next(t for t in digest.topics if any("reservoir" in c.text.lower() for c in t.claims))
    assert all(t.name for t in digest.topics) and reservoir_topic.terms
    assert "fact-check: false" in render_digest(digest, "text")
    assert json.loads(render_digest(digest, "json"))["articles"] == 5
    assert "<h2>" in render_digest(digest, "html")


def test_trends_count_the_watched_articles_repeating_a_fact_checked_claim(watched: Path) -> None:
    store = SQLiteArchiveStore(watched)
    try:
        trends = build_trends(store, watched)
    finally:
        store.close()
    reservoir = next(t for t in trends if t.claim == RESERVOIR_CHECK)
    assert reservoir.matches == 2 and reservoir.verdict == "false"
    assert sum(count for _, count in reservoir.per_day) == 2 and len(reservoir.articles) == 2
    assert all("/n/" not in a.url for t in trends for a in t.articles), "unrelated articles match nothing"


def test_pages_show_state_alerts_digest_and_trends(watched: Path) -> None:
    client = TestClient(create_app(ServerSettings(db=watched)))
    watch = client.get("/watch")
    assert watch.status_code == 200 and "Local" in watch.text
    assert "debunked" in watch.text and "file: sent" in watch.text
    digest = client.get("/digest?since=2h")
    assert digest.status_code == 200 and "reservoir" in digest.text
    trends = client.get("/trends")
    assert trends.status_code == 200 and "<svg" in trends.text and 'src="http' not in trends.text
    store = SQLiteArchiveStore(watched)
    try:
        review = next(t.review_id for t in build_trends(store, watched) if t.claim == RESERVOIR_CHECK)
    finally:
        store.close()
    page = client.get(f"/trends/{review}")
    assert page.status_code == 200 and page.text.count('href="/a/') == 2
    assert client.get("/trends/no-such-review").status_code == 404


def test_digest_and_trends_commands(watched: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--db", str(watched), "--since", "2h", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 5
    assert main(["factchecks", "trends", "--db", str(watched), "--format", "json"]) == 0
    trends = json.loads(capsys.readouterr().out)
    assert any(t["claim"] == RESERVOIR_CHECK and t["matches"] == 2 for t in trends)
