"""Batch mode: run the whole pipeline over large collections, locally or on a Dask cluster.

``factsift batch INPUT... --out OUT`` streams JSONL, CSV, directories of pages and WARC files,
analyses them in chunks on a process pool (or a Dask cluster), and writes one record per input
id — a report or an error — into JSONL or Parquet.  Runs resume where they stopped.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factsift.batch.runner import BatchConfig, BatchSummary, run_batch

__all__ = ["BatchConfig", "BatchSummary", "run_batch"]


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: the runner brings in dask.distributed (a second of CPU),
    which no other command needs."""
    if name in __all__:
        return getattr(importlib.import_module("factsift.batch.runner"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
