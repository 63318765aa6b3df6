"""A run killed mid-way (SIGKILL, no clean-up at all) resumes and writes every id exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from batch_helpers import article_html, read_jsonl, write_jsonl

ROWS = 240


def _command(source: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "factsift", "batch", str(source), "--out", str(out),
        "--workers", "2", "--chunk-size", "3", "--no-progress",
    ]  # fmt: skip


def test_kill_mid_run_then_rerun_gives_every_id_exactly_once(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"a{i}", "html": article_html(i)} for i in range(ROWS)])
    out = tmp_path / "out.jsonl"
    parts = tmp_path / "out.jsonl.parts"
    process = subprocess.Popen(_command(source, out), start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if parts.is_dir() and len(list(parts.glob("part-*"))) >= 3:
            break
        assert process.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers, mid-run
    process.wait()
    assert not out.exists(), "the kill came too late: the run had already merged its output"
    kept = sum(len(read_jsonl(p)) for p in parts.glob("part-*"))
    assert 0 < kept < ROWS

    rerun = subprocess.run(_command(source, out), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped {kept} rows whose id is already in the output" in rerun.stderr
    ids = [row["id"] for row in read_jsonl(out)]
    assert sorted(ids) == sorted(f"a{i}" for i in range(ROWS))
    assert len(ids) == len(set(ids))
    assert not parts.exists()
