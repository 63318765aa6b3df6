"""The API's response bodies as pydantic models (they shape the OpenAPI spec)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Links(BaseModel):
    self: str = Field(description="this analysis in the API")
    page: str = Field(description="the shareable web page of this analysis")


class AnalysisSummary(BaseModel):
    id: str
    created: str = Field(description="when it was analysed (ISO 8601, UTC)")
    title: str | None
    outlet: str | None
    input_kind: str | None
    risk_score: float | None
    risk_label: str | None
    links: Links


class Analysis(BaseModel):
    id: str
    created: str
    links: Links
    report: dict[str, Any] = Field(
        description="the report, schema factsift.report/1 (as `factsift check --format json`)"
    )


class AnalysisList(BaseModel):
    items: list[AnalysisSummary]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next (older) page; null at the end")


class ImportResult(BaseModel):
    added: int
    updated: int
    skipped: int
    errors: list[str]


class SearchResults(BaseModel):
    query: str
    results: list[dict[str, Any]]


_PROBLEMS = {
    401: "missing or invalid API key",
    404: "no such analysis",
    413: "request body, or the article text of one analysis, too large",
    422: "invalid request or input that cannot be analysed",
    429: "rate limited",
    501: "the fact-check store is not installed",
    503: "the analysis took longer than its time budget, or the store cannot be written",
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these problem status codes."""
    return {code: {"description": _PROBLEMS[code], "content": {"application/problem+json": {}}} for code in codes}
