"""What flows through a batch run: an input record to analyse, or a row that is already bad."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The columns that say what to analyse; every other column is kept as an extra field.
CONTENT_FIELDS = ("url", "html", "text")


@dataclass
class InputRecord:
    """One article to analyse: its id, exactly one of url/html/text (plus the page URL if known)."""

    id: str
    url: str | None = None
    html: str | bytes | None = None
    text: str | bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class BadRecord:
    """An input row that cannot be analysed; it becomes an error record with this reason."""

    id: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)


Record = InputRecord | BadRecord


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def record_from_fields(fields: dict[str, Any], where: str) -> Record:
    """Turn one JSONL object or CSV row into a record; ``where`` (file:line) names id-less rows.

    A row needs an ``id`` and one of ``url``/``html``/``text``; with ``html`` or ``text`` the
    ``url`` is the page's address (used for the outlet), not something to fetch.
    """
    extra = {key: value for key, value in fields.items() if key not in ("id", *CONTENT_FIELDS)}
    raw_id = fields.get("id")
    if not _present(raw_id) or isinstance(raw_id, dict | list):
        return BadRecord(id=where, reason="the row has no usable 'id'", extra=extra)
    record_id = str(raw_id)
    url, html, text = (fields.get(name) for name in CONTENT_FIELDS)
    for name, value in (("url", url), ("html", html), ("text", text)):
        if value is not None and not isinstance(value, str):
            return BadRecord(id=record_id, reason=f"'{name}' must be a string", extra=extra)
    if _present(html) and _present(text):
        return BadRecord(id=record_id, reason="the row gives both 'html' and 'text'", extra=extra)
    if not (_present(url) or _present(html) or _present(text)):
        return BadRecord(id=record_id, reason="the row has no 'url', 'html' or 'text' (or they are empty)", extra=extra)
    return InputRecord(
        id=record_id,
        url=url.strip() if url is not None and _present(url) else None,
        html=html if _present(html) else None,
        text=text if _present(text) else None,
        extra=extra,
    )
