"""One batch run: stream the inputs, skip ids already written, analyse chunks, merge the output."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from factsift.batch.encoding import EncodedRow, Format
from factsift.batch.executors import Chunk, run_dask, run_local
from factsift.batch.output import OutputStore, format_for
from factsift.batch.politeness import DaskHostGate, FileHostGate, HostGate, Politeness
from factsift.batch.readers import count_records, input_format, read_input
from factsift.batch.records import Record
from factsift.errors import InputError
from factsift.options import Options


@dataclass
class BatchConfig:
    """Everything one ``factsift batch`` run needs."""

    inputs: list[Path]
    out: Path
    format: Format | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    scheduler: str | None = None
    errors: Path | None = None
    chunk_size: int = 32
    analysis: dict[str, Any] = field(default_factory=dict)
    politeness: Politeness = field(default_factory=Politeness)
    progress: bool = True
    #: Analyse again the ids whose earlier row is an error (a fetch that timed out, a site that was down).
    retry_errors: bool = False


@dataclass
class BatchSummary:
    """What a run did: rows written now, reports and errors among them, ids skipped, time taken."""

    processed: int = 0
    reports: int = 0
    errors: int = 0
    already_done: int = 0
    duplicates: int = 0
    by_risk: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    output_rows: int = 0
    errors_written: int | None = None

    @property
    def rate(self) -> float:
        """Articles analysed per second of wall time in this run."""
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    def count(self, rows: list[EncodedRow]) -> None:
        """Add a finished chunk's rows to the tallies."""
        for row in rows:
            self.processed += 1
            if row.error:
                self.errors += 1
                continue
            self.reports += 1
            self.by_risk[row.risk_label or "no risk score"] += 1


def _chunks(records: Iterable[Record], size: int) -> Iterator[Chunk]:
    chunk: list[Record] = []
    number = 0
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield number, chunk
            number, chunk = number + 1, []
    if chunk:
        yield number, chunk


def _new_records(config: BatchConfig, done: set[str], summary: BatchSummary, bar: tqdm[Any]) -> Iterator[Record]:
    """Every input record whose id is not written yet; repeats of an id in the input are dropped."""
    limit = Options.from_kwargs(**config.analysis).max_file_bytes
    seen: set[str] = set()
    for path in config.inputs:
        for record in read_input(path, max_bytes=limit):
            if record.id in done or record.id in seen:
                if record.id in done:
                    summary.already_done += 1
                else:
                    summary.duplicates += 1
                if bar.total:
                    bar.total -= 1
                continue
            seen.add(record.id)
            yield record


def run_batch(config: BatchConfig) -> BatchSummary:
    """Analyse every input record not yet in ``config.out`` and merge the results into it.

    Interrupted runs (crash, kill, Ctrl-C) keep every finished chunk; the same call resumes.
    """
    for path in config.inputs:
        input_format(path)
    Options.from_kwargs(**config.analysis)  # unknown or bad options fail before any work
    if config.workers < 1:
        raise InputError("--workers must be at least 1")
    if config.chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    if config.politeness.limit < 1 or config.politeness.delay < 0:
        raise InputError("--per-host must be at least 1 and --delay at least 0")
    store = OutputStore(config.out, format_for(config.out, config.format))
    config.out.parent.mkdir(parents=True, exist_ok=True)
    done = store.done_ids(retry_errors=config.retry_errors)
    summary = BatchSummary()
    total = None
    if config.progress:
        counts = [count_records(path) for path in config.inputs]
        total = None if None in counts else sum(c or 0 for c in counts)
    gate: HostGate = (
        DaskHostGate(config.politeness)
        if config.scheduler
        else FileHostGate(str(store.parts / ".hosts"), config.politeness)
    )
    run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}"
    started = time.perf_counter()
    with tqdm(
        total=total, unit="article", disable=not config.progress, file=sys.stderr, dynamic_ncols=True, smoothing=0.05
    ) as bar:
        chunks = _chunks(_new_records(config, done, summary, bar), config.chunk_size)
        if config.scheduler:
            results = run_dask(chunks, config.analysis, gate, store.format, scheduler=config.scheduler)
        else:
            results = run_local(chunks, config.analysis, gate, store.format, workers=config.workers)
        for number, rows in results:
            store.write_encoded(f"{run_id}-{number:08d}", rows)
            summary.count(rows)
            bar.update(len(rows))
    summary.seconds = time.perf_counter() - started
    summary.output_rows = store.merge()
    if config.errors is not None:
        summary.errors_written = store.write_errors(config.errors)
    return summary
