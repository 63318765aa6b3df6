"""CPU cost of each stage per real page, in ``--fast`` and full mode, beside ``trafilatura.extract`` in the same run.

The 130 real pages of ``bench/ingest.py`` (Mozilla's Readability.js tests) are analysed stage by
stage on one thread: ingest, then every registered stage in pipeline order, each timed with
``time.process_time`` (CPU, not wall clock: the machine is shared).  Each pass over the pages is
repeated ``--rounds`` times and each stage's fastest pass counts (others on the machine only ever slow a
pass down); ``trafilatura.extract`` is timed the same way in the same process, as the reference of the
issue's targets (full analysis >= 1x its speed, ``--fast`` >= 2x).  Also reported: sentences scored
and sentences the claims' second stage encoded, per page.

    python bench/claims_speed.py [--rounds 3] [--out FILE]

Uses only the public pipeline (``registered_stages``, ``Context``, ``config_at_edge``), so the same
script measures an older checkout too (``PYTHONPATH=OLD/src``). Writes bench/results/claims_speed.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import sys
import time
from pathlib import Path

import trafilatura

from factsift.config import config_at_edge
from factsift.context import Context, ModelCache
from factsift.errors import InputError
from factsift.ingest.stage import ingest
from factsift.pipeline import registered_stages

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "pages" / "readability_testpages"


def load_pages(folder: Path) -> list[str]:
    """The HTML of every real test page in ``folder``, in name order."""
    pages = sorted(p for p in folder.iterdir() if (p / "source.html").is_file())
    return [(page / "source.html").read_text("utf-8", "replace") for page in pages]


def stage_cpu(pages: list[str], fast: bool) -> dict[str, float]:
    """CPU seconds of one pass over ``pages`` per stage (``ingest`` included), analysing as ``--fast`` or full."""
    config = config_at_edge(fast=fast)
    models = ModelCache()
    stages = registered_stages()
    spent: dict[str, float] = {"ingest": 0.0, **dict.fromkeys(stages, 0.0)}
    for html in pages:
        started = time.process_time()
        try:
            report = ingest(html=html, options=config.options)
        except InputError:
            spent["ingest"] += time.process_time() - started
            continue
        spent["ingest"] += time.process_time() - started
        for name, fn in stages.items():
            started = time.process_time()
            report = fn(report, Context(config.section(name), models))
            spent[name] += time.process_time() - started
    return spent


def trafilatura_cpu(pages: list[str]) -> float:
    """CPU seconds of one pass of plain ``trafilatura.extract`` over ``pages``."""
    started = time.process_time()
    for html in pages:
        trafilatura.extract(html)
    return time.process_time() - started


def sentence_counts(pages: list[str]) -> dict[str, float]:
    """Per page: sentences the claims stage scores, and those its second stage encodes (full mode)."""
    from factsift.claims import stage as claims_stage
    from factsift.claims.gate import is_furniture

    config = config_at_edge(fast=False)
    model = claims_stage.model_for(config.claims, ModelCache())
    scored = encoded = 0
    for html in pages:
        try:
            article = ingest(html=html, options=config.options).article
        except InputError:
            continue
        texts = [s.text for s in article.sentences if not is_furniture(s.text)]
        scored += len(texts)
        if model.cascade is not None and texts:
            first = model.score_many(texts)
            encoded += min(claims_stage.MAX_ENCODED, sum(map(model.cascade.uncertain, first)))
    return {"scored_per_page": round(scored / len(pages), 1), "encoded_per_page": round(encoded / len(pages), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=REAL_PAGES, help="folder of real test pages")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages; the fastest counts")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "claims_speed.json")
    args = parser.parse_args()
    pages = load_pages(args.real)
    for fast in (True, False):  # warm imports, models and caches
        stage_cpu(pages[:3], fast)
    trafilatura_cpu(pages[:3])
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):  # modes alternate within a round, so load on the machine hits both alike
        passes = {
            "trafilatura.extract": {"total": trafilatura_cpu(pages)},
            "fast": stage_cpu(pages, fast=True),
            "full": stage_cpu(pages, fast=False),
        }
        for name, spent in passes.items():
            best[name] = {k: min(v, best.get(name, {}).get(k, v)) for k, v in spent.items()}
    reference = best["trafilatura.extract"]["total"]
    per_page = len(pages) / 1000
    modes: dict[str, object] = {}
    for mode in ("fast", "full"):
        spent = best[mode]
        total = sum(spent.values())
        modes[mode] = {
            "ms_per_page": {name: round(seconds / per_page, 2) for name, seconds in spent.items()},
            "total_ms_per_page": round(total / per_page, 2),
            "speed_vs_trafilatura_extract": round(reference / total, 2),
            "claims_share_of_trafilatura": round(spent.get("claims", 0.0) / reference, 3),
        }
    counts = sentence_counts(pages)
    second_stage = best["full"].get("claims", 0.0) - best["fast"].get("claims", 0.0)
    if counts["encoded_per_page"]:  # the full mode's claims stage less --fast's is its second stage
        counts["second_stage_ms_per_encoded_sentence"] = round(second_stage / per_page / counts["encoded_per_page"], 2)
    result = {
        "pages": len(pages),
        "rounds": args.rounds,
        "trafilatura_extract_ms_per_page": round(reference / per_page, 2),
        "modes": modes,
        "claims_sentences": counts,
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
