"""The bundled sample page, as HTML and as raw text, gives the same article."""

from __future__ import annotations

import jsonschema

import factsift
from factsift.schema import report_schema

from .conftest import SAMPLE_HTML, SAMPLE_TEXT

HEADLINE = "Mayor Secretly Sells Town Reservoir To Foreign Bottling Giant; Residents Face Water Rationing"


def test_html_sample() -> None:
    report = factsift.analyse(str(SAMPLE_HTML))
    article = report.article
    assert report.input.kind == "html"
    assert article.title == HEADLINE
    assert article.outlet.name == "Elsmere Patriot Wire"
    assert article.outlet.domain == "elsmerepatriotwire.example"
    assert article.published == "2024-03-14"
    assert article.language == "en"
    assert article.text.startswith("The people of Port Elsmere have been sold out.")
    assert article.text.endswith("every family in Port Elsmere!!!")
    for furniture in ("ditty", "caption", "Leave a Reply", "Share this", "newsletter", "Related Posts", "©"):
        assert furniture not in article.text
    jsonschema.validate(report.to_dict(), report_schema())


def test_text_sample_has_the_same_body_as_the_html() -> None:
    from_text = factsift.analyse(str(SAMPLE_TEXT)).article
    from_html = factsift.analyse(str(SAMPLE_HTML)).article
    assert from_text.title == HEADLINE
    assert from_text.outlet.name == "Elsmere Patriot Wire"
    assert from_text.text == from_html.text
    assert {"site-name", "section-label", "ticker", "shortcode", "social", "comments"} <= {
        piece.kind for piece in from_text.removed
    }
