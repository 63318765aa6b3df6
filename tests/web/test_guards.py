"""The server's guards: private-address fetches, body size, rate limit and API keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from factsift.web.ratelimit import TokenBuckets
from factsift.web.settings import api_keys_from_env

from .samples import small_article

PROBLEM = "application/problem+json"


def test_private_address_url_is_refused_without_fetching(client: TestClient, local_site: tuple[str, list[str]]) -> None:
    url, hits = local_site
    response = client.post("/api/v1/analyses", json={"url": url})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/fetch-refused")
    assert "non-public address 127.0.0.1" in body["detail"]
    assert hits == []  # refused before any connection was made
    assert client.get("/api/v1/analyses").json()["items"] == []


def test_localhost_name_is_refused_too(client: TestClient, local_site: tuple[str, list[str]]) -> None:
    url, hits = local_site
    response = client.post("/api/v1/analyses", json={"url": url.replace("127.0.0.1", "localhost")})
    assert response.status_code == 422
    assert response.json()["type"].endswith("/fetch-refused")
    assert hits == []


def test_allow_private_server_fetches_the_local_page(
    make_client: Callable[..., TestClient], local_site: tuple[str, list[str]]
) -> None:
    url, hits = local_site
    client = make_client(allow_private=True)
    response = client.post("/api/v1/analyses", json={"url": url})
    assert response.status_code == 201, response.text
    report = response.json()["report"]
    assert report["input"] == {"kind": "url", "url": url, "path": None}
    assert report["article"]["title"] == "Harbour Ferry Returns After Repairs"
    assert hits == ["/ferry.html"]


def test_oversize_body_is_413_by_content_length(client: TestClient) -> None:
    big = "x" * (5 * 1024 * 1024 + 10)
    response = client.post("/api/v1/analyses", json={"text": big})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert "5120 KiB" in response.json()["detail"]


def test_oversize_chunked_body_is_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(50):
            yield b"y" * 100
        yield b'"}'

    response = client.post("/api/v1/analyses", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_body_under_limit_passes(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=4000)
    response = client.post("/api/v1/analyses", json={"text": small_article(1)})
    assert response.status_code == 201


def test_form_body_is_limited_too(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=1000)
    response = client.post("/analyse", data={"source": "z" * 5000})
    assert response.status_code == 413


def test_rate_limit_per_client_with_retry_after(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit=60, rate_burst=3)
    statuses = [client.get("/api/v1/analyses").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/analyses")
    assert limited.status_code == 429
    assert limited.headers["content-type"] == PROBLEM
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["type"].endswith("/rate-limited")
    # Health checks and static files are never limited.
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_rate_limit_is_per_api_key(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit=60, rate_burst=2, api_keys=frozenset({"alpha", "beta"}))
    alpha = {"Authorization": "Bearer alpha"}
    beta = {"X-API-Key": "beta"}
    assert [client.get("/api/v1/analyses", headers=alpha).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/analyses", headers=beta).status_code == 200
    # An invalid key does not buy a fresh budget: it counts against the address.
    assert [client.get("/api/v1/analyses", headers={"X-API-Key": f"bogus{i}"}).status_code for i in range(3)] == [
        200,
        200,
        429,
    ]


def test_rate_limit_zero_turns_it_off(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit=0, rate_burst=1)
    assert all(client.get("/api/v1/analyses").status_code == 200 for _ in range(20))


def test_token_bucket_refills() -> None:
    now = [0.0]
    buckets = TokenBuckets(per_minute=60, burst=2, clock=lambda: now[0])
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert buckets.take("a") == 0
    assert buckets.take("b") == 0  # clients are independent


@pytest.fixture
def keyed(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(api_keys=frozenset({"s3cret-key", "other-key"}))


def test_api_key_required_for_writes(keyed: TestClient) -> None:
    denied = keyed.post("/api/v1/analyses", json={"text": small_article(1)})
    assert denied.status_code == 401
    assert denied.headers["content-type"] == PROBLEM
    assert denied.headers["www-authenticate"].startswith("Bearer")
    assert "needs an API key" in denied.json()["detail"]
    wrong = keyed.post("/api/v1/analyses", json={"text": small_article(1)}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "the API key is not valid"
    assert keyed.get("/api/v1/analyses").json()["items"] == []


def test_api_key_accepted_in_either_header(keyed: TestClient) -> None:
    first = keyed.post(
        "/api/v1/analyses", json={"text": small_article(1)}, headers={"Authorization": "Bearer s3cret-key"}
    )
    assert first.status_code == 201
    second = keyed.post("/api/v1/analyses", json={"text": small_article(2)}, headers={"X-API-Key": "other-key"})
    assert second.status_code == 201
    # Reads stay open so shared links work; deleting needs a key.
    analysis_id = first.json()["id"]
    assert keyed.get(f"/api/v1/analyses/{analysis_id}").status_code == 200
    assert keyed.get(f"/a/{analysis_id}").status_code == 200
    assert keyed.delete(f"/api/v1/analyses/{analysis_id}").status_code == 401
    assert keyed.delete(f"/api/v1/analyses/{analysis_id}", headers={"X-API-Key": "s3cret-key"}).status_code == 204


def test_api_key_guards_import(keyed: TestClient) -> None:
    response = keyed.post("/api/v1/factchecks:import", files={"file": ("x.json", b"[]", "application/json")})
    assert response.status_code == 401


def test_api_key_guards_the_web_form(keyed: TestClient) -> None:
    page = keyed.get("/")
    assert 'name="api_key"' in page.text
    denied = keyed.post("/analyse", data={"source": small_article(1)})
    assert denied.status_code == 401
    assert "API key is needed" in denied.text
    allowed = keyed.post("/analyse", data={"source": small_article(1), "api_key": "s3cret-key"}, follow_redirects=False)
    assert allowed.status_code == 303


def test_api_keys_from_env() -> None:
    assert api_keys_from_env({"FACTSIFT_API_KEYS": " a, b  c,,"}) == frozenset({"a", "b", "c"})
    assert api_keys_from_env({}) == frozenset()


def test_body_limit_middleware_stops_a_stream_without_content_length() -> None:
    import asyncio

    from factsift.web.bodylimit import BodyLimitMiddleware

    called = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        called.append(True)

    chunks = [{"type": "http.request", "body": b"a" * 400, "more_body": True} for _ in range(5)]
    sent: list[dict[str, object]] = []

    async def receive():  # type: ignore[no-untyped-def]
        return chunks.pop(0)

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/v1/analyses", "headers": []}
    asyncio.run(BodyLimitMiddleware(app, limit=1000)(scope, receive, send))
    assert called == []
    assert sent[0]["status"] == 413
    assert len(chunks) == 2  # stopped reading as soon as the limit was passed
