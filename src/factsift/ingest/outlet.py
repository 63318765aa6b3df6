"""Find who published an article when only its text is available.

Pages often name their own outlet: a leading site-name line ("True Pundit") and
self-references in the body ("officials who spoke to True Pundit", "as True Pundit reported").
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

_NAME = r"((?:The\s+)?[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})"
#: (pattern, a cheaper pattern that must also match somewhere for it to match at all): the names are
#: tried at every capitalised word, so a text without the verbs is not searched for them.
_SELF_REFERENCES = (
    (
        re.compile(
            rf"\b(?:told|spoke\s+to|spoke\s+with|speaking\s+to|speaking\s+with|confirmed\s+to|said\s+to)\s+{_NAME}"
        ),
        None,
    ),
    (
        re.compile(
            rf"\b[Aa]s\s+{_NAME}\s+(?:first\s+|exclusively\s+|previously\s+)?(?:reported|revealed|has\s+reported)"
        ),
        re.compile(r"reported|revealed"),
    ),
    (
        re.compile(rf"{_NAME}\s+has\s+(?:learned|confirmed|obtained)"),
        re.compile(r"\s+has\s+(?:learned|confirmed|obtained)"),
    ),
)
_TITLES = re.compile(
    r"^(?:President|Sen|Senator|Rep|Gov|Governor|Mr|Mrs|Ms|Dr|Secretary|General|Gen|Judge|Prime|"
    r"Officials?|Sources?|Reporters?|He|She|They|We|I|It)\b"
)


def self_references(text: str) -> Counter[str]:
    """Outlet names the text uses to refer to itself, with how often each appears."""
    found: Counter[str] = Counter()
    for pattern, needed in _SELF_REFERENCES:
        if needed is not None and needed.search(text) is None:
            continue
        for match in pattern.finditer(text):
            name = match.group(1).strip(" .,’'")
            if name and not _TITLES.match(name):
                found[name] += 1
    return found


def outlet_from_text(text: str, site_name: str | None) -> str | None:
    """The outlet's name: the site-name line if any, else a self-reference made at least twice."""
    if site_name:
        return site_name
    found = self_references(text)
    if not found:
        return None
    name, count = found.most_common(1)[0]
    return name if count >= 2 else None


def host_of(url: str | None) -> str | None:
    """The URL's host name, lower-cased, without a leading ``www.``."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
