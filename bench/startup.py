"""Start-up and one-off check costs, each against a reference measured in the same run.

* ``factsift --help`` and a one-line error exit (``factsift check`` of a missing file) against
  ``python -c "import trafilatura"`` (the target: at most 2x);
* ``factsift check`` of the seed page with a 100,000-review fact-check store (real claims and headlines of
  CheckThat! 2020 and 2021 plus variants, random unit vectors as their embeddings), full mode against
  ``--fast`` (the target: at most 1.5x).  The store's BM25 index is written when the records are imported.

Median of ``--runs`` interleaved runs of each command, wall time and the CPU time of the child process
(the machine is shared, so wall time includes waiting for a core).  Writes ``bench/results/startup.json``.
Run: ``.venv/bin/python bench/startup.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "examples" / "seed-article.txt"
RESULTS = ROOT / "bench" / "results" / "startup.json"
FACTSIFT = str(Path(sys.executable).with_name("factsift"))
sys.path.insert(0, str(Path(__file__).parent))


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    """Median wall and CPU time of each command over ``runs`` interleaved rounds (after one warm-up round)."""
    for command in commands.values():
        _timed(command)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(_timed(command))
    return {
        name: {
            "wall_s": round(statistics.median(w for w, _ in values), 3),
            "cpu_s": round(statistics.median(c for _, c in values), 3),
        }
        for name, values in samples.items()
    }


def _ratios(figures: dict[str, dict[str, float]], reference: str) -> dict[str, dict[str, float]]:
    base = figures[reference]
    return {
        name: {kind: round(value / base[kind], 2) for kind, value in values.items()}
        for name, values in figures.items()
        if name != reference
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from factchecks import _latency_store  # bench/factchecks.py: the 100,000-review store
    from factsift.factchecks.embeddings import load_bundled

    startup = compare(
        {
            "import_trafilatura": [sys.executable, "-c", "import trafilatura"],
            "factsift_help": [FACTSIFT, "--help"],
            "factsift_error_exit": [FACTSIFT, "check", "/nonexistent/article.html"],
        },
        args.runs,
    )
    results: dict[str, Any] = {
        "startup": startup,
        "startup_ratio_to_import_trafilatura": _ratios(startup, "import_trafilatura"),
    }
    print(json.dumps(results, indent=2), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        db, info = _latency_store(Path(folder), load_bundled())
        check = compare(
            {
                "fast": [FACTSIFT, "check", str(SEED), "--db", str(db), "--fast"],
                "full": [FACTSIFT, "check", str(SEED), "--db", str(db)],
            },
            args.runs,
        )
    results["seed_check_100k_store"] = {"store": info, **check, "full_to_fast": _ratios(check, "fast")["full"]}
    results["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
