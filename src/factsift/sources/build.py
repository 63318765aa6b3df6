"""Build the shipped ratings table from the published rating sets (``factsift train sources``).

Inputs (as published; read from ``--data``, never copied into the package):

* ``lin2023_domain_quality/domain_pc1.csv`` (or ``domain_ratings.csv``): Lin et al. 2023.  Only the
  ``domain`` and ``pc1`` columns are kept; the per-rater columns are not shipped because some of them
  derive from commercial ratings.
* ``iffy_plus_2021/iffy_plus_full_original.csv`` (optional): the Iffy+ list (MIT licence).  Kept:
  the domain, that it is listed, and the site name Iffy+ gives.

The output is a gzip CSV ``domain,pc1,iffy,name`` with domains normalised exactly as lookups
normalise them, so every row can be found.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from factsift.errors import InputError
from factsift.sources.domains import MalformedDomain, parse_host
from factsift.sources.keys import table_key

DATA_DIR = Path(__file__).parent / "data"
RATINGS_FILE = DATA_DIR / "ratings.csv.gz"
META_FILE = DATA_DIR / "ratings_meta.json"
LIN_FILES = ("domain_pc1.csv", "domain_ratings.csv")
IFFY_FILE = "iffy_plus_full_original.csv"


@dataclass
class BuildSummary:
    """What a build read and wrote (also saved as ``ratings_meta.json``)."""

    lin_rows: int = 0
    iffy_rows: int = 0
    rows: int = 0
    dropped: list[str] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _key(domain: str) -> tuple[str, bool] | None:
    """The normalised table key for a published domain, and whether it was already normal."""
    try:
        key = table_key(parse_host(domain))
    except MalformedDomain:
        return None
    return key, key == domain.strip().lower().rstrip("/")


def _find(folder: Path, names: tuple[str, ...]) -> Path | None:
    return next((folder / name for name in names if (folder / name).is_file()), None)


def read_lin(path: Path, summary: BuildSummary) -> dict[str, float]:
    """``domain → pc1`` from a Lin et al. file; other columns are ignored on purpose."""
    scores: dict[str, tuple[float, bool]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            summary.lin_rows += 1
            domain, value = row.get("domain") or "", row.get("pc1") or ""
            keyed = _key(domain)
            try:
                score = float(value)
            except ValueError:
                keyed = None
            if keyed is None or not 0.0 <= score <= 1.0:
                summary.dropped.append(f"lin: unusable row {domain!r}")
                continue
            key, exact = keyed
            if key in scores and (scores[key][1] or not exact):
                summary.dropped.append(f"lin: {domain} duplicates {key}")
                continue
            if key in scores:
                summary.dropped.append(f"lin: {key} replaced by exact row {domain}")
            scores[key] = (score, exact)
    return {key: score for key, (score, _) in scores.items()}


def read_iffy(path: Path, summary: BuildSummary) -> dict[str, str]:
    """``domain → site name`` for every site on the Iffy+ list."""
    names: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            summary.iffy_rows += 1
            domain = row.get("Domain") or ""
            keyed = _key(domain)
            if keyed is None:
                summary.dropped.append(f"iffy: unusable row {domain!r}")
                continue
            names.setdefault(keyed[0], (row.get("Name") or "").strip())
    return names


def build(data: Path, out: Path = RATINGS_FILE, meta: Path = META_FILE) -> BuildSummary:
    """Read the rating sets under ``data`` and write the gzip CSV table and its metadata."""
    summary = BuildSummary()
    lin_path = _find(data / "lin2023_domain_quality", LIN_FILES) or _find(data, LIN_FILES)
    if lin_path is None:
        raise InputError(f"no Lin et al. file ({' or '.join(LIN_FILES)}) under {data}")
    iffy_path = _find(data / "iffy_plus_2021", (IFFY_FILE,)) or _find(data, (IFFY_FILE,))
    scores = read_lin(lin_path, summary)
    summary.inputs["lin2023"] = f"{lin_path.name} sha256:{_sha256(lin_path)}"
    iffy = read_iffy(iffy_path, summary) if iffy_path else {}
    if iffy_path:
        summary.inputs["iffy_plus"] = f"{iffy_path.name} sha256:{_sha256(iffy_path)}"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["domain", "pc1", "iffy", "name"])
    for key in sorted(set(scores) | set(iffy)):
        score = scores.get(key)
        writer.writerow([key, "" if score is None else f"{score:.4f}", "1" if key in iffy else "", iffy.get(key, "")])
        summary.rows += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.getvalue().encode("utf-8"))
    meta.write_text(
        json.dumps(
            {
                "rows": summary.rows,
                "lin_rows": summary.lin_rows,
                "iffy_rows": summary.iffy_rows,
                "inputs": summary.inputs,
                "dropped": summary.dropped,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return summary
