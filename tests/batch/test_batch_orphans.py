"""``kill -9`` of the batch process: its workers notice and exit instead of holding memory as orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PARENT = textwrap.dedent(
    """
    import multiprocessing, os, time
    from concurrent.futures import ProcessPoolExecutor
    from factsift.batch.worker import warm_up

    if __name__ == "__main__":  # the batch's own pool set-up, with an analysis that only ingests
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(1, mp_context=context, initializer=warm_up, initargs=({"stages": []},))
        print(pool.submit(os.getpid).result(), flush=True)
        time.sleep(120)
    """
)


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_a_worker_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert running(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        for _ in range(100):  # up to 10 s (workers check every second)
            if not running(child):
                break
            time.sleep(0.1)
        still_running = running(child)
        if still_running:
            os.kill(child, signal.SIGKILL)
        assert not still_running
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
