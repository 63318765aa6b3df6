"""Instructions per article of a batch worker, counted by valgrind (independent of the machine's load).

Wall-clock rates on a shared machine move by ±10 % from run to run; an instruction count does not,
so it shows whether a change made the work itself smaller. Runs a worker's ``process_chunk`` (every
stage of ``--fast`` or full mode, encoding the JSONL row included) over N generated articles of
``bench/batch.py`` under ``valgrind --tool=callgrind``, once with N articles and once with none (models
loaded, the same warm-up), and reports the difference per article. Needs valgrind (``apt install
valgrind``); slow (about a minute per 100 ``--fast`` articles). Writes bench/results/batch_instructions.json.

    python bench/batch_instructions.py                 # 100 articles, --fast
    python bench/batch_instructions.py --articles 50 --full
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "batch_instructions.json"
WARM_UP_ARTICLES = 30


def worker_run(articles: int, fast: bool, db: str) -> None:
    """The measured program: warm a worker up, then analyse ``articles`` more into encoded JSONL rows."""
    from batch import write_input
    from factsift.batch import worker
    from factsift.batch.readers import read_input

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "articles.jsonl"
        write_input(source, WARM_UP_ARTICLES + articles)
        records = list(read_input(source, max_bytes=1 << 30))
    analysis: dict[str, Any] = {"fast": fast, "db": db}
    worker.warm_up(analysis)
    worker.process_chunk(records[:WARM_UP_ARTICLES], analysis, None, "jsonl")
    if articles:
        worker.process_chunk(records[WARM_UP_ARTICLES:], analysis, None, "jsonl")


def count(articles: int, fast: bool, db: str) -> int:
    """Instructions valgrind counts for one :func:`worker_run`."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--cache-sim=no",
            "--branch-sim=no",
            f"--callgrind-out-file={folder}/callgrind.out",
            sys.executable,
            __file__,
            "--child",
            str(articles),
            "--db",
            db,
            *([] if fast else ["--full"]),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--full", action="store_true", help="every stage (default: --fast)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--db", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        worker_run(args.child, not args.full, args.db)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench/batch_instructions.py needs valgrind (apt install valgrind)")
    from factsift.factchecks.importer import import_files

    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "factchecks.db")
        import_files([Path(__file__).resolve().parents[1] / "examples" / "sample-factchecks.json"], db=Path(db))
        start_up = count(0, not args.full, db)
        total = count(args.articles, not args.full, db)
    per_article = (total - start_up) / args.articles
    result = {
        "mode": "full" if args.full else "fast",
        "articles": args.articles,
        "instructions_total": total,
        "instructions_start_up_and_warm_up": start_up,
        "instructions_per_article": round(per_article),
        "note": "callgrind instruction count of process_chunk (analysis, JSONL encoding), start-up subtracted",
    }
    print(f"{result['mode']}: {per_article / 1e6:.1f} million instructions per article ({args.articles} articles)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
