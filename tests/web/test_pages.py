"""The web pages: the form, the recent list, the report sections, and escaping of hostile text."""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

from factsift.web.view import verdict_class

from .samples import HOSTILE, TEXT, TITLE, full_report, small_article


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside the article body."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.article_text: list[str] = []
        self._in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id") == "article-text":
            self._in_article = 1
        elif self._in_article:
            self._in_article += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_article:
            self._in_article -= 1

    def handle_data(self, data: str) -> None:
        if self._in_article:
            self.article_text.append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def stored_page(client: TestClient, report: dict[str, Any]) -> str:
    summary = client.app.state.store.save(report)  # type: ignore[attr-defined]
    response = client.get(f"/a/{summary.id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_index_has_one_box_and_a_button(client: TestClient) -> None:
    page = parse(client.get("/").text)
    textareas = [a for t, a in page.tags if t == "textarea"]
    assert len(textareas) == 1 and textareas[0]["name"] == "source"
    assert any(t == "button" and a.get("type") == "submit" for t, a in page.tags)
    assert not any(t == "input" and a.get("name") == "api_key" for t, a in page.tags)  # no keys configured
    assert ("link", {"rel": "stylesheet", "href": "/static/style.css"}) in page.tags
    assert all(
        not (a.get("src") or a.get("href") or "/").startswith(("http:", "https:", "//"))
        for _, a in page.tags
        if _ in ("script", "link")
    )


def test_form_submission_redirects_to_the_report_and_lists_it(client: TestClient, sample_text: str) -> None:
    response = client.post("/analyse", data={"source": sample_text}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/a/")
    report_page = client.get(location).text
    assert "Mayor Secretly Sells Town Reservoir" in report_page
    assert "Elsmere Patriot Wire" in report_page
    index = client.get("/").text
    assert "Recent analyses" in index and f'href="{location}"' in index


def test_form_treats_a_single_link_as_a_url(client: TestClient, local_site: tuple[str, list[str]]) -> None:
    url, hits = local_site
    response = client.post("/analyse", data={"source": f"  {url}  "})
    assert response.status_code == 422
    assert "non-public address" in response.text
    assert url in response.text  # the box keeps what was pasted
    assert hits == []


def test_form_refuses_cross_site_posts(client: TestClient) -> None:
    response = client.post("/analyse", data={"source": small_article(1)}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert client.get("/api/v1/analyses").json()["items"] == []
    same = client.post("/analyse", data={"source": small_article(1)}, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200 and "/a/" in str(same.url)


def test_form_with_an_empty_box_explains(client: TestClient) -> None:
    response = client.post("/analyse", data={"source": "   "})
    assert response.status_code == 422
    assert "Paste a link or the article text first." in response.text


def test_report_page_shows_every_section(client: TestClient) -> None:
    html = stored_page(client, full_report())
    page = parse(html)
    ids = {a.get("id") for _, a in page.tags}
    assert {
        "headline",
        "outlet",
        "source-badge",
        "risk",
        "contributions",
        "source",
        "article-text",
        "notes",
        "claims",
        "signals",
        "removed",
    } <= ids
    assert "".join(page.article_text) == TEXT  # highlighting never changes the text
    marks = [a for t, a in page.tags if t == "a" and "hl" in (a.get("class") or "").split()]
    assert len(marks) >= 6
    overlap = [a for a in marks if {"m1", "m3", "m5"} <= set((a.get("data-marks") or "").split())]
    assert overlap and "hl-multi" in (overlap[0]["class"] or "")
    assert any("Clickbait headline" in (a.get("title") or "") for a in marks)
    assert "82%" in html and "high risk" in html
    assert "+21.0 pts" in html and "-4.0 pts" in html
    assert any(t == "rect" and a.get("class") == "down" for t, a in page.tags)
    badge = [a for t, a in page.tags if t == "span" and "verdict" in (a.get("class") or "")]
    assert badge and "v-false" in (badge[0]["class"] or "")
    assert 'href="https://checks.example/harlow"' in html
    assert "Share on Facebook" in html


def test_sections_are_omitted_when_their_stage_did_not_run(client: TestClient) -> None:
    report = full_report()
    report.update(source=None, claims=[], factchecks=[], signals=[], risk=None, stages=["ingest"])
    report["article"]["removed"] = []
    page = parse(stored_page(client, report))
    ids = {a.get("id") for _, a in page.tags}
    assert {"headline", "article-text"} <= ids
    assert not ids & {"risk", "source", "source-badge", "claims", "signals", "notes", "removed", "contributions"}
    assert not [a for t, a in page.tags if "hl" in (a.get("class") or "").split() and t == "a"]


def test_bad_spans_from_a_stage_do_not_break_the_page(client: TestClient) -> None:
    report = full_report()
    report["signals"][0]["spans"].append({"start": 5, "end": 99999, "text": "?", "field": "text"})
    report["signals"][0]["spans"].append({"start": "x", "end": None, "text": "?", "field": "text"})
    report["claims"][0]["span"] = None
    report["factchecks"][0]["claim_index"] = 7
    page = parse(stored_page(client, report))
    assert "".join(page.article_text) == TEXT
    assert any(a.get("id") == "claims" for _, a in page.tags)  # the fact-check is listed as unmatched


def test_hostile_text_is_escaped(client: TestClient) -> None:
    response = client.post("/analyse", data={"source": HOSTILE})
    assert response.status_code == 200  # followed the redirect
    html = response.text
    page = parse(html)
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}]
    assert not [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed")]
    # the only SVGs are the page's own risk meter and contribution bars, never the pasted <svg>
    assert all((a.get("class") or "") in {"meter", "bar"} for t, a in page.tags if t == "svg")
    assert sum(1 for t, _ in page.tags if t == "body") == 1
    assert not [(t, a) for t, a in page.tags if any(name.startswith("on") for name in a)]
    assert not [a for _, a in page.tags if "javascript:" in (a.get("href") or "") + (a.get("src") or "")]
    text = "".join(page.article_text)
    assert "<script>document.title='pwned'</script>" in text
    assert 'onerror="window.pwned=2"' in text
    assert "&lt;script&gt;" in html


def test_hostile_report_fields_are_escaped_and_bad_links_dropped(client: TestClient) -> None:
    report = copy.deepcopy(full_report())
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    report["article"]["title"] = TITLE + evil
    report["article"]["outlet"]["name"] = evil
    report["article"]["author"] = evil
    report["input"]["url"] = "javascript:alert(3)"
    report["factchecks"][0]["url"] = "javascript:alert(4)"
    report["factchecks"][0]["verdict"] = evil
    report["signals"][0]["explanation"] = evil
    report["signals"][0]["details"] = {"x": evil}
    report["risk"]["contributions"][0]["evidence"] = evil
    report["article"]["removed"][0]["text"] = evil
    report["errors"] = [{"stage": evil, "message": evil}]
    page = parse(stored_page(client, report))
    assert [a for t, a in page.tags if t == "script"] == [{"src": "/static/app.js", "defer": None}]
    assert not [t for t, _ in page.tags if t == "img"]
    assert not [a for _, a in page.tags if "javascript:" in (a.get("href") or "")]


def test_unknown_report_page_is_an_html_404(client: TestClient) -> None:
    response = client.get("/a/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no analysis at this address" in response.text
    assert client.get("/nowhere").status_code == 404


def test_recent_list_is_newest_first(client: TestClient) -> None:
    for number in range(3):
        client.post("/api/v1/analyses", json={"text": small_article(number)})
    html = client.get("/").text
    assert html.index("Story 2") < html.index("Story 1") < html.index("Story 0")


def test_verdict_classes() -> None:
    assert verdict_class("False") == "v-false"
    assert verdict_class("Pants on Fire!") == "v-false"
    assert verdict_class("Mostly False") == "v-mixed"
    assert verdict_class("Half True") == "v-mixed"
    assert verdict_class("Mostly True") == "v-true"
    assert verdict_class("True") == "v-true"
    assert verdict_class("Unrated") == "v-other"
    assert verdict_class(None) == "v-other"
