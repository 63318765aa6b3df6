"""Output rows encoded where they are made: a worker hands back each row ready to write.

Encoding a report (JSON for JSONL output, the flat columns for Parquet) is done on the worker
that analysed it, in parallel, so the one process that writes the output only writes; with every
worker busy, that process would otherwise compete with them for a core.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from factsift.model import Report

#: An output row: ``id`` with ``report`` (a :class:`Report`, or its JSON form) or ``error``, and ``extra``.
Row = dict[str, Any]
Format = Literal["jsonl", "parquet"]


@dataclass(frozen=True)
class EncodedRow:
    """One output row in its output format, with what the run's summary counts."""

    id: str
    error: bool
    #: The report's risk label; None for an error row or a report without a risk score.
    risk_label: str | None
    #: The JSON line (JSONL output) or the flat column values (Parquet output).
    data: str | dict[str, Any]


def _json(value: Any) -> str:
    """``value`` as compact JSON: orjson (a quarter of the json module's time on a report; it writes a
    :class:`Report` straight from its fields, as :meth:`Report.to_dict` would give them), falling back
    to ASCII-escaped json for what orjson refuses (a lone surrogate from a JSON input, a huge integer)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
    except (orjson.JSONEncodeError, TypeError):
        plain = value.to_dict() if isinstance(value, Report) else value
        return json.dumps(plain, ensure_ascii=True, default=str)


def jsonl_line(row: Row) -> str:
    """A row as one JSON line, ``{"id": …, "report": …`` or ``{"id": …, "error": …`` first, then the other
    fields (so the id and the kind of row can be read without decoding the rest)."""
    body = "report" if "report" in row else "error"
    parts = [f'{{"id": {_json(row["id"])}, "{body}": {_json(row[body])}']
    parts.extend(f", {_json(str(key))}: {_json(value)}" for key, value in row.items() if key not in ("id", body))
    return "".join(parts) + "}\n"


def encode_row(row: Row, fmt: Format) -> EncodedRow:
    """``row`` ready to be written in ``fmt``."""
    report = row.get("report")
    label: str | None
    if isinstance(report, Report):
        label = report.risk.label if report.risk else None
    else:
        risk = report.get("risk") if report is not None else None
        label = str(risk["label"]) if risk else None
    if fmt == "jsonl":
        data: str | dict[str, Any] = jsonl_line(row)
    else:
        from factsift.batch.flatten import flatten_row  # pyarrow is loaded only for Parquet output

        data = flatten_row({**row, "report": report.to_dict()} if isinstance(report, Report) else row)
    return EncodedRow(str(row["id"]), report is None, label, data)
