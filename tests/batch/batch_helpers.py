"""Article fixtures written for the batch tests (no dataset text), and small helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_TOWNS = ["Springfield", "Riverton", "Lakeside", "Hillcrest", "Brookfield", "Fairview", "Oakdale", "Maplewood"]
_THINGS = ["bridge", "library", "clinic", "school", "park", "station", "market", "stadium"]


def article_text(i: int) -> str:
    """A short plain-text news item, different for each ``i``."""
    town, thing = _TOWNS[i % len(_TOWNS)], _THINGS[(i // len(_TOWNS)) % len(_THINGS)]
    return (
        f"{town} opens new {thing} after {i % 9 + 2} years of work\n\n"
        f"The new {thing} in {town} opened on Monday, the council said in a statement. "
        f"It cost ${i % 7 + 1}.{i % 10} million, according to figures released by the city. "
        f"Residents had waited since {2010 + i % 12} for the project, which officials called overdue. "
        f"Critics said the {thing} was far too expensive for a town of {1000 + 37 * i} people."
    )


def article_html(i: int) -> str:
    """The same item as a small HTML page with a little page furniture."""
    title, _, body = article_text(i).partition("\n\n")
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.rstrip(".").split(". "))
    return (
        f"<html lang='en'><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright 2026 Example Gazette</footer></body></html>"
    )


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write rows as JSONL."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    """An output row without what legitimately differs between runs (timings)."""
    row = json.loads(json.dumps(row))
    if "report" in row:
        row["report"].pop("timings_ms", None)
    return row
