"""The analysis pipeline: named stages, run in order, each passing the one ``Report`` on.

A stage is a plain function ``(report, options) -> report`` registered with ``@stage("name")``.
Stages live in their concern's folder; ``STAGE_MODULES`` says where to find each one, and a
stage whose module does not exist yet is simply not registered.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from factsift import __version__
from factsift.errors import FactsiftError, OverBudget
from factsift.model import Report, StageError
from factsift.options import Options

log = logging.getLogger(__name__)

StageFn = Callable[[Report, Options], Report]

#: Stage order and the module that registers each stage.
STAGE_MODULES: dict[str, str] = {
    "sources": "factsift.sources.stage",
    "claims": "factsift.claims.stage",
    "factchecks": "factsift.factchecks.stage",
    "signals": "factsift.signals.stage",
    "risk": "factsift.scoring.stage",
}

_REGISTRY: dict[str, StageFn] = {}


def stage(name: str) -> Callable[[StageFn], StageFn]:
    """Register a function as the pipeline stage called ``name``."""

    def register(fn: StageFn) -> StageFn:
        _REGISTRY[name] = fn
        return fn

    return register


def _module_exists(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return False
        raise
    return True


def registered_stages() -> dict[str, StageFn]:
    """All stages after ingest that exist in this installation, in pipeline order."""
    for module in STAGE_MODULES.values():
        _module_exists(module)
    return {name: _REGISTRY[name] for name in STAGE_MODULES if name in _REGISTRY}


def run_stages(report: Report, options: Options, *, deadline: float | None = None) -> Report:
    """Run every registered stage (or those in ``options.stages``) over an ingested report.

    A stage that fails with an unexpected error is recorded in ``report.errors`` and the
    rest of the pipeline still runs: one broken stage never sinks the whole report.
    """
    wanted = options.stages
    for name, fn in registered_stages().items():
        if wanted is not None and name not in wanted:
            continue
        if deadline is not None and time.monotonic() > deadline:
            raise OverBudget(f"the analysis took longer than its {options.time_budget:g} s budget", too_large=False)
        started = time.perf_counter()
        try:
            report = fn(report, options)
            report.stages.append(name)
        except FactsiftError:
            raise
        except Exception as exc:
            log.exception("stage %s failed", name)
            report.errors.append(StageError(stage=name, message=f"{type(exc).__name__}: {exc}"))
        report.timings_ms[name] = round((time.perf_counter() - started) * 1000, 3)
    return report


def analyse(
    source: str | None = None,
    *,
    url: str | None = None,
    html: str | bytes | None = None,
    text: str | bytes | None = None,
    **options: Any,
) -> Report:
    """Analyse one article and return its evidence report.

    ``source`` is a URL, a file path or ``"-"`` for stdin; or say exactly what you give with
    ``url=``, ``html=`` or ``text=``.  ``url=`` together with ``html=``/``text=`` names the page's
    address (it sets the outlet) without fetching it: a saved page or a crawled record.
    Options are the fields of :class:`factsift.options.Options`.
    Raises :class:`factsift.errors.InputError` for input that cannot be analysed.
    """
    from factsift.ingest.stage import ingest

    opts = Options.from_kwargs(**options)
    started = time.perf_counter()
    deadline = time.monotonic() + opts.time_budget if opts.time_budget is not None else None
    if text is not None:
        _check_size(len(text), opts)  # plain text is refused before it is even cleaned
    report = ingest(source, url=url, html=html, text=text, options=opts)
    report.version = __version__
    report.timings_ms["ingest"] = round((time.perf_counter() - started) * 1000, 3)
    report.stages.append("ingest")
    _check_size(len(report.article.text), opts)
    return run_stages(report, opts, deadline=deadline)


def _check_size(length: int, options: Options) -> None:
    """Refuse an article text longer than the analysis's size budget."""
    if options.max_text_chars is not None and length > options.max_text_chars:
        raise OverBudget(
            f"the article text has {length:,} characters; this analysis takes at most {options.max_text_chars:,}",
            too_large=True,
        )
