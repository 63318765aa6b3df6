"""Remove page furniture from article text and say exactly what was removed.

Extractors leave, and raw scraped text is full of, things that are not the article: a leading
site-name line, section labels, unrendered WordPress shortcodes, share and follow lines,
comment forms, newsletter boxes, related-post lists and footers.  ``clean_text`` removes them,
finds the headline, byline and date when plain text carries them, and lists every removed
piece with its kind so nothing disappears silently.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime

from factsift.model import Removed

# [caption ...]...[/caption] and similar paired shortcodes whose content is also furniture
_PAIRED_SHORTCODE = re.compile(
    r"\[(caption|gallery|embed|video|audio|playlist|wp_caption)\b[^\]]*\].*?\[/\1\]", re.I | re.S
)
_KNOWN_SHORTCODES = (
    "caption|gallery|embed|video|audio|playlist|contact-form-7|contact-form|gravityform|wpforms|"
    "ditty_news_ticker|ditty|news_ticker|ticker|adsense|ad|ads|adrotate|sharethis|shareaholic|"
    "ssba|addtoany|social_warfare|mashshare|tweetthis|related_posts|jetpack_subscription_form|"
    "mc4wp_form|newsletter|vc_row|vc_column|vc_column_text|et_pb_section|et_pb_row|fusion_builder|"
    "su_button|button|quote|pullquote|youtube|vimeo|twitter|instagram|facebook|soundcloud|iframe"
)
# [name attr=...], [/name], or a bare [known_name]
_SHORTCODE = re.compile(
    r"\[/?[A-Za-z][\w-]*\s+[^\[\]\n]*=[^\[\]\n]*\]"
    r"|\[/[A-Za-z][\w-]*\]"
    rf"|\[(?:{_KNOWN_SHORTCODES})\]"
    r"|\[[A-Za-z]+_[\w-]*\]",
    re.I,
)

_SOCIAL_PHRASE = (
    r"(?:follow(?:\s+us)?\s+on\s+(?:facebook|twitter|x|instagram|youtube|linkedin|telegram|gab|"
    r"parler|truth\s+social|pinterest|tiktok)"
    r"|share\s+(?:this|on\s+\w+|via\s+\w+)(?:\s+(?:story|article|post))?:?"
    r"|click\s+to\s+(?:share|email|print)[^.\n]{0,40}"
    r"|\d[\d,.]*\s*k?\s*shares?"
    r"|tweet(?:\s+this)?|pin\s+it|email\s+this|print\s+this|like\s+this:?|loading\.\.\.|"
    r"whatsapp|reddit|flipboard|telegram|(?:share|like|tweet)\s+on\s+\w+|facebook|twitter|linkedin|"
    r"pinterest|email|print|share)"
)
_SOCIAL_LINE = re.compile(rf"^(?:\W*{_SOCIAL_PHRASE}\W*)+$", re.I)
_COMMENTS_START = re.compile(
    r"^(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|\d*\s*comments?:?|"
    r"join\s+the\s+discussion|comments\s+are\s+closed\.?|you\s+must\s+be\s+logged\s+in\s+to\s+post"
    r"\s+a\s+comment\.?|post\s+navigation|disqus.*)\W*$",
    re.I,
)
_COMMENT_FORM = re.compile(
    r"your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked|"
    r"notify\s+me\s+of\s+(?:follow-up|new)\s+(?:comments|posts)|save\s+my\s+name,\s+email",
    re.I,
)
_NEWSLETTER = re.compile(
    r"^(?:.{0,40}\b(?:sign\s+up|subscribe)\b.{0,40}\b(?:newsletter|inbox|email|updates|alerts)\b.{0,60}"
    r"|enter\s+your\s+e-?mail.{0,60}|get\s+(?:the\s+)?(?:latest|our).{0,40}\b(?:inbox|newsletter)\b.{0,40}"
    r"|subscribe(?:\s+now)?!?|newsletter)$",
    re.I,
)
_RELATED_START = re.compile(
    r"^(?:related(?:\s+(?:posts|articles|stories|news|coverage))?|you\s+(?:may|might)\s+also\s+like|"
    r"recommended(?:\s+for\s+you)?|more\s+from\s+.{1,40}|read\s+next|trending(?:\s+now)?|"
    r"popular\s+(?:posts|stories)|more\s+stories|also\s+read|read\s+more)\s*:?$",
    re.I,
)
_FOOTER = re.compile(
    r"^(?:(?:copyright\s+)?(?:©|\(c\)|copyright)\s*(?:\d{4})?.{0,80}|all\s+rights\s+reserved\.?.{0,40}|"
    r"privacy\s+policy.{0,60}|terms\s+(?:of\s+(?:service|use)|and\s+conditions).{0,60}|"
    r"powered\s+by\s+wordpress.{0,40}|back\s+to\s+top|skip\s+to\s+content|advertisement|"
    r"sponsored(?:\s+content)?|cookie\s+(?:policy|settings).{0,60}|about\s+us\s*\|.*|contact\s+us\s*\|.*)$",
    re.I,
)
_SECTION_WORDS = {
    "featured",
    "politics",
    "news",
    "world",
    "us",
    "u.s.",
    "national",
    "breaking",
    "opinion",
    "business",
    "tech",
    "technology",
    "science",
    "health",
    "sports",
    "entertainment",
    "video",
    "exclusive",
    "latest",
    "top",
    "stories",
    "home",
    "local",
    "media",
    "culture",
    "economy",
    "military",
    "security",
    "elections",
    "election",
    "analysis",
    "commentary",
    "investigations",
    "trending",
    "middle",
    "east",
    "europe",
    "asia",
    "africa",
    "americas",
    "uk",
    "lifestyle",
    "&",
    "and",
    "blog",
    "headlines",
    "crime",
    "immigration",
    "education",
    "environment",
    "climate",
}
_BYLINE = re.compile(r"^(?:by|written\s+by|posted\s+by|author:?)\s+(.{2,80}?)\s*$", re.I)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_PATTERNS = (
    re.compile(rf"\b((?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b", re.I),
    re.compile(rf"\b(\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}})\b", re.I),
    re.compile(r"\b(\d{4}-\d{2}-\d{2})(?!\d)"),
)
_DATELINE = re.compile(
    rf"^(?:(?:posted|published|updated|last\s+updated)(?:\s+on)?:?\s+)?"
    rf"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}})(?:\s*(?:at\s+)?\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?"
    rf"(?:\s+by\s+.{{2,60}})?\s*$",
    re.I,
)
#: Where a byline's name ends: at a date or a time after it ("By Gillian Mohney March 11, 2015 3:46 PM").
_NAME_END = re.compile(
    rf"(?:,?\s+on)?,?\s+(?:(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\d{{1,2}}\s+(?:{_MONTHS})\b|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}:\d{{2}})",
    re.I,
)
#: A paragraph opening with its date, as news datelines do: "April 17, 2015 -- Imagine being sick ...".
_DATED_OPENING = re.compile(
    rf"^(?:(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}})\s*(?:--|\u2014|\u2013)\s",
    re.I,
)
#: Characters that case-blind matching takes for a Latin letter but lower-casing leaves apart (ı, ſ, İ).
_CASE_BLIND_ONLY = ("\u0131", "\u017f", "\u0130")
#: Spaces a line's runs of which are read as one space: the plain space and these.
_ODD_SPACES = "\t\u00a0\u2009\u202f\u200b\ufeff"
_SPACE_RUN = re.compile(" {2,}")
_NON_WORDS = re.compile(r"\W+")
_PARAGRAPH_END = re.compile(r"[.!?…:;\"”’')\]]$")


@dataclass
class CleanedText:
    """The cleaned body text and what the cleaner learned and removed on the way."""

    text: str
    removed: list[Removed] = field(default_factory=list)
    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    published: str | None = None


def _words(line: str) -> int:
    return len(line.split())


def _is_paragraph(line: str) -> bool:
    """A line that reads as body prose rather than a label, headline or button."""
    words = _words(line)
    return words >= 25 or (words >= 8 and bool(_PARAGRAPH_END.search(line)))


def parse_date(text: str) -> str | None:
    """The first calendar date in ``text`` as ISO 8601 (YYYY-MM-DD), or None."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        raw = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", match.group(1).replace(".", "").replace(",", ""))
        raw = re.sub(r"\s+", " ", raw).strip()
        for fmt in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(raw.replace("Sept ", "Sep "), fmt).date().isoformat()
            except ValueError:
                continue
    return None


def collapse_spaces(text: str) -> str:
    """``text`` with each run of spaces, tabs and no-break or zero-width spaces made one space.

    Plain replacements and a search for a literal double space: several times faster than one regular
    expression for the runs, which stops at every single space of the text.
    """
    for odd in _ODD_SPACES:
        if odd in text:
            text = text.replace(odd, " ")
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def _is_comment_form(line: str) -> bool:
    """A short line from a comment form ("Your email address will not be published")."""
    lowered = line.lower()  # every phrase of _COMMENT_FORM has one of these words: else no search
    if not ("email" in lowered or "required" in lowered or "notify" in lowered) and (
        line.isascii() or not any(letter in line for letter in _CASE_BLIND_ONLY)
    ):
        return False
    return _words(line) <= 30 and _COMMENT_FORM.search(line) is not None


def _reads_as_prose(line: str) -> bool:
    """A full sentence of some length: article text, which the newsletter and footer rules never take.

    ("Subscribers get the newsletter on Fridays." is prose; "Sign up for our newsletter" and
    "© 2024 Gazette. All rights reserved." are not.)
    """
    return _words(line) >= 8 and bool(_PARAGRAPH_END.search(line))


def _furniture_kind(line: str) -> str | None:
    if _SOCIAL_LINE.match(line):
        return "social"
    if _is_comment_form(line):
        return "comment-form"
    return _box_kind(line)


def _box_kind(line: str) -> str | None:
    """The kind (newsletter or footer) of a line of a newsletter box or a page footer, else None."""
    if _NEWSLETTER.match(line) and _words(line) <= 25 and not _reads_as_prose(line):
        return "newsletter"
    if _FOOTER.match(line) and _words(line) <= 20 and not _reads_as_prose(line):
        return "footer"
    return None


def _header_furniture_kind(line: str) -> str | None:
    """Furniture kinds in the header zone, where comment and related headings cut nothing."""
    if _COMMENTS_START.match(line):
        return "comments"
    if _RELATED_START.match(line):
        return "related"
    return _furniture_kind(line)


def keep_whole(text: str) -> str:
    """All of ``text``, nothing removed: each non-blank line a paragraph, its spaces collapsed."""
    return "\n\n".join(line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line)


def only_furniture(text: str) -> bool:
    """True when every line of ``text`` is share, follow, comment, newsletter or footer furniture."""
    lines = [line.strip() for line in collapse_spaces(text).splitlines()]
    return all(_header_furniture_kind(line) for line in lines if line)


def _is_section_label(line: str) -> bool:
    words = line.lower().replace("|", " ").replace("/", " ").replace("»", " ").split()
    return bool(words) and len(words) <= 5 and all(w.strip(",:-–") in _SECTION_WORDS for w in words)


def _same_text(a: str, b: str) -> bool:
    return _normalised(a) == _normalised(b)


@functools.lru_cache(maxsize=256)
def _normalised(text: str) -> str:
    """``text`` with its punctuation and spaces made single spaces, case folded (the headline is asked often)."""
    return _NON_WORDS.sub(" ", text).strip().casefold()


def remove_shortcodes(text: str, removed: list[Removed]) -> str:
    """Strip unrendered WordPress-style shortcodes, recording each one."""

    def record(match: re.Match[str]) -> str:
        piece = match.group(0)
        kind = "ticker" if "ticker" in piece.lower() else "shortcode"
        removed.append(Removed(kind=kind, text=piece))
        return ""

    text = _PAIRED_SHORTCODE.sub(record, text)
    return _SHORTCODE.sub(record, text)


def _split_header(lines: list[str]) -> int:
    """Index of the first body paragraph: lines before it form the page header zone."""
    for index, line in enumerate(lines):
        if _is_paragraph(line) and not _furniture_kind(line):
            return index
    return len(lines)


def clean_text(text: str, *, title: str | None = None, find_header: bool = True) -> CleanedText:
    """Clean article text of page furniture.

    ``title`` is the headline when already known (from HTML metadata); a line repeating it is
    dropped.  With ``find_header`` (plain-text input) the leading lines are read for the
    site name, section labels, headline, byline and date.  Without it (text extracted from HTML)
    only the byline and date are read, from a byline or dateline in the header zone or a first
    paragraph opening with its date, and no line is removed for them.
    """
    removed: list[Removed] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = remove_shortcodes(text, removed)
    lines = [line for line in map(str.strip, collapse_spaces(text).split("\n")) if line]
    result = CleanedText(text="", removed=removed, title=title)

    body_start = _split_header(lines)
    header, body = lines[:body_start], lines[body_start:]
    kept_header: list[str] = []
    if find_header and header:
        kept_header = _read_header(header, result)
    else:
        result.author, result.published = _byline_and_date(header, body)
        for line in header:
            if title and _same_text(line, title):
                removed.append(Removed(kind="headline", text=line))
                continue
            kind = _header_furniture_kind(line) or ("section-label" if _is_section_label(line) else None)
            if kind:
                removed.append(Removed(kind=kind, text=line))
            else:
                kept_header.append(line)

    kept: list[str] = list(kept_header)
    index = 0
    while index < len(body):
        line = body[index]
        if _COMMENTS_START.match(line) or _is_comment_form(line):
            rest = "\n".join(body[index:])
            removed.append(Removed(kind="comments", text=rest))
            break
        if _RELATED_START.match(line):
            block = [line]
            index += 1
            while index < len(body) and not _is_paragraph(body[index]):
                block.append(body[index])
                index += 1
            removed.append(Removed(kind="related", text="\n".join(block)))
            continue
        kind = "social" if _SOCIAL_LINE.match(line) else _box_kind(line)  # not a comment form: seen above
        if kind:
            removed.append(Removed(kind=kind, text=line))
        elif title and not kept and _same_text(line, title):
            removed.append(Removed(kind="headline", text=line))
        else:
            kept.append(line)
        index += 1

    result.text = "\n\n".join(kept)
    return result


def _byline_name(text: str) -> str:
    """The name a byline gives, without the date, time or words after them."""
    return _NAME_END.split(text, maxsplit=1)[0].strip(" ,;") or text.strip()


def _byline_and_date(header: list[str], body: list[str]) -> tuple[str | None, str | None]:
    """The author of the header zone's first byline; the date of its first dated byline or dateline, else of a
    first paragraph opening with its date."""
    author = published = None
    for line in header:
        byline = _BYLINE.match(line)
        author = author or (_byline_name(byline.group(1)) if byline else None)
        if published is None and (byline or _DATELINE.match(line)):
            published = parse_date(line)
    if published is None and body and _DATED_OPENING.match(body[0]):
        published = parse_date(body[0])
    return author, published


def _read_header(header: list[str], result: CleanedText) -> list[str]:
    """Pick the site name, section labels, headline, byline and date out of the header zone."""
    removed = result.removed
    candidates = [
        (i, line)
        for i, line in enumerate(header)
        if _words(line) >= 4 and not _furniture_kind(line) and not _BYLINE.match(line) and not _DATELINE.match(line)
    ]
    headline_index: int | None = None
    if result.title:
        headline_index = next((i for i, line in enumerate(header) if _same_text(line, result.title)), None)
    elif candidates:
        headline_index = max(candidates, key=lambda item: (_words(item[1]), -item[0]))[0]
        result.title = header[headline_index]
    kept: list[str] = []
    for i, line in enumerate(header):
        if i == headline_index:
            removed.append(Removed(kind="headline", text=line))
            continue
        kind = _header_furniture_kind(line)
        byline = _BYLINE.match(line)
        if kind:
            removed.append(Removed(kind=kind, text=line))
        elif byline:
            result.author = result.author or _byline_name(byline.group(1))
            result.published = result.published or parse_date(line)
            removed.append(Removed(kind="byline", text=line))
        elif _DATELINE.match(line):
            result.published = result.published or parse_date(line)
            removed.append(Removed(kind="dateline", text=line))
        elif _is_section_label(line):
            removed.append(Removed(kind="section-label", text=line))
        elif headline_index is not None and i < headline_index and _words(line) <= 5:
            if result.site_name is None and i == 0:
                result.site_name = line
                removed.append(Removed(kind="site-name", text=line))
            else:
                removed.append(Removed(kind="section-label", text=line))
        else:
            kept.append(line)
    return kept
