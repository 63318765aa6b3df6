"""Analyse fetched articles through the whole pipeline: in this process, a local process pool, or Dask.

The pool lives as long as the watcher (models load once per worker, by the batch workers' own
warm-up) and runs the batch worker's :func:`~factsift.batch.worker.process_chunk`, so a watched
article is analysed exactly as ``factsift batch`` would analyse it.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import orjson

from factsift.batch.records import InputRecord, Record
from factsift.batch.worker import process_chunk, warm_up
from factsift.errors import InputError

#: The outcome of one article: (its id, the report as plain data and as JSON text) or (its id, an error).
Outcome = tuple[str, dict[str, Any] | None, str | None, str | None]


def _outcomes(lines: list[Any]) -> list[Outcome]:
    """The batch worker's encoded rows as outcomes."""
    outcomes: list[Outcome] = []
    for row in lines:
        data = orjson.loads(row.data)
        report = data.get("report")
        if report is None:
            outcomes.append((row.id, None, None, str(data.get("error"))))
        else:
            outcomes.append((row.id, report, orjson.dumps(report).decode(), None))
    return outcomes


def start_worker(analysis: dict[str, Any]) -> None:
    """Pool initializer: ignore Ctrl-C (the watcher stops its workers itself, after the current batch), load models."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(analysis)


class Analyser:
    """Runs batches of records on ``workers`` local processes (0: in this process) or a Dask ``scheduler``."""

    def __init__(self, analysis: dict[str, Any], *, workers: int = 1, scheduler: str | None = None) -> None:
        """Start the local pool, or connect to the Dask scheduler (models load once per worker)."""
        self.analysis = analysis
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        if scheduler:
            from distributed import Client

            from factsift.batch.executors import WarmUp

            try:
                self._client = Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from exc
            self._client.register_plugin(WarmUp(analysis), name="factsift-warm-up")
            self.workers = max(1, sum(self._client.nthreads().values()))
        elif workers > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(analysis,),
            )

    def analyse(self, records: list[InputRecord]) -> list[Outcome]:
        """Analyse ``records`` in parallel; outcomes come back in the same order."""
        if not records:
            return []
        chunks: list[list[Record]] = []
        size = max(1, -(-len(records) // max(1, 2 * self.workers)))
        for start in range(0, len(records), size):
            chunks.append(list(records[start : start + size]))
        if self._client is not None:
            futures = [self._client.submit(process_chunk, c, self.analysis, None, "jsonl", pure=False) for c in chunks]
            results = self._client.gather(futures)
        elif self._pool is not None:
            submitted: list[Future[Any]] = [
                self._pool.submit(process_chunk, c, self.analysis, None, "jsonl") for c in chunks
            ]
            results = [future.result() for future in submitted]
        else:
            results = [process_chunk(c, self.analysis, None, "jsonl") for c in chunks]
        return [outcome for rows in results for outcome in _outcomes(rows)]

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()
