"""Run one analysis for the server: client options in, stored report out.

Clients may choose only harmless options (kind, fast mode, which stages, their feed's base rate);
anything touching the
server's files or network policy (``db``, ``ratings``, ``allow_private``) comes from the server.
"""

from __future__ import annotations

import json
import logging
import re
from functools import partial
from typing import Any, Literal

import anyio.to_thread
from anyio import CapacityLimiter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from factsift.archive.keep import kept_article
from factsift.archive.store import ArticleArchive
from factsift.pipeline import analyse, check_stage_names, registered_stages
from factsift.plugins import UnknownPluginError
from factsift.web.settings import ServerSettings
from factsift.web.store import AnalysisStore, Summary

_SURROGATE = re.compile("[\ud800-\udfff]")
log = logging.getLogger(__name__)


class ClientOptions(BaseModel):
    """Options a client may set for one analysis."""

    model_config = ConfigDict(extra="forbid")

    as_kind: Literal["html", "text"] | None = Field(default=None, description="treat the input as HTML or text")
    fast: bool = Field(default=False, description="skip the slowest steps")
    base_rate: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="your feed's share of misinformation, if known: moves the risk score (Bayes' prior correction)",
    )
    stages: list[str] | None = Field(
        default=None, description=f"run only these stages after ingest (any of: {', '.join(registered_stages())})"
    )

    @model_validator(mode="after")
    def _known_stages(self) -> ClientOptions:
        try:
            check_stage_names(self.stages)
        except UnknownPluginError as exc:
            raise ValueError(str(exc)) from None
        return self


class AnalysisRequest(BaseModel):
    """One article to analyse: exactly one of ``url``, ``html`` or ``text``."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, description="an http(s) URL to fetch (private addresses are refused)")
    html: str | None = Field(default=None, description="a saved HTML page")
    text: str | None = Field(default=None, description="the article as plain text")
    options: ClientOptions = Field(default_factory=lambda: ClientOptions())

    @model_validator(mode="after")
    def _exactly_one(self) -> AnalysisRequest:
        given = [name for name in ("url", "html", "text") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of url, html or text" + (f" (got {', '.join(given)})" if given else ""))
        found = _SURROGATE.search(getattr(self, given[0]))
        if found:
            where = f"a lone surrogate \\u{ord(found.group()):04x} at character {found.start()}"
            raise ValueError(f"{given[0]} is not valid Unicode: {where}")
        return self


def analysis_options(request: AnalysisRequest, settings: ServerSettings) -> dict[str, Any]:
    """The ``analyse()`` options for one request under this server's settings."""
    options: dict[str, Any] = {
        "allow_private": settings.allow_private,
        "db": settings.db,
        "fast": settings.fast or request.options.fast,
        "as_kind": request.options.as_kind,
        "max_text_chars": settings.max_text_chars,
        "time_budget": settings.analysis_seconds,
    }
    if settings.ratings is not None:
        options["ratings"] = settings.ratings
    if settings.calibration is not None:
        options["calibration"] = settings.calibration
    if request.options.stages is not None:
        options["stages"] = request.options.stages
    if request.options.base_rate is not None:
        options["base_rate"] = request.options.base_rate
    return options


def run_analysis(
    request: AnalysisRequest, settings: ServerSettings, store: AnalysisStore, archive: ArticleArchive | None = None
) -> tuple[Summary, str]:
    """Analyse the article, store the report, keep the article in ``archive`` (if given) and return
    (summary, report as JSON text).

    Raises :class:`factsift.errors.InputError` for input that cannot be analysed.
    """
    report = analyse(url=request.url, html=request.html, text=request.text, **analysis_options(request, settings))
    data = report.to_dict()
    encoded = json.dumps(data, ensure_ascii=False)
    summary = store.save(data, encoded)
    if archive is not None:
        keep_analysed(archive, data)
    return summary, encoded


def keep_analysed(archive: ArticleArchive, report: dict[str, Any]) -> None:
    """Keep an analysed article in the archive; a short text (a claim or a post pasted to be checked) is not an
    article of any outlet and is not kept.  A failure is logged: the analysis itself is already stored."""
    if (report.get("article") or {}).get("kind") == "short":
        return
    try:
        archive.add([kept_article(report)])
    except Exception:  # the reader still gets the analysis; the log says why the archive did not take it
        log.exception("keeping the analysed article in the article archive failed")


async def run_analysis_queued(
    request: AnalysisRequest,
    settings: ServerSettings,
    store: AnalysisStore,
    limiter: CapacityLimiter,
    archive: ArticleArchive | None = None,
) -> tuple[Summary, str]:
    """:func:`run_analysis` in a worker thread, at most ``limiter.total_tokens`` at once, first come first served.

    Analyses are CPU-bound: running a few at a time and queueing the rest in order keeps
    latency even under load, instead of dozens of threads fighting over the interpreter.
    """
    return await anyio.to_thread.run_sync(partial(run_analysis, request, settings, store, archive), limiter=limiter)
