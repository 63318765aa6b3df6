"""The regression corpus: 1,168 reports written byte for byte, to compare two versions of factsift.

The corpus is the 300 generated articles of ``bench/batch.py``, every third labelled article of
``../shared/data/articles`` and the seed article, analysed with every installed stage against the
bundled sample fact-checks, in ``--fast`` mode (as the batch benchmark's figures).  Timings are
dropped (they differ from run to run); everything else is written as ``Report.to_json`` writes it.
A refactor must leave the file identical, apart from the fields it deliberately adds (``ADDED``):

    python bench/regression_reports.py --out /tmp/before.jsonl     # on the old code
    python bench/regression_reports.py --out /tmp/after.jsonl      # on the new code
    python bench/regression_reports.py --compare /tmp/before.jsonl /tmp/after.jsonl

``--real`` analyses the 130 real pages of ``bench/ingest.py`` instead, and ``--full`` runs the full analysis
(the claims' second stage and dense fact-check retrieval) instead of ``--fast``: a speed change must leave
those reports identical too.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from factsift import InputError, analyse
from factsift.factchecks.importer import import_files
from factsift.scoring.datasets import load_all

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "articles"
SEED = ROOT.parent / "shared" / "examples" / "seed-article.txt"
FACTCHECKS = ROOT / "examples" / "sample-factchecks.json"
GENERATED = 300
#: Fields added on purpose since the corpus was first written (empty unless a plugin fills them): the
#: comparison drops them from the newer file when they are empty.
ADDED = (b', "extensions": {}}',)


def corpus() -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, keyword arguments of ``analyse``) for every article of the corpus, in a fixed order."""
    sys.path.insert(0, str(ROOT / "bench"))
    from batch import make_article

    rng = random.Random(20261125)
    for i in range(GENERATED):
        row = make_article(i, rng)
        kind = "html" if "html" in row else "text"
        yield row["id"], {kind: row[kind], "url": row.get("url")}
    for record in load_all(DATA)[::3]:
        text = f"{record.title}\n\n{record.text}" if record.title else record.text
        yield f"{record.dataset}/{record.id}", {"text": text, "url": record.url}
    yield "seed", {"text": SEED.read_text(encoding="utf-8")}


def real_pages() -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, keyword arguments of ``analyse``) for each real page of ``bench/ingest.py``, in a fixed order."""
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest import REAL_PAGES

    for page in sorted(p for p in REAL_PAGES.iterdir() if (p / "source.html").is_file()):
        yield f"real/{page.name}", {"html": (page / "source.html").read_text("utf-8", "replace")}


def write_reports(out: Path, *, real: bool = False, full: bool = False) -> int:
    """Analyse the corpus (``real``: the real pages) into ``out`` (one JSON report a line, timings dropped),
    with ``--fast`` unless ``full``; returns the count."""
    count = 0
    with tempfile.TemporaryDirectory() as tmp, out.open("wb") as handle:
        db = Path(tmp) / "factchecks.db"
        import_files([FACTCHECKS], db=db)
        articles = list(real_pages() if real else corpus())
        for article_id, kwargs in tqdm(articles, desc="reports", file=sys.stderr):
            try:
                report = analyse(db=db, fast=not full, **kwargs)
            except InputError as exc:  # a refused input is part of the behaviour compared
                handle.write(f"{article_id}\terror: {exc}\n".encode())
            else:
                report.timings_ms = {}
                handle.write(f"{article_id}\t{report.to_json(indent=None)}\n".encode())
            count += 1
    return count


def compare(before: Path, after: Path) -> int:
    """Print the ids whose reports differ; exit code 1 if any does."""
    old = before.read_bytes().splitlines()
    new = after.read_bytes().splitlines()
    for field in ADDED:  # dropped from both sides: a corpus written since the field came has it too
        old, new = (
            [line.replace(field, b"}") if line.endswith(field) else line for line in lines] for lines in (old, new)
        )
    differing = [a.split(b"\t", 1)[0].decode() for a, b in zip(old, new, strict=False) if a != b]
    print(json.dumps({"reports": len(old), "after": len(new), "differing": len(differing), "ids": differing[:20]}))
    return 1 if differing or len(old) != len(new) else 0


def main() -> int:
    """Write the corpus's reports, or compare two such files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the reports here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--real", action="store_true", help="the real pages of bench/ingest.py, not the corpus")
    parser.add_argument("--full", action="store_true", help="the full analysis, not --fast")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("give --out FILE or --compare BEFORE AFTER")
    print(json.dumps({"reports": write_reports(args.out, real=args.real, full=args.full)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
