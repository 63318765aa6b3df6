"""The web app keeps every article it analyses in the article archive (not short texts), unless told not to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factsift.archive.keep import url_article_id
from factsift.archive.store import ArticleArchive, KeptArticle, open_article_archive
from factsift.web.settings import ServerSettings, settings_from_json, settings_to_json

from .samples import ARTICLE_HTML, small_article

FAST = {"options": {"fast": True}}


def _kept(tmp_path: Path) -> list[KeptArticle]:
    """Every article in the test store's archive."""
    archive = open_article_archive(tmp_path / "store.db")
    try:
        return archive.missing_vectors("any-model", 100)
    finally:
        archive.close()


def test_an_analysed_article_is_kept_once_with_its_claims(client: TestClient, tmp_path: Path) -> None:
    for _ in range(2):
        response = client.post("/api/v1/analyses", json={"html": ARTICLE_HTML.decode(), **FAST})
        assert response.status_code == 201, response.text
    (kept,) = _kept(tmp_path)
    report = response.json()["report"]
    assert kept.title == report["article"]["title"] and kept.text == report["article"]["text"]
    assert kept.claims and set(kept.claims) <= {claim["text"] for claim in report["claims"]}


def test_the_form_keeps_what_it_analyses_too(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/analyse", data={"source": small_article(7)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert [kept.title for kept in _kept(tmp_path)] == ["Library Extends Weekend Opening Hours In Story 7"]


def test_a_short_text_pasted_to_be_checked_is_not_kept_as_an_article(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/api/v1/analyses", json={"text": "Unemployment fell to 3 percent last year.", **FAST})
    assert response.status_code == 201, response.text
    assert response.json()["report"]["article"]["kind"] == "short"
    assert _kept(tmp_path) == []


def test_keeping_can_be_turned_off(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    client = make_client(keep_articles=False)
    assert client.post("/api/v1/analyses", json={"text": small_article(1), **FAST}).status_code == 201
    assert _kept(tmp_path) == []
    handed = settings_from_json(settings_to_json(ServerSettings(db=tmp_path / "x.db", keep_articles=False)))
    assert handed.keep_articles is False, "serve --workers hands the switch to its processes"


def test_an_archive_that_fails_is_logged_and_the_analysis_still_answers(
    client: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive: ArticleArchive = client.app.state.archive  # type: ignore[attr-defined]

    def broken(articles: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(archive, "add", broken)
    with caplog.at_level(logging.ERROR, logger="factsift.web.analysis"):
        response = client.post("/api/v1/analyses", json={"text": small_article(2), **FAST})
    assert response.status_code == 201, response.text
    assert "keeping the analysed article in the article archive failed" in caplog.text and "disk full" in caplog.text
    assert client.get(f"/api/v1/analyses/{response.json()['id']}").status_code == 200


def test_a_fetched_page_is_kept_under_its_url(
    make_client: Callable[..., TestClient], local_site: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, _ = local_site
    client = make_client(allow_private=True)
    assert client.post("/api/v1/analyses", json={"url": url, **FAST}).status_code == 201
    (kept,) = _kept(tmp_path)
    assert (kept.id, kept.url, kept.outlet) == (url_article_id(url), url, "127.0.0.1")
