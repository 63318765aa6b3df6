"""The work done on a worker: analyse the records of one chunk into output rows.

The same :func:`process_chunk` runs in the local process pool and on Dask workers, so both
give the same rows.  Models are loaded once per worker process by :func:`warm_up` (the
stages cache their models per process), before the first chunk arrives.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
import time
from typing import Any

from threadpoolctl import threadpool_limits

from factsift.batch.encoding import EncodedRow, Format, Row, encode_row
from factsift.batch.politeness import HostGate
from factsift.batch.records import BadRecord, InputRecord, Record
from factsift.errors import InputError
from factsift.ingest.fetch import check_host, validate_url
from factsift.model import Report
from factsift.pipeline import analyse

log = logging.getLogger(__name__)


_WARM_UP_TEXT = (
    "Council approves new budget for city parks\n\n"
    "The city council voted 7 to 2 on Tuesday to approve a budget of $4.2 million for parks, "
    "officials said. Anonymous sources claimed the vote was rushed. The mayor said the plan "
    "would create 120 jobs by next year, according to a statement."
)


def _one_thread_per_worker() -> None:
    """Each worker owns one core: numeric libraries must not start a thread per core in every worker."""
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # read by libraries loaded from now on
    threadpool_limits(limits=1)  # BLAS and OpenMP pools already loaded (numpy's OpenBLAS)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


#: How often a worker checks that the batch process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0


def exit_with_parent() -> None:
    """End this process soon after its parent dies (``kill -9`` of ``factsift batch`` leaves no orphans).

    A daemon thread polls the parent's pid: when the parent is gone the process is re-parented
    and ``os.getppid()`` changes.  The parent's pid comes from multiprocessing, so a parent that died
    while this worker was still starting is noticed too.  (``PR_SET_PDEATHSIG`` fires when the parent
    *thread* ends, too early.)
    """
    spawner = multiprocessing.parent_process()
    parent = spawner.pid if spawner is not None and spawner.pid is not None else os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="factsift-exit-with-parent", daemon=True).start()


def warm_up(analysis: dict[str, Any]) -> None:
    """Analyse a tiny article once so every stage loads its models in this process (pool initializer)."""
    exit_with_parent()
    _one_thread_per_worker()
    try:
        analyse(text=_WARM_UP_TEXT, **analysis)
    except Exception:  # a broken stage must not kill the worker; each row will report it
        log.exception("warm-up analysis failed")
    _one_thread_per_worker()  # again for what the models loaded (torch, its BLAS)
    _collect_garbage_rarely()


def _collect_garbage_rarely() -> None:
    """Keep the cyclic garbage collector off the loaded models and word caches, and run it less often.

    A worker holds hundreds of thousands of long-lived objects (models, per-word caches that grow
    through the run); every full collection walks all of them, which cost about 7% of a ``--fast``
    worker's time. Freezing what warm-up loaded and raising the first threshold keeps collection
    for the short-lived garbage of each article, where cycles are rare.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def analyse_record(record: InputRecord, analysis: dict[str, Any], gate: HostGate | None) -> Report:
    """Analyse one record: fetch its URL politely (with the CLI's guards) or analyse the content given."""
    if record.html is None and record.text is None:
        assert record.url is not None
        host, port = validate_url(record.url)  # refused URLs fail here, without waiting for a host slot
        check_host(host, port, allow_private=bool(analysis.get("allow_private")))
        if gate is None:
            return analyse(url=record.url, **analysis)
        with gate.hold(host):
            return analyse(url=record.url, **analysis)
    # content given with its URL (a crawl): the URL names the outlet and is not fetched
    if record.html is not None:
        return analyse(html=record.html, url=record.url, **analysis)
    return analyse(text=record.text, url=record.url, **analysis)


def error_row(record_id: str, extra: dict[str, Any], reason: str, url: str | None = None) -> Row:
    """The output row for an input that could not be analysed."""
    return {"id": record_id, "error": reason, "url": url, "extra": extra}


def process_record(record: Record, analysis: dict[str, Any], gate: HostGate | None) -> Row:
    """One output row: the record's report, or an error row with the reason — never an exception."""
    if isinstance(record, BadRecord):
        return error_row(record.id, record.extra, record.reason)
    try:
        report = analyse_record(record, analysis, gate)
    except InputError as exc:
        return error_row(record.id, record.extra, str(exc), record.url)
    except Exception as exc:
        log.exception("analysis of %s failed", record.id)
        return error_row(record.id, record.extra, f"analysis failed: {type(exc).__name__}: {exc}", record.url)
    return {"id": record.id, "report": report, "extra": record.extra}


def process_chunk(
    chunk: list[Record], analysis: dict[str, Any], gate: HostGate | None, fmt: Format
) -> list[EncodedRow]:
    """Analyse a chunk of records into output rows encoded for ``fmt``, in the chunk's order."""
    return [encode_row(process_record(record, analysis, gate), fmt) for record in chunk]
