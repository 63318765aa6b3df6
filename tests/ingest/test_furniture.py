from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from factsift.ingest import furniture
from factsift.ingest.furniture import clean_text, parse_date

BODY = (
    "The regional council approved the new harbour budget on Tuesday after a long debate. "
    "Members voted seven to two in favour of the plan, which funds repairs to the north pier."
)
BODY2 = "Work on the pier is expected to begin in the spring and to last about eighteen months in all."


def squash(text: str) -> str:
    return re.sub(r"[\s\u200b\ufeff\x00]+", "", text)


def kinds(result):  # type: ignore[no-untyped-def]
    return [piece.kind for piece in result.removed]


def test_text_header_site_name_section_and_headline() -> None:
    raw = (
        f"Harbour Gazette\n\nFeatured Local\n\nCouncil Backs Harbour Budget After Marathon Debate\n\n{BODY}\n\n{BODY2}"
    )
    result = clean_text(raw)
    assert result.title == "Council Backs Harbour Budget After Marathon Debate"
    assert result.site_name == "Harbour Gazette"
    assert result.text.startswith("The regional council approved")
    assert kinds(result) == ["site-name", "section-label", "headline"]


def test_byline_and_dateline_are_read_and_listed() -> None:
    raw = f"Council Backs Harbour Budget After Marathon Debate\nBy Mara Quill\nMarch 3, 2022\n\n{BODY}"
    result = clean_text(raw)
    assert result.author == "Mara Quill"
    assert result.published == "2022-03-03"
    assert {"byline", "dateline"} <= set(kinds(result))
    assert "Mara Quill" not in result.text


def test_shortcodes_removed_but_editorial_brackets_kept() -> None:
    raw = (
        f'[ditty_news_ticker id=”25027″]\n{BODY} He said it was "[sic] fine".\n'
        '[caption id="attachment_1" align="alignnone"]<img src=x> A pier at night.[/caption]\n'
        f"[gallery]\n{BODY2} [vc_row][/vc_row]"
    )
    result = clean_text(raw, find_header=False)
    assert "[sic]" in result.text
    assert "ditty" not in result.text and "caption" not in result.text and "A pier at night" not in result.text
    assert "[gallery]" not in result.text and "vc_row" not in result.text
    assert kinds(result).count("ticker") == 1
    assert kinds(result).count("shortcode") == 4


def test_social_newsletter_footer_lines_removed() -> None:
    raw = "\n".join(
        [
            BODY,
            "Share this:",
            "Follow on FacebookFollow on Twitter",
            "335 SHARES SHARE THIS STORY",
            "Sign up for our newsletter to get the latest news in your inbox",
            BODY2,
            "© 2022 Harbour Gazette. All rights reserved.",
        ]
    )
    result = clean_text(raw, find_header=False)
    assert result.text == f"{BODY}\n\n{BODY2}"
    assert kinds(result) == ["social", "social", "social", "newsletter", "footer"]


def test_comment_section_truncates_the_rest() -> None:
    raw = f"{BODY}\n\nLeave a Reply\nYour email address will not be published.\nName *\n{BODY2}"
    result = clean_text(raw, find_header=False)
    assert result.text == BODY
    assert result.removed[-1].kind == "comments"
    assert result.removed[-1].text.startswith("Leave a Reply")
    assert BODY2 in result.removed[-1].text


def test_related_block_removed_until_next_paragraph() -> None:
    raw = f"{BODY}\nRelated Posts\nPier Repairs Delayed Again\nMayor Opens New Ferry Route\n{BODY2}"
    result = clean_text(raw, find_header=False)
    assert result.text == f"{BODY}\n\n{BODY2}"
    assert kinds(result) == ["related"]
    assert "Mayor Opens New Ferry Route" in result.removed[0].text


def test_known_title_line_is_dropped_from_extracted_text() -> None:
    result = clean_text(
        f"Council Backs Harbour Budget\n{BODY}", title="Council Backs Harbour Budget", find_header=False
    )
    assert result.text == BODY


def test_plain_body_without_header_is_kept_whole() -> None:
    result = clean_text(f"{BODY}\n\n{BODY2}")
    assert result.title is None
    assert result.text == f"{BODY}\n\n{BODY2}"
    assert result.removed == []


def test_parse_date_formats() -> None:
    assert parse_date("Posted on Sept. 4th, 2021") == "2021-09-04"
    assert parse_date("4 January 2017") == "2017-01-04"
    assert parse_date("2017-01-23T10:00") == "2017-01-23"
    assert parse_date("no date here") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=600), st.booleans())
def test_cleaner_never_crashes_and_only_keeps_input_lines(raw: str, header: bool) -> None:
    result = clean_text(raw, find_header=header)
    for paragraph in result.text.split("\n\n"):
        if paragraph:
            assert squash(paragraph) in squash(raw) or "[" in raw


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([BODY, BODY2, "Share this:", "[foo_bar id=1]", "Leave a Reply", "Politics", ""])))
def test_cleaner_output_never_contains_listed_furniture(lines: list[str]) -> None:
    result = clean_text("\n".join(lines), find_header=False)
    assert "Share this:" not in result.text
    assert "[foo_bar" not in result.text
    assert "Leave a Reply" not in result.text


_FORM_PIECES = [
    "Your",
    "email",
    "EMAİL",
    "emaıl",
    "ſave",
    "save",
    "my",
    "name,",
    "address",
    "will",
    "not",
    "be",
    "published",
    "Required",
    "fields",
    "are",
    "marked",
    "NOTIFY",
    "me",
    "of",
    "new",
    "posts",
    "\u212a",
    "x",
]


@given(st.lists(st.sampled_from(_FORM_PIECES), min_size=1, max_size=34))
@settings(max_examples=400)
@example("Your EMAİL address will not be published".split())
@example("ſave my name, emaıl".split())
@example("Required fields are marked".split())
@example(["NOTIFY", "me", "of", "new", "posts"])
def test_comment_form_prefilter_agrees_with_the_pattern(words: list[str]) -> None:
    # the word prefilter must never hide a line the case-blind pattern would find (ı, ſ and İ included)
    line = " ".join(words)
    expected = furniture._COMMENT_FORM.search(line) is not None and len(words) <= 30
    assert furniture._is_comment_form(line) == expected


def test_newsletter_and_footer_rules_never_take_prose() -> None:
    prose = [
        "Subscribers who sign up for the newsletter get the council agenda in their inbox every Friday.",
        "Copyright lawyers say the ruling will change how the harbour images can be used.",
    ]
    raw = "\n".join([BODY, *prose, "Sign up for our newsletter", "© 2022 Harbour Gazette. All rights reserved.", BODY2])
    result = clean_text(raw, find_header=False)
    assert result.text == "\n\n".join([BODY, *prose, BODY2])
    assert kinds(result) == ["newsletter", "footer"]


def test_the_headline_line_is_listed_when_dropped() -> None:
    title = "Council Backs Harbour Budget After Marathon Debate"
    result = clean_text(f"{title}\n{BODY}", title=title, find_header=False)
    assert result.text == BODY
    assert [(piece.kind, piece.text) for piece in result.removed] == [("headline", title)]


#: The reference the faster ``collapse_spaces`` replaces: each run of these made one space.
_REFERENCE_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f\u200b\ufeff]+")
_SPACY_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(" \t\u00a0\u2009\u202f\u200b\ufeff\n\r\x0b\u2028ab.É"), st.characters()),
    max_size=300,
)


@given(_SPACY_TEXT)
@settings(max_examples=400)
@example("a  \t\u00a0 b\n\n\n  c\u200b\u200b")
@example(" " * 5000 + "x" * 5000 + "\t" * 3)
def test_collapse_spaces_agrees_with_the_reference_pattern(text: str) -> None:
    # the lines clean_text and only_furniture read are exactly those the per-line pattern gave
    assert furniture.collapse_spaces(text) == _REFERENCE_SPACES.sub(" ", text)
    assert [line.strip() for line in furniture.collapse_spaces(text).splitlines()] == [
        _REFERENCE_SPACES.sub(" ", line).strip() for line in text.splitlines()
    ]


@given(_SPACY_TEXT)
@settings(max_examples=300)
@example("Your email address will not be published.\nRequired fields are marked *")
@example("ſave my name, emaıl")
def test_comment_form_check_agrees_with_its_reference(line: str) -> None:
    # the reordered prefilter (words counted last, ASCII lines skip the case-blind scan) changes no answer
    expected = len(line.split()) <= 30 and furniture._COMMENT_FORM.search(line) is not None
    assert furniture._is_comment_form(line) == expected
