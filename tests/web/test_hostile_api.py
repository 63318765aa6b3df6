"""The API under hostile input: bombs, budgets, forwarded headers and inputs that once caused a 500."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from factsift.web.cli import uvicorn_options
from factsift.web.settings import ServerSettings

from .samples import CLAIM_REVIEW

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def no_embedding_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports here test parsing: loading the embedding model would only cost time."""
    monkeypatch.setenv("FACTSIFT_EMBEDDINGS", "off")


def test_a_gzip_bomb_import_is_refused_at_the_limit(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_import_bytes=1024 * 1024)
    bomb = gzip.compress(b"[" + b" " * (8 * 1024 * 1024) + b"]", compresslevel=9)
    assert len(bomb) < 20_000
    response = client.post("/api/v1/factchecks:import", files={"file": ("feed.json.gz", bomb)})
    assert response.status_code == 422
    assert "1 MB limit once decompressed" in response.json()["detail"]


def test_an_article_over_the_size_budget_is_413_before_analysis(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_text_chars=2_000)
    response = client.post("/api/v1/analyses", json={"text": "The council met on Tuesday. " * 200})
    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM
    assert "at most 2,000" in response.json()["detail"]
    assert client.get("/api/v1/analyses").json()["items"] == []


def test_an_analysis_over_its_time_budget_is_503_and_stores_nothing(
    make_client: Callable[..., TestClient], sample_text: str
) -> None:
    client = make_client(analysis_seconds=1e-9)
    response = client.post("/api/v1/analyses", json={"text": sample_text})
    assert response.status_code == 503
    assert "budget" in response.json()["detail"]
    assert client.get("/api/v1/analyses").json()["items"] == []


def forwarded_requests(settings: ServerSettings, count: int) -> list[int]:
    """Statuses of ``count`` requests from 127.0.0.1, each claiming a fresh X-Forwarded-For address."""
    config = uvicorn.Config(create_app_for(settings), **uvicorn_options(settings, "127.0.0.1", 0))
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 40000))

    async def run() -> list[int]:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return [
                (await client.get("/api/v1/analyses", headers={"X-Forwarded-For": f"203.0.113.{n}"})).status_code
                for n in range(count)
            ]

    import asyncio

    return asyncio.run(run())


def create_app_for(settings: ServerSettings) -> Any:
    """The app for ``settings`` (imported late so the fixture store path is used)."""
    from factsift.web.app import create_app

    return create_app(settings)


def test_a_fresh_forwarded_for_does_not_escape_the_rate_limit(tmp_path: Any) -> None:
    settings = ServerSettings(db=tmp_path / "store.db", rate_limit=60, rate_burst=2)
    assert forwarded_requests(settings, 4) == [200, 200, 429, 429]


def test_forwarded_for_is_believed_from_a_configured_proxy(tmp_path: Any) -> None:
    settings = ServerSettings(db=tmp_path / "store.db", rate_limit=60, rate_burst=2, trusted_proxies=("127.0.0.1",))
    assert forwarded_requests(settings, 4) == [200, 200, 200, 200]


@pytest.mark.parametrize("field", ["text", "html"])
def test_a_lone_surrogate_in_the_article_is_422_before_analysis(client: TestClient, field: str) -> None:
    body = '{"' + field + '": "' + "The council met on Tuesday. " * 400 + '\\ud800 end"}'
    response = client.post("/api/v1/analyses", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "lone surrogate \\ud800" in response.json()["detail"]


def test_an_overflowing_cursor_is_422(client: TestClient) -> None:
    response = client.get("/api/v1/analyses", params={"cursor": "djE6OTIyMzM3MjAzNjg1NDc3NTgwOA"})
    assert response.status_code == 422 and "invalid cursor" in response.json()["detail"]


def test_import_survives_deep_nesting_a_surrogate_and_a_bad_line(client: TestClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.post("/api/v1/factchecks:import", files={"file": ("deep.json", deep)})
    assert response.status_code == 422 and "nested too deeply" in response.json()["detail"]

    good = json.dumps(CLAIM_REVIEW)
    surrogate = good.replace('"claimReviewed": "', '"claimReviewed": "\\udc00', 1)
    assert surrogate != good
    lines = [good, surrogate, "[" * 5000 + "]" * 5000, '{"broken": \xff}', "\x00not json"]
    upload = "\n".join(lines).encode("utf-8", "surrogateescape").replace("\xff".encode(), b"\xff")
    response = client.post("/api/v1/factchecks:import", files={"file": ("feed.jsonl", upload)})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["added"] == 1 and result["skipped"] == 4
    assert [error.split(":")[0] for error in result["errors"]] == [
        "feed.jsonl line 2 document",
        "feed.jsonl line 3",
        "feed.jsonl line 4",
        "feed.jsonl line 5",
    ]


def test_import_errors_name_the_uploaded_file_not_the_server_path(client: TestClient) -> None:
    response = client.post("/api/v1/factchecks:import", files={"file": ("my feed.json", b"{not json")})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("my_feed.json: not valid JSON") and "factsift-import-" not in detail


def test_a_full_store_is_503_and_healthz_says_so_until_a_write_succeeds(
    client: TestClient, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    insert = store._insert

    def full_disk(*args: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_insert", full_disk)
    response = client.post("/api/v1/analyses", json={"text": sample_text, "options": {"fast": True}})
    assert response.status_code == 503 and "disk is full" in response.json()["detail"]
    health = client.get("/healthz")
    assert health.status_code == 503 and "last write" in health.json()["detail"]
    monkeypatch.setattr(store, "_insert", insert)
    assert client.post("/api/v1/analyses", json={"text": sample_text, "options": {"fast": True}}).status_code == 201
    assert client.get("/healthz").status_code == 200


def test_healthz_reports_a_disk_about_to_fill(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 4096, 4096))  # type: ignore[attr-defined]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "error" and "4 KB free" in health.json()["detail"]
