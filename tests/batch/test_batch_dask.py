"""The same chunks on a Dask LocalCluster give the same output as the local process pool."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from batch_helpers import ArticleServer, article_html, article_text, comparable, read_jsonl, url_rows, write_jsonl
from distributed import LocalCluster

from factsift.batch import BatchConfig, run_batch
from factsift.batch.politeness import Politeness
from factsift.batch.runner import BatchSummary


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def _input(tmp_path: Path) -> Path:
    rows: list[dict[str, object]] = [{"id": f"t{i}", "text": article_text(i), "n": i} for i in range(10)]
    rows += [{"id": f"h{i}", "html": article_html(i), "url": f"https://www.paper{i}.example/a"} for i in range(6)]
    rows += [{"id": "bad", "html": "   "}, {"id": "bad2", "text": "\x00" * 20}]
    return write_jsonl(tmp_path / "in.jsonl", rows)


def _on_cluster(source: Path, out: Path, cluster: LocalCluster, chunk_size: int) -> BatchSummary:
    """Run a batch on the cluster's workers."""
    address = cluster.scheduler_address
    return run_batch(BatchConfig(inputs=[source], out=out, scheduler=address, chunk_size=chunk_size, progress=False))


def test_local_cluster_gives_the_same_results_as_local(tmp_path: Path, cluster: LocalCluster) -> None:
    source = _input(tmp_path)
    local = run_batch(
        BatchConfig(inputs=[source], out=tmp_path / "local.jsonl", workers=2, chunk_size=3, progress=False)
    )
    dask = _on_cluster(source, tmp_path / "dask.jsonl", cluster, chunk_size=3)
    assert (dask.processed, dask.reports, dask.errors) == (local.processed, local.reports, local.errors) == (18, 16, 2)
    local_rows = [comparable(row) for row in read_jsonl(tmp_path / "local.jsonl")]
    dask_rows = [comparable(row) for row in read_jsonl(tmp_path / "dask.jsonl")]
    assert dask_rows == local_rows  # same rows, in the same (input) order
    assert {row["report"]["article"]["outlet"]["domain"] for row in dask_rows if row["id"] == "h2"} == {
        "paper2.example"
    }
    assert len(cluster.workers) == 2


def test_parquet_on_the_cluster_matches_local_parquet(tmp_path: Path, cluster: LocalCluster) -> None:
    source = _input(tmp_path)
    run_batch(BatchConfig(inputs=[source], out=tmp_path / "local.parquet", workers=1, chunk_size=4, progress=False))
    _on_cluster(source, tmp_path / "dask.parquet", cluster, chunk_size=4)
    assert pq.read_table(tmp_path / "dask.parquet").equals(pq.read_table(tmp_path / "local.parquet"))


def test_url_politeness_holds_across_cluster_workers(tmp_path: Path, cluster: LocalCluster) -> None:
    with ArticleServer.running() as server:
        summary = run_batch(
            BatchConfig(
                inputs=[write_jsonl(tmp_path / "urls.jsonl", url_rows(server))],
                out=tmp_path / "out.jsonl",
                scheduler=cluster.scheduler_address,
                chunk_size=1,
                analysis={"allow_private": True},
                politeness=Politeness(limit=1, delay=0.1),
                progress=False,
            )
        )
    assert (summary.reports, summary.errors) == (6, 3)
    assert len(server.starts) == 8 and server.max_active == 1


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import dask

    from factsift.cli import main

    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": article_text(1)}])
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
