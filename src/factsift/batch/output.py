"""Where results go: chunk files written atomically, then merged into one output file.

While a run goes, each finished chunk becomes a part file in ``OUT.parts/`` (written to a
temporary name, flushed, then renamed), so a crash or Ctrl-C loses at most the chunks in
flight and never leaves a half-written file.  At the end the parts are merged into ``OUT``
(again through a temporary file and a rename).  Rerunning with the same ``OUT`` reads the ids
already in ``OUT`` and in the parts and skips them; the merge keeps the first row of an id, so
a crash between the merge and the clean-up cannot duplicate anything either.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from factsift.batch.encoding import EncodedRow, Format, Row, encode_row
from factsift.batch.flatten import SCHEMA
from factsift.errors import InputError

_ID_PREFIX = '{"id": '
ROW_GROUP_ROWS = 10_000


def format_for(out: Path, given: str | None) -> Format:
    """The output format: as given, else ``parquet`` for a ``.parquet`` path, else ``jsonl``."""
    if given in ("jsonl", "parquet"):
        return given  # type: ignore[return-value]
    return "parquet" if out.suffix.lower() in (".parquet", ".pq") else "jsonl"


def _fsync_replace(tmp: Path, final: Path) -> None:
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)


def _head(line: str) -> tuple[str, bool]:
    """(id, is_error) of a JSONL output line, decoding only its first two keys when possible."""
    if line.startswith(_ID_PREFIX):
        decoder = json.JSONDecoder()
        try:
            value, end = decoder.raw_decode(line, len(_ID_PREFIX))
            if line.startswith(', "report": ', end):
                return str(value), False
            if line.startswith(', "error": ', end):
                return str(value), True
        except json.JSONDecodeError:
            pass
    row = json.loads(line)
    return str(row["id"]), "report" not in row


def _first_unseen(table: pa.Table, seen: set[str], leave_out: list[bool] | None = None) -> pa.Table | None:
    """The rows of ``table`` whose id is not in ``seen`` (the first of each), apart from those ``leave_out``
    marks; their ids are added to ``seen``.  None when no row is left."""
    keep = []
    for position, row_id in enumerate(table.column("id").to_pylist()):
        kept = not (leave_out is not None and leave_out[position]) and str(row_id) not in seen
        if kept:
            seen.add(str(row_id))
        keep.append(kept)
    return table.filter(pa.array(keep)) if any(keep) else None


class OutputStore:
    """The output file ``out`` plus its folder of part files, in JSONL or Parquet."""

    def __init__(self, out: Path, fmt: Format) -> None:
        self.out = out
        self.format: Format = fmt
        self.parts = out.with_name(out.name + ".parts")
        self.suffix = ".jsonl" if fmt == "jsonl" else ".parquet"

    def part_files(self) -> list[Path]:
        """Finished part files, in the order they were started (names sort by run, then chunk)."""
        if not self.parts.is_dir():
            return []
        return sorted(p for p in self.parts.iterdir() if p.name.endswith(self.suffix) and p.name.startswith("part-"))

    def _sources(self) -> list[Path]:
        return ([self.out] if self.out.exists() else []) + self.part_files()

    def _heads_in(self, path: Path) -> Iterator[tuple[str, bool]]:
        """(id, is_error) of every row in one output or part file."""
        if self.format == "jsonl":
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield _head(line)
        else:
            for batch in pq.ParquetFile(path).iter_batches(columns=["id", "error"]):
                ids, errors = batch.column(0).to_pylist(), batch.column(1).to_pylist()
                yield from ((str(row_id), error is not None) for row_id, error in zip(ids, errors, strict=True))

    def done_ids(self, *, retry_errors: bool = False) -> set[str]:
        """Ids already written by earlier (possibly interrupted) runs; with ``retry_errors``, only reports count."""
        done: set[str] = set()
        for path in self._sources():
            try:
                done.update(row_id for row_id, is_error in self._heads_in(path) if not (retry_errors and is_error))
            except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
                raise InputError(
                    f"{path} exists but is not a {self.format} output of factsift batch ({exc}); "
                    "choose another --out or --format"
                ) from exc
        return done

    def write_part(self, name: str, rows: list[Row]) -> Path:
        """Write one finished chunk as ``OUT.parts/part-NAME`` atomically (temp file, fsync, rename)."""
        return self.write_encoded(name, [encode_row(row, self.format) for row in rows])

    def write_encoded(self, name: str, rows: list[EncodedRow]) -> Path:
        """:meth:`write_part` for rows a worker already encoded in this store's format."""
        self.parts.mkdir(parents=True, exist_ok=True)
        final = self.parts / f"part-{name}{self.suffix}"
        tmp = self.parts / f".tmp-{name}{self.suffix}"
        wanted = str if self.format == "jsonl" else dict
        if any(not isinstance(row.data, wanted) for row in rows):  # never drop a row encoded for the other format
            raise ValueError(f"rows encoded for another format than this store's {self.format}")
        if self.format == "jsonl":
            with tmp.open("w", encoding="utf-8") as handle:
                handle.writelines(str(row.data) for row in rows)
        else:
            pq.write_table(pa.Table.from_pylist([row.data for row in rows], schema=SCHEMA), tmp)
        _fsync_replace(tmp, final)
        return final

    def merge(self) -> int:
        """Merge ``OUT`` and every part into a new ``OUT``; return the row count.

        One row per id: its first report row, or its first error row when it has no report
        (so an error retried with success is replaced, and nothing is ever duplicated).  Error rows
        come after the reports.
        """
        if not self.part_files():
            if self.out.exists():
                return sum(1 for _ in self._heads_in(self.out))
            tmp = self.out.with_name(f".{self.out.name}.tmp")
            if self.format == "jsonl":
                tmp.write_text("", encoding="utf-8")
            else:
                pq.write_table(SCHEMA.empty_table(), tmp)
            _fsync_replace(tmp, self.out)  # nothing to analyse still leaves a valid, empty output
            return 0
        tmp = self.out.with_name(f".{self.out.name}.tmp")
        # One pass: report rows go straight out; error rows wait (they are few) until it is known
        # whether a later report row, from a retry, replaces them.
        seen: set[str] = set()
        if self.format == "jsonl":
            errors: dict[str, str] = {}
            with tmp.open("w", encoding="utf-8") as target:
                for path in self._sources():
                    with path.open(encoding="utf-8") as source:
                        for line in source:
                            if not line.strip():
                                continue
                            row_id, is_error = _head(line)
                            line = line if line.endswith("\n") else line + "\n"  # a last line without one
                            if is_error:
                                errors.setdefault(row_id, line)
                            elif row_id not in seen:
                                seen.add(row_id)
                                target.write(line)
                for row_id, line in errors.items():
                    if row_id not in seen:
                        seen.add(row_id)
                        target.write(line)
        else:
            error_tables: list[pa.Table] = []
            pending: list[pa.Table] = []
            with pq.ParquetWriter(tmp, SCHEMA) as writer:
                for path in self._sources():
                    for batch in pq.ParquetFile(path).iter_batches():
                        table = pa.Table.from_batches([batch]).select(SCHEMA.names).cast(SCHEMA)
                        failed = table.column("error").is_valid()
                        if pc.any(failed).as_py():
                            error_tables.append(table.filter(failed))
                        reports = _first_unseen(table, seen, leave_out=failed.to_pylist())
                        if reports is not None:
                            pending.append(reports)
                        if sum(t.num_rows for t in pending) >= ROW_GROUP_ROWS:  # few large row groups
                            writer.write_table(pa.concat_tables(pending))
                            pending = []
                for table in error_tables:
                    failures = _first_unseen(table, seen)
                    if failures is not None:
                        pending.append(failures)
                if pending:
                    writer.write_table(pa.concat_tables(pending))
        _fsync_replace(tmp, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)
        return len(seen)

    def error_rows(self) -> Iterator[Row]:
        """The error records in ``OUT`` (``id``, ``error``, ``url``, ``extra``), read without loading reports."""
        if not self.out.exists():
            return
        if self.format == "jsonl":
            with self.out.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip() and _head(line)[1]:
                        row = json.loads(line)
                        yield {
                            "id": row["id"],
                            "error": row.get("error"),
                            "url": row.get("url"),
                            "extra": row.get("extra"),
                        }
            return
        columns = ["id", "error", "url", "extra"]
        for batch in pq.ParquetFile(self.out).iter_batches(columns=columns):
            for row in batch.to_pylist():
                if row["error"] is not None:
                    row["extra"] = json.loads(row["extra"]) if row["extra"] else {}
                    yield row

    def write_errors(self, path: Path) -> int:
        """Write every error record of ``OUT`` to ``path`` as JSONL (atomically); return how many."""
        tmp = path.with_name(f".{path.name}.tmp")
        count = 0
        with tmp.open("w", encoding="utf-8") as handle:
            for row in self.error_rows():
                handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                count += 1
        _fsync_replace(tmp, path)
        return count
