"""Fact-check endpoints: the exact calls into the fact-check store, its absence, and the real store."""

from __future__ import annotations

import importlib
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factsift.errors import InputError
from factsift.factchecks.importer import ImportSummary

from .samples import CLAIM_REVIEW

PROBLEM = "application/problem+json"


@pytest.fixture
def fake_store(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Stand-in importer/search modules recording how the server calls them."""
    calls: dict[str, list[Any]] = {"import": [], "search": []}
    try:
        importlib.import_module("factsift.factchecks")
    except ModuleNotFoundError:
        package = types.ModuleType("factsift.factchecks")
        package.__path__ = []
        monkeypatch.setitem(sys.modules, "factsift.factchecks", package)

    def import_files(
        paths: list[Path],
        db: Path | None = None,
        progress: bool = False,
        max_bytes: int = 0,
        embeddings: object = None,
    ) -> ImportSummary:
        contents = [(p.name, p.read_bytes()) for p in paths]
        calls["import"].append({"files": contents, "db": db, "progress": progress})
        if any(b"broken" in data for _, data in contents):
            raise InputError("x.json is not a ClaimReview file")
        return ImportSummary(added=len(paths), updated=1, skipped=0, errors=["row 3: no verdict"])

    def search(query: str, k: int = 5, db: Path | None = None, section: object = None) -> list[dict[str, Any]]:
        calls["search"].append({"query": query, "k": k, "db": db})
        hit = {
            "id": "r1",
            "score": 0.9,
            "claim_reviewed": "Bridges",
            "verdict": "false",
            "url": "https://c.example",
            "publisher": "Desk",
            "date": "2026-01-01",
        }
        return [hit][:k]

    importer = types.ModuleType("factsift.factchecks.importer")
    importer.import_files = import_files  # type: ignore[attr-defined]
    searcher = types.ModuleType("factsift.factchecks.search")
    searcher.search = search  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "factsift.factchecks.importer", importer)
    monkeypatch.setitem(sys.modules, "factsift.factchecks.search", searcher)
    return calls


def test_import_calls_import_files_with_the_uploads_and_the_store(
    client: TestClient, fake_store: dict[str, list[Any]], tmp_path: Path
) -> None:
    files = [
        ("file", ("reviews.json", b'{"@type": "ClaimReview"}', "application/json")),
        ("file", ("../../etc/more.jsonl.gz", b"gz-bytes", "application/gzip")),
    ]
    response = client.post("/api/v1/factchecks:import", files=files)
    assert response.status_code == 200, response.text
    assert response.json() == {"added": 2, "updated": 1, "skipped": 0, "errors": ["row 3: no verdict"]}
    (call,) = fake_store["import"]
    assert call["db"] == tmp_path / "store.db"
    assert call["progress"] is False
    names = [name for name, _ in call["files"]]
    assert names == ["reviews.json", "more.jsonl.gz"]  # the uploaded names, without their paths
    assert [data for _, data in call["files"]] == [b'{"@type": "ClaimReview"}', b"gz-bytes"]


def test_import_of_a_bad_file_is_422(client: TestClient, fake_store: dict[str, list[Any]]) -> None:
    response = client.post("/api/v1/factchecks:import", files={"file": ("x.json", b"broken", "application/json")})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert "not a ClaimReview file" in response.json()["detail"]


def test_import_without_a_file_is_422(client: TestClient, fake_store: dict[str, list[Any]]) -> None:
    assert client.post("/api/v1/factchecks:import", data={"x": "1"}).status_code == 422
    assert client.post("/api/v1/factchecks:import").status_code == 422
    assert fake_store["import"] == []


def test_import_over_the_body_limit_is_413(make_client: Any, fake_store: dict[str, list[Any]]) -> None:
    client = make_client(max_body_bytes=2048)
    response = client.post("/api/v1/factchecks:import", files={"file": ("big.json", b"[" + b" " * 4096 + b"]")})
    assert response.status_code == 413
    assert fake_store["import"] == []


def test_search_calls_search_with_query_k_and_store(
    client: TestClient, fake_store: dict[str, list[Any]], tmp_path: Path
) -> None:
    response = client.get("/api/v1/factchecks/search", params={"q": "bridge traffic", "k": 3})
    assert response.status_code == 200
    assert response.json()["query"] == "bridge traffic"
    assert response.json()["results"][0]["verdict"] == "false"
    assert fake_store["search"] == [{"query": "bridge traffic", "k": 3, "db": tmp_path / "store.db"}]


def test_search_validation(client: TestClient, fake_store: dict[str, list[Any]]) -> None:
    assert client.get("/api/v1/factchecks/search").status_code == 422
    assert client.get("/api/v1/factchecks/search", params={"q": ""}).status_code == 422
    assert client.get("/api/v1/factchecks/search", params={"q": "x", "k": 0}).status_code == 422
    assert client.get("/api/v1/factchecks/search", params={"q": "x", "k": 51}).status_code == 422
    assert fake_store["search"] == []


def test_missing_store_is_501(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "factsift.factchecks.importer", None)
    monkeypatch.setitem(sys.modules, "factsift.factchecks.search", None)
    for response in (
        client.post("/api/v1/factchecks:import", files={"file": ("x.json", b"[]")}),
        client.get("/api/v1/factchecks/search", params={"q": "anything"}),
    ):
        assert response.status_code == 501
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith("/factchecks-unavailable")


# --- the real fact-check store ---------------------------------------------------------------


def test_real_import_then_search(client: TestClient) -> None:
    upload = json.dumps([CLAIM_REVIEW]).encode()
    imported = client.post("/api/v1/factchecks:import", files={"file": ("reviews.json", upload, "application/json")})
    assert imported.status_code == 200, imported.text
    assert imported.json()["added"] == 1
    again = client.post("/api/v1/factchecks:import", files={"file": ("reviews.json", upload, "application/json")})
    assert again.json()["added"] == 0
    found = client.get("/api/v1/factchecks/search", params={"q": "mayor sold the reservoir to a bottling company"})
    assert found.status_code == 200
    results = found.json()["results"]
    assert results and results[0]["url"] == CLAIM_REVIEW["url"]
    assert results[0]["verdict"]


def test_real_import_of_garbage_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/factchecks:import", files={"file": ("reviews.json", b"{not json", "application/json")}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
