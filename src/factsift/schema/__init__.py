"""The JSON Schema of factsift reports (``report.schema.json``, schema id ``factsift.report/1``)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def report_schema() -> dict[str, Any]:
    """The report JSON Schema as a dict (for validation by users and tests)."""
    data: dict[str, Any] = json.loads(files("factsift.schema").joinpath("report.schema.json").read_text("utf-8"))
    return data
