"""Run chunks on workers: a local process pool, or an existing Dask distributed cluster.

Both run the same :func:`factsift.batch.worker.process_chunk` on the same chunks and keep only
a bounded number of chunks in flight, so input is read as fast as it is analysed and never
piles up in memory.  Each worker loads the models once, before its first chunk.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from factsift.batch.encoding import EncodedRow, Format
from factsift.batch.politeness import HostGate
from factsift.batch.records import Record
from factsift.batch.worker import process_chunk, warm_up
from factsift.errors import FactsiftError, InputError

Chunk = tuple[int, list[Record]]


class WorkerDied(FactsiftError):
    """A worker process died mid-run; finished chunks are kept and a rerun resumes."""


def run_local(
    chunks: Iterator[Chunk], analysis: dict[str, Any], gate: HostGate | None, fmt: Format, *, workers: int
) -> Iterator[tuple[int, list[EncodedRow]]]:
    """Analyse chunks on a pool of ``workers`` processes; yield ``(chunk number, rows)`` as they finish."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=warm_up,
        initargs=(analysis,),
    )
    pending: dict[Future[list[EncodedRow]], int] = {}
    limit = 2 * workers
    finished = False
    try:
        for number, chunk in chunks:
            pending[pool.submit(process_chunk, chunk, analysis, gate, fmt)] = number
            while len(pending) >= limit:
                yield from _collect(pending)
        while pending:
            yield from _collect(pending)
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)


def _collect(pending: dict[Future[list[EncodedRow]], int]) -> Iterator[tuple[int, list[EncodedRow]]]:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        number = pending.pop(future)
        try:
            rows = future.result()
        except BrokenProcessPool as exc:
            raise WorkerDied(
                "a worker process died; finished chunks are saved, rerun the same command to resume"
            ) from exc
        yield number, rows


class WarmUp(WorkerPlugin):
    """Dask worker plugin: load the models once when a worker joins (the pool initializer's twin)."""

    def __init__(self, analysis: dict[str, Any]) -> None:
        self.analysis = analysis

    def setup(self, worker: Any) -> None:
        warm_up(self.analysis)


def run_dask(
    chunks: Iterator[Chunk], analysis: dict[str, Any], gate: HostGate | None, fmt: Format, *, scheduler: str
) -> Iterator[tuple[int, list[EncodedRow]]]:
    """Analyse chunks on the Dask cluster at ``scheduler``; yield ``(chunk number, rows)`` as they finish."""
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from exc
    with client:
        client.register_plugin(WarmUp(analysis), name="factsift-warm-up")
        limit = max(2, 2 * sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
        numbers: dict[Any, int] = {}
        running = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]

        def submit(number: int, chunk: list[Record]) -> None:
            future = client.submit(process_chunk, chunk, analysis, gate, fmt, pure=False)
            numbers[future.key] = number
            running.add(future)  # type: ignore[no-untyped-call]

        source = iter(chunks)
        for number, chunk in source:
            submit(number, chunk)
            if len(numbers) >= limit:
                break
        for future in running:
            rows: list[EncodedRow] = future.result()
            number = numbers.pop(future.key)
            future.release()
            yield number, rows
            following = next(source, None)
            if following is not None:
                submit(*following)
