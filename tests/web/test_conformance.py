"""HTTP conformance: 422 as documented, HEAD, 405 with every allowed method, form errors as HTML, valid JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from factsift.factchecks.claimreview import review_from_jsonld, review_to_jsonld

from .samples import CLAIM_REVIEW

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "\xff\xfe not UTF-8"}',
        b'{"text": ' + b"[" * 1500 + b"]" * 1500 + b"}",
        b'{"text": "a", "options": {"base_rate": ' + b"9" * 5000 + b"}}",
    ],
    ids=["invalid-utf8", "deep-nesting", "huge-integer"],
)
def test_unparseable_bodies_are_the_documented_422(client: TestClient, body: bytes) -> None:
    response = client.post("/api/v1/analyses", content=body, headers=JSON)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    documented = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/analyses"]["post"]["responses"]
    assert "422" in documented and "400" not in documented


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/", "/healthz", "/api/v1/analyses", "/api/v1/openapi.json"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]


def test_405_lists_every_allowed_method(client: TestClient) -> None:
    assert client.put("/api/v1/analyses").headers["allow"] == "GET, HEAD, POST"
    assert client.put("/api/v1/analyses/abc").headers["allow"] == "DELETE, GET, HEAD"
    assert client.delete("/healthz").headers["allow"] == "GET, HEAD"


def test_a_too_long_form_post_gets_the_html_page(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=64 * 1024)
    response = client.post("/analyse", data={"source": "x" * 100_000})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html") and "too long to analyse" in response.text
    api = client.post("/api/v1/analyses", json={"text": "x" * 100_000})
    assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("rating", [1e999, "Infinity", "NaN", "-inf", 10**400])
def test_non_finite_ratings_never_reach_json(rating: object) -> None:
    node = json.loads(json.dumps(CLAIM_REVIEW))
    node["reviewRating"]["ratingValue"] = rating
    review = review_from_jsonld(node)
    assert review.rating_value is None or math.isfinite(review.rating_value)
    json.dumps(review_to_jsonld(review), allow_nan=False)
