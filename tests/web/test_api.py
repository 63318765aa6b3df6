"""The analyses API: create, read, list (cursor), delete, and the report it returns."""

from __future__ import annotations

from collections.abc import Callable

import jsonschema
from fastapi.testclient import TestClient

from factsift.schema import report_schema

from .samples import ARTICLE_HTML, small_article

PROBLEM = "application/problem+json"


def test_create_from_text_returns_201_with_report_and_id(client: TestClient, sample_text: str) -> None:
    response = client.post("/api/v1/analyses", json={"text": sample_text})
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/analyses/{body['id']}"
    assert body["links"] == {"self": f"/api/v1/analyses/{body['id']}", "page": f"/a/{body['id']}"}
    report = body["report"]
    jsonschema.validate(report, report_schema())
    assert report["input"]["kind"] == "text"
    assert report["article"]["title"].startswith("Mayor Secretly Sells Town Reservoir")
    assert report["article"]["outlet"]["name"] == "Elsmere Patriot Wire"


def test_create_from_html_and_stored_report_is_identical(client: TestClient) -> None:
    created = client.post("/api/v1/analyses", json={"html": ARTICLE_HTML.decode()})
    assert created.status_code == 201, created.text
    analysis_id = created.json()["id"]
    fetched = client.get(f"/api/v1/analyses/{analysis_id}")
    assert fetched.status_code == 200
    assert fetched.json()["report"] == created.json()["report"]
    assert fetched.json()["report"]["input"]["kind"] == "html"
    assert "harbour ferry returned" in fetched.json()["report"]["article"]["text"]


def test_options_are_applied(client: TestClient) -> None:
    page = ARTICLE_HTML.decode()
    as_text = client.post("/api/v1/analyses", json={"text": page, "options": {"as_kind": "html", "stages": []}})
    assert as_text.status_code == 201, as_text.text
    report = as_text.json()["report"]
    assert report["input"]["kind"] == "html"
    assert report["stages"] == ["ingest"]


def test_a_known_base_rate_moves_the_risk_score(client: TestClient) -> None:
    plain = client.post("/api/v1/analyses", json={"text": small_article(3)}).json()["report"]["risk"]
    low = client.post("/api/v1/analyses", json={"text": small_article(3), "options": {"base_rate": 0.02}})
    assert low.status_code == 201, low.text
    risk = low.json()["report"]["risk"]
    assert risk["score"] < plain["score"]
    assert any(c["evidence"] == "base rate" for c in risk["contributions"])
    assert not any(c["evidence"] == "base rate" for c in plain["contributions"])


def test_ids_are_unguessable_and_distinct(client: TestClient) -> None:
    ids = {client.post("/api/v1/analyses", json={"text": small_article(i)}).json()["id"] for i in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 16 for i in ids)


def test_list_is_newest_first_with_cursor(client: TestClient) -> None:
    made = []
    for i in range(7):
        response = client.post("/api/v1/analyses", json={"text": small_article(i)})
        made.append(response.json()["id"])
    first = client.get("/api/v1/analyses", params={"limit": 3}).json()
    assert [item["id"] for item in first["items"]] == made[::-1][:3]
    assert first["items"][0]["title"].endswith("Story 6")
    assert first["items"][0]["links"]["page"] == f"/a/{made[6]}"
    seen = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/analyses", params={"limit": 3, "cursor": cursor}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == made[::-1]


def test_list_of_empty_store(client: TestClient) -> None:
    assert client.get("/api/v1/analyses").json() == {"items": [], "next_cursor": None}


def test_delete_then_gone(client: TestClient) -> None:
    analysis_id = client.post("/api/v1/analyses", json={"text": small_article(1)}).json()["id"]
    assert client.delete(f"/api/v1/analyses/{analysis_id}").status_code == 204
    gone = client.get(f"/api/v1/analyses/{analysis_id}")
    assert gone.status_code == 404
    assert client.delete(f"/api/v1/analyses/{analysis_id}").status_code == 404
    assert client.get("/api/v1/analyses").json()["items"] == []


def test_unknown_id_is_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/analyses/no-such-id")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert body["type"].endswith("/not-found")
    assert "no-such-id" in body["detail"]
    assert body["instance"] == "/api/v1/analyses/no-such-id"


def test_unknown_endpoint_is_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert "no such endpoint" in response.json()["detail"]


def test_wrong_method_is_405_problem(client: TestClient) -> None:
    response = client.put("/api/v1/analyses", json={})
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM


def test_bad_json_is_422_problem(client: TestClient) -> None:
    response = client.post(
        "/api/v1/analyses", content=b'{"text": "unterminated', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "the request body is not valid JSON"


def test_non_json_bodies_are_422_with_a_hint(client: TestClient) -> None:
    for response in (
        client.post("/api/v1/analyses", data={"text": small_article(1)}),
        client.post("/api/v1/analyses", content=b"", headers={"content-type": "application/json"}),
    ):
        assert response.status_code == 422
        assert response.json()["detail"] == "the request body must be a JSON object (Content-Type: application/json)"


def test_request_shape_errors_are_422(client: TestClient) -> None:
    cases = [
        ({}, "exactly one of url, html or text"),
        ({"text": "a", "html": "<p>b</p>"}, "got html, text"),
        ({"text": small_article(0), "colour": "red"}, "colour"),
        ({"text": small_article(0), "options": {"allow_private": True}}, "allow_private"),
        ({"text": small_article(0), "options": {"stages": ["nonsense"]}}, "unknown stage"),
        ({"text": small_article(0), "options": {"base_rate": 1.5}}, "base_rate"),
        ({"text": 42}, "text"),
        ([1, 2], "body"),
    ]
    for payload, expected in cases:
        response = client.post("/api/v1/analyses", json=payload)
        assert response.status_code == 422, payload
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert expected in body["detail"] or expected in str(body["errors"]), (payload, body)


def test_input_that_cannot_be_analysed_is_422_with_the_reason(client: TestClient) -> None:
    for payload, expected in (
        ({"text": "   \n  "}, "empty"),
        ({"url": "ftp://example.org/file"}, "only http and https"),
        ({"url": "not a url"}, "only http and https"),
    ):
        response = client.post("/api/v1/analyses", json=payload)
        assert response.status_code == 422, response.text
        assert expected in response.json()["detail"], response.json()


def test_bad_query_parameters_are_422(client: TestClient) -> None:
    assert client.get("/api/v1/analyses", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/analyses", params={"limit": 1000}).status_code == 422
    bad = client.get("/api/v1/analyses", params={"cursor": "garbage!"})
    assert bad.status_code == 422
    assert bad.json()["type"].endswith("/bad-cursor")


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["stages"][0] == "ingest"


def test_healthz_reports_a_broken_store(make_client: Callable[..., TestClient], tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    store_file = tmp_path / "store.db"
    import sqlite3

    with sqlite3.connect(store_file) as conn:
        conn.execute("DROP TABLE web_analyses")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_openapi_spec_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/analyses"])
    assert {"get", "delete"} <= set(paths["/api/v1/analyses/{analysis_id}"])
    assert "post" in paths["/api/v1/factchecks:import"]
    assert "get" in paths["/api/v1/factchecks/search"]
    assert "/healthz" in paths
    assert "/" not in paths and "/a/{analysis_id}" not in paths
    assert client.get("/docs").status_code == 404  # no CDN-backed docs page


def test_security_headers(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
