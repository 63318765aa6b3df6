"""Read a fact-check file (JSON-LD, JSONL or CSV, optionally gzipped) into validated records.

A whole file that cannot be read as its format raises :class:`InputError` (nothing gets imported);
a single bad record inside a good file is reported with its position and skipped.

CSV columns (header row required, names case-insensitive): ``claim`` and ``rating`` (required),
``url``, ``publisher``, ``date``, ``language``, ``id`` (becomes the record's id), and optionally
``claimant``, ``claim_date``, ``rating_value``, ``best_rating``, ``worst_rating`` and ``title`` (the
review's headline, searched together with the claim).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from factsift.decompress import GZIP_MAGIC, read_bounded
from factsift.errors import InputError
from factsift.factchecks.claimreview import iter_claimreviews, review_from_fields, review_from_jsonld
from factsift.factchecks.records import RecordError, Review
from factsift.ingest.loading import decode_bytes, describe_binary, open_input

#: Bytes of one fact-check file at most, after decompression (a bigger feed can be split into files).
MAX_FILE_BYTES = 512 * 1024 * 1024
CSV_COLUMNS = ("claim", "rating", "url", "publisher", "date", "language", "id")
CSV_OPTIONAL = ("claimant", "claim_date", "rating_value", "best_rating", "worst_rating", "title")
#: CSV columns named otherwise as :func:`~factsift.factchecks.claimreview.review_from_fields` arguments.
CSV_FIELDS = {"id": "record_id", "rating": "rating_text"}
TOO_DEEP = "JSON nested too deeply to be a fact-check"
SURROGATE = "text that is not valid Unicode (bytes that are not UTF-8, or a lone \\uD800-\\uDFFF escape)"
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_CSV_SUFFIXES = {".csv", ".tsv"}


@dataclass
class ParsedFile:
    """The valid records of one file, in file order, and one message per bad record."""

    path: Path
    records: list[Review] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _read_text(path: Path, max_bytes: int, *, lines: bool) -> str:
    """The file's text; with ``lines`` (JSON Lines) bad bytes are kept, escaped, for the bad line alone to report."""
    try:
        with open_input(path) as handle:
            if handle.peek(2)[:2] == GZIP_MAGIC:
                with gzip.GzipFile(fileobj=handle, mode="rb") as inflating:
                    data = read_bounded(inflating, limit=max_bytes, what=str(path))
            else:
                data = read_bounded(handle, limit=max_bytes, what=str(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if lines and data.lstrip().startswith((b"{", codecs.BOM_UTF8 + b"{")):
        return data.decode("utf-8-sig", errors="surrogateescape")
    binary = describe_binary(data)
    if binary:
        raise InputError(f"{path}: this is {binary}, not a fact-check file (JSON-LD, JSONL or CSV)")
    try:
        return decode_bytes(data)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc


def _format_of(path: Path, text: str) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if suffix in {".json", ".jsonld"}:
        return "json"
    start = text.lstrip()[:1]
    if start in "[{":
        first_line = text.lstrip().split("\n", 1)[0].strip()
        if start == "{" and first_line.endswith("}") and "\n" in text.strip():
            try:
                json.loads(first_line)
                return "jsonl"
            except json.JSONDecodeError:
                pass
        return "json"
    first = text.split("\n", 1)[0].lower()
    if "claim" in first and "rating" in first:
        return "csv"
    raise InputError(f"{path}: not a fact-check file: expected ClaimReview JSON-LD, JSONL or CSV")


def _from_document(document: object, prefix: str, out: ParsedFile) -> None:
    for position, node in iter_claimreviews(document):
        where = f"{prefix}{position}" if prefix else position
        if not isinstance(node, dict):
            out.errors.append(f"{out.path.name} {where}: not a JSON object")
            continue
        try:
            review = review_from_jsonld(node)
            review.content_hash()  # encodes every field as UTF-8: a lone surrogate fails here, not in the store
        except RecordError as exc:
            out.errors.append(f"{out.path.name} {where}: {exc}")
        except UnicodeEncodeError:
            out.errors.append(f"{out.path.name} {where}: {SURROGATE}")
        else:
            out.records.append(review)


def _parse_json(path: Path, text: str) -> ParsedFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise InputError(f"{path}: {TOO_DEEP}") from exc
    out = ParsedFile(path)
    try:
        _from_document(document, "", out)
    except RecursionError as exc:
        raise InputError(f"{path}: {TOO_DEEP}") from exc
    return out


def _parse_jsonl(path: Path, text: str) -> ParsedFile:
    out = ParsedFile(path)
    parsed_any = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            out.errors.append(f"{path.name} line {number}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            out.errors.append(f"{path.name} line {number}: {TOO_DEEP}")
            continue
        parsed_any = True
        try:
            _from_document(document, f"line {number} ", out)
        except RecursionError:
            out.errors.append(f"{path.name} line {number}: {TOO_DEEP}")
    if not parsed_any:
        raise InputError(f"{path}: not valid JSON Lines (no line parses as JSON)")
    return out


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        yield reader.line_num, dict(zip(names, row, strict=False))


def _parse_csv(path: Path, text: str) -> ParsedFile:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    header = {h.strip().lower().lstrip("\ufeff") for h in next(csv.reader([first], delimiter=delimiter), [])}
    missing = [c for c in ("claim", "rating") if c not in header]
    if missing:
        raise InputError(
            f"{path}: a fact-check CSV needs the columns {', '.join(CSV_COLUMNS)} (missing: {', '.join(missing)})"
        )
    out = ParsedFile(path)
    csv.field_size_limit(1 << 24)
    try:
        for line, row in _csv_rows(text, delimiter):
            cells = {name: (row.get(name) or "").strip() or None for name in (*CSV_COLUMNS, *CSV_OPTIONAL)}
            try:
                out.records.append(
                    review_from_fields(**{CSV_FIELDS.get(name, name): value for name, value in cells.items()})
                )
            except RecordError as exc:
                out.errors.append(f"{path.name} line {line}: {exc}")
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc
    return out


def parse_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> ParsedFile:
    """Read and validate every record of one fact-check file; raise InputError if the file is unreadable.

    A file of more than ``max_bytes`` (after decompression) is refused without being read further.
    """
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    text = _read_text(path, max_bytes, lines=bool(suffixes) and suffixes[-1] in _JSONL_SUFFIXES)
    kind = _format_of(path, text)
    if kind == "jsonl":
        return _parse_jsonl(path, text)
    if kind == "csv":
        return _parse_csv(path, text)
    return _parse_json(path, text)
