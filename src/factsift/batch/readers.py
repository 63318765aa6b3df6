"""Streaming readers for batch inputs: JSONL, CSV, a directory of pages, WARC.

Each reader yields one record at a time and holds at most one row (bounded by the file-size
limit) in memory, so a crawl of any size can be read.  A row that cannot be read becomes a
:class:`BadRecord` and reading carries on.
"""

from __future__ import annotations

import csv
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from warcio.exceptions import ArchiveLoadFailed

from factsift.batch.records import BadRecord, InputRecord, Record, record_from_fields
from factsift.errors import InputError

PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
#: Longest line read at once when counting records (longer lines are passed over in pieces).
COUNT_LINE_BYTES = 1 << 20
_WARC_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def input_format(path: Path) -> str:
    """Which reader handles ``path``: jsonl, csv, dir or warc (by suffix); InputError otherwise."""
    name = path.name.lower()
    if path.is_dir():
        return "dir"
    if not path.is_file():
        raise InputError(f"no such input: {path}")
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        return "jsonl"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    raise InputError(f"{path}: unknown input format (use .jsonl, .csv, .warc[.gz] or a directory)")


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz") and not path.name.lower().endswith(WARC_SUFFIXES):
        import gzip

        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; ``None`` for a line longer than ``limit`` (skipped unread)."""
    lineno = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the over-long line
                line = handle.readline(1 << 20)
            yield lineno, None
            continue
        yield lineno, line


def read_jsonl(path: Path, *, max_bytes: int) -> Iterator[Record]:
    """One record per non-blank line of a JSONL file (``id`` and one of ``url``/``html``/``text``)."""
    with _open_binary(path) as handle:
        for lineno, line in _bounded_lines(handle, max_bytes):
            where = f"{path.name}:{lineno}"
            if line is None:
                yield BadRecord(id=where, reason=f"line is larger than the {max_bytes // (1024 * 1024)} MB limit")
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield BadRecord(id=where, reason=f"not valid JSON: {exc}")
                continue
            if not isinstance(value, dict):
                yield BadRecord(id=where, reason=f"expected a JSON object, got {type(value).__name__}")
                continue
            yield record_from_fields(value, where)


def _csv_lines(handle: IO[bytes], limit: int, too_long: list[int]) -> Iterator[str]:
    """Decoded lines for the csv module, none longer than ``limit`` bytes (an over-long one is noted and skipped)."""
    for lineno, line in _bounded_lines(handle, limit):
        if line is None:
            too_long.append(lineno)
            yield "\n"  # a blank line: the csv module passes over it
            continue
        yield line.decode("utf-8-sig" if lineno == 1 else "utf-8", errors="replace")


def read_csv(path: Path, *, max_bytes: int) -> Iterator[Record]:
    """One record per CSV row; the header names the columns (``id``, ``url``/``html``/``text``, extras)."""
    csv.field_size_limit(max(max_bytes, 131072))
    too_long: list[int] = []
    with _open_binary(path) as raw:
        reader = csv.DictReader(_csv_lines(raw, max_bytes, too_long))
        while True:
            where = f"{path.name}:{reader.line_num + 1}"
            try:
                row: dict[str | Any, Any] | None = next(reader)
            except StopIteration:
                row = None
            except csv.Error as exc:
                yield BadRecord(id=where, reason=f"unreadable CSV row: {exc}")
                continue
            while too_long:
                limit_mb = max_bytes // (1024 * 1024)
                yield BadRecord(
                    id=f"{path.name}:{too_long.pop(0)}", reason=f"line is larger than the {limit_mb} MB limit"
                )
            if row is None:
                return
            where = f"{path.name}:{reader.line_num}"
            if None in row:
                yield BadRecord(id=str(row.get("id") or where), reason="the row has more cells than the header")
                continue
            fields = {key: value for key, value in row.items() if value is not None}
            yield record_from_fields(fields, where)


def page_files(root: Path) -> Iterator[Path]:
    """The page files (:data:`PAGE_SUFFIXES`) under ``root``, in path order."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix.lower() in PAGE_SUFFIXES:
                yield Path(folder) / name


def read_directory(root: Path, *, max_bytes: int) -> Iterator[Record]:
    """One record per ``.html``/``.htm``/``.txt`` file under ``root``; the id is its relative path."""
    for path in page_files(root):
        record_id = path.relative_to(root).as_posix()
        kind = PAGE_SUFFIXES[path.suffix.lower()]
        try:
            if not path.is_file():  # a named pipe or device would block or never end
                raise InputError("not a regular file")
            if path.stat().st_size > max_bytes:
                raise InputError(f"the file is larger than the {max_bytes // (1024 * 1024)} MB limit")
            data = path.read_bytes()
        except (OSError, InputError) as exc:
            yield BadRecord(id=record_id, reason=str(exc))
            continue
        if kind == "html":
            yield InputRecord(id=record_id, html=data)
        else:
            yield InputRecord(id=record_id, text=data)


def _warc_page(record: Any) -> tuple[str, str] | None:
    """(kind, content type) when a WARC record holds an HTML/text page worth analysing, else None."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None:
            return None
        status = headers.get_statuscode()
        if not status or not status.startswith("2"):
            return None
        content_type = headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in _WARC_TYPES:
        return None
    return ("text" if media == "text/plain" else "html"), content_type


def read_warc(path: Path, *, max_bytes: int) -> Iterator[Record]:
    """One record per HTML/text page (2xx response or resource record) in a WARC/ARC file.

    The id is the WARC-Record-ID and the page URL is WARC-Target-URI (kept, never fetched).
    Requests, metadata, redirects, errors and non-HTML payloads are not articles and are passed over.
    """
    try:
        yield from _read_warc_records(path, max_bytes)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        yield BadRecord(id=f"{path.name}:damaged", reason=f"the WARC file is damaged; reading stopped here: {exc}")


def _read_warc_records(path: Path, max_bytes: int) -> Iterator[Record]:
    """The records of :func:`read_warc`, raising warcio's errors on a damaged file."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as handle:
        for record in ArchiveIterator(handle, arc2warc=True):
            page = _warc_page(record)
            if page is None:
                continue
            kind, _ = page
            headers = record.rec_headers
            url = headers.get_header("WARC-Target-URI")
            record_id = headers.get_header("WARC-Record-ID") or f"{path.name}:{url}"
            extra = {"warc_file": path.name, "warc_date": headers.get_header("WARC-Date")}
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield BadRecord(id=record_id, reason="the page is larger than the size limit", extra=extra)
            elif kind == "html":
                yield InputRecord(id=record_id, url=url, html=body, extra=extra)
            else:
                yield InputRecord(id=record_id, url=url, text=body, extra=extra)


def read_input(path: Path, *, max_bytes: int) -> Iterator[Record]:
    """Stream the records of one input (file or directory), whatever its format."""
    kind = input_format(path)
    if kind == "dir":
        return read_directory(path, max_bytes=max_bytes)
    if kind == "jsonl":
        return read_jsonl(path, max_bytes=max_bytes)
    if kind == "csv":
        return read_csv(path, max_bytes=max_bytes)
    return read_warc(path, max_bytes=max_bytes)


def count_records(path: Path) -> int | None:
    """A cheap upper bound on how many records ``path`` holds (for the progress bar's ETA).

    Lines are read in bounded pieces, so a compressed file of one endless line cannot fill memory.
    """
    kind = input_format(path)
    if kind == "dir":
        return sum(1 for _ in page_files(path))
    if kind == "jsonl":
        with _open_binary(path) as handle:
            return sum(1 for _, line in _bounded_lines(handle, COUNT_LINE_BYTES) if line is None or line.strip())
    if kind == "csv":
        with _open_binary(path) as raw:
            try:
                return max(sum(1 for _ in csv.reader(_csv_lines(raw, COUNT_LINE_BYTES, []))) - 1, 0)
            except csv.Error:
                return None
    from warcio.archiveiterator import ArchiveIterator

    try:
        with path.open("rb") as handle:
            return sum(1 for record in ArchiveIterator(handle, arc2warc=True) if _warc_page(record) is not None)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error):
        return None
