"""Compressed batch inputs that inflate to one endless line are read in bounded pieces."""

from __future__ import annotations

import gzip
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from factsift.batch.readers import count_records, read_csv
from factsift.batch.records import BadRecord, InputRecord

LIMIT = 1024 * 1024
ENDLESS = 24 * 1024 * 1024


def peak_bytes(work: Callable[[], object]) -> tuple[object, int]:
    """What ``work`` returns and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def write_bomb(path: Path, head: bytes, tail: bytes) -> None:
    """A gzip file: ``head``, then one line of ``ENDLESS`` bytes, then ``tail``."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(head)
        chunk = b"x" * LIMIT
        for _ in range(ENDLESS // LIMIT):
            out.write(chunk)
        out.write(b"\n" + tail)


def test_counting_a_jsonl_bomb_holds_one_piece_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    write_bomb(path, b'{"id": "a", "text": "one"}\n', b'{"id": "b", "text": "two"}\n')
    count, peak = peak_bytes(lambda: count_records(path))
    assert count == 3
    assert peak < 4 * LIMIT


def test_a_csv_bomb_line_is_one_bad_record_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.csv.gz"
    write_bomb(path, b"id,text\na,first article\n", b"b,second article\n")
    records, peak = peak_bytes(lambda: list(read_csv(path, max_bytes=LIMIT)))
    assert peak < 4 * LIMIT
    assert isinstance(records, list)
    assert [type(record) for record in records] == [InputRecord, BadRecord, InputRecord]
    assert records[1].id == "in.csv.gz:3" and "1 MB limit" in records[1].reason  # type: ignore[union-attr]
    assert [record.id for record in records] == ["a", "in.csv.gz:3", "b"]
    assert count_records(path) is not None
