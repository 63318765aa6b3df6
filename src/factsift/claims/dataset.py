"""Labelled check-worthiness sentences: loading, de-duplication and the fixed held-out split.

Reads ClaimBuster's ``train.json`` (``[{"sentence_id", "text", "label"}]``, label 1 = check-worthy
factual sentence, CFS) and, for your own data, any JSON list or CSV/TSV file with ``text`` and
``label`` columns. The split is a stable hash of the normalised sentence, so the held-out test
rows are the same on every machine and never depend on file order.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from factsift.errors import InputError
from factsift.ml.split import bucket

Split = Literal["train", "dev", "test"]

#: Share of rows, by hash bucket out of 100: test 0–19, dev 20–29, train 30–99.
TEST_BUCKETS = 20
DEV_BUCKETS = 10


@dataclass(frozen=True)
class Example:
    """One labelled sentence: ``label`` is 1 for a check-worthy factual sentence."""

    text: str
    label: int
    origin: str


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def split_of(text: str) -> Split:
    """The fixed split a sentence belongs to (stable across machines and file orders)."""
    number = bucket(_key(text), 100, digest="blake2b-64")
    if number < TEST_BUCKETS:
        return "test"
    if number < TEST_BUCKETS + DEV_BUCKETS:
        return "dev"
    return "train"


def _label(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return 1 if value >= 1 else 0
    text = str(value).strip().lower()
    if text in {"1", "1.0", "cfs", "true", "yes"}:
        return 1
    if text in {"0", "0.0", "-1", "nfs", "ufs", "false", "no"}:
        return 0
    raise InputError(f"unknown label {value!r} (expected 1/0 or CFS/NFS/UFS)")


def _read_json(path: Path) -> list[Example]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    if not isinstance(rows, list):
        raise InputError(f"{path}: expected a JSON list of {{text, label}} objects")
    examples = []
    for row in rows:
        if not isinstance(row, dict) or "text" not in row or "label" not in row:
            raise InputError(f"{path}: every item needs 'text' and 'label'")
        examples.append(Example(str(row["text"]), _label(row["label"]), path.name))
    return examples


def _read_table(path: Path) -> list[Example]:
    delimiter = "\t" if path.suffix == ".tsv" else ","
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                raise InputError(f"{path}: needs 'text' and 'label' columns")
            return [Example(row["text"], _label(row["label"]), path.name) for row in reader if row.get("text")]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def find_files(data: Path) -> list[Path]:
    """The labelled files to train on: ClaimBuster's ``train.json`` if present, else every data file given."""
    if data.is_file():
        return [data]
    if not data.is_dir():
        raise InputError(f"no such file or directory: {data}")
    for candidate in (data / "claimbuster" / "train.json", data / "claims" / "claimbuster" / "train.json"):
        if candidate.is_file():
            return [candidate]
    files = sorted(p for p in data.iterdir() if p.suffix in {".json", ".csv", ".tsv"} and p.is_file())
    if not files:
        raise InputError(f"{data}: no claimbuster/train.json and no .json/.csv/.tsv files with text and label")
    return files


def load(data: Path) -> list[Example]:
    """Every labelled sentence under ``data``, de-duplicated (a repeated sentence keeps its majority label)."""
    examples: list[Example] = []
    for path in find_files(data):
        examples.extend(_read_json(path) if path.suffix == ".json" else _read_table(path))
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        if example.text.strip():
            groups[_key(example.text)].append(example)
    unique = []
    for group in groups.values():
        positives = sum(e.label for e in group)
        unique.append(Example(group[0].text, int(positives * 2 >= len(group)), group[0].origin))
    if not unique:
        raise InputError(f"{data}: no labelled sentences found")
    return unique
