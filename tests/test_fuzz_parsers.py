"""Bounded fuzzing of every parser: arbitrary bytes give records or one InputError, never a crash.

Parsers: HTML/text ingest, ClaimReview import (JSON-LD, JSONL, CSV, gzip), batch readers (JSONL,
CSV, WARC).  Hypothesis mixes random bytes with near-valid documents; the run is bounded by
``max_examples`` so the whole file stays within a few seconds.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factsift.batch.readers import read_input
from factsift.batch.records import BadRecord, InputRecord
from factsift.errors import InputError
from factsift.factchecks.formats import parse_file
from factsift.ingest.stage import ingest
from factsift.options import Options

FRAGMENTS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b'"@type": "ClaimReview"',
    b'"claimReviewed": "x"',
    b'"reviewRating": {"ratingValue": 1e999}',
    b"claim,rating\n",
    b'"',
    b",",
    b"\n",
    b"\x00",
    b"\xff",
    b"\\ud800",
    b"<html><body><p>",
    b"</p>",
    b"<script>",
    b"WARC/1.0\r\n",
    b"Content-Length: 99999999\r\n",
    b"\r\n\r\n",
    b"\x1f\x8b",
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=40)), max_size=30).map(b"".join)


def written(data: bytes, name: str) -> Path:
    """``data`` in a fresh temporary file called ``name``."""
    path = Path(tempfile.mkdtemp(prefix="factsift-fuzz-")) / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["f.json", "f.jsonl", "f.csv", "f.json.gz", "f"])
@settings(max_examples=30)
@given(data=documents, compress=st.booleans())
def test_factcheck_import_parses_or_refuses(name: str, data: bytes, compress: bool) -> None:
    path = written(gzip.compress(data) if compress else data, name)
    try:
        parsed = parse_file(path)
    except InputError:
        return
    assert all(isinstance(error, str) for error in parsed.errors)


@pytest.mark.parametrize("name", ["in.jsonl", "in.csv", "in.jsonl.gz", "in.warc", "in.warc.gz"])
@settings(max_examples=30)
@given(data=documents)
def test_batch_readers_yield_records_or_refuse(name: str, data: bytes) -> None:
    path = written(gzip.compress(data) if name.endswith(".gz") else data, name)
    try:
        records = list(read_input(path, max_bytes=1 << 16))
    except InputError:
        return
    assert all(isinstance(record, InputRecord | BadRecord) for record in records)


@settings(max_examples=40)
@given(data=documents, as_html=st.booleans())
def test_ingest_cleans_or_refuses(data: bytes, as_html: bool) -> None:
    try:
        report = ingest(None, html=data, options=Options()) if as_html else ingest(None, text=data, options=Options())
    except InputError:
        return
    assert report.article.text.strip()
