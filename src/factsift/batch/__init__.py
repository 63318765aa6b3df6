"""Batch mode: run the whole pipeline over large collections, locally or on a Dask cluster.

``factsift batch INPUT... --out OUT`` streams JSONL, CSV, directories of pages and WARC files,
analyses them in chunks on a process pool (or a Dask cluster), and writes one record per input
id — a report or an error — into JSONL or Parquet.  Runs resume where they stopped.
"""

from factsift.batch.runner import BatchConfig, BatchSummary, run_batch

__all__ = ["BatchConfig", "BatchSummary", "run_batch"]
