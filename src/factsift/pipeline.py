"""The analysis pipeline: named stages, run in the order their inputs and outputs demand, passing one ``Report``.

A stage is a plain function ``(report, context) -> report`` registered with
``@stage("name", requires=(...), assigns=(...))``; ``context.config`` is its own configuration
section (:meth:`factsift.config.Config.section`) and ``context.models`` its analyser's loaded models.
``requires`` names the report fields it reads, ``assigns`` the ones it writes (``extensions.NAME``
for a plugin's own data).  A stage runs after every stage that assigns what it requires; otherwise
factsift's own stages keep their registration order (:data:`factsift.plugins.BUILTIN_MODULES`)
and installed ones come after.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from factsift.config import Config, config_at_edge
from factsift.context import Context, ModelCache
from factsift.errors import FactsiftError, OverBudget
from factsift.model import Report, StageError
from factsift.options import Options
from factsift.plugins import PluginError, Registry
from factsift.version import __version__

log = logging.getLogger(__name__)

StageFn = Callable[[Report, Context[Any]], Report]

#: What ingest fills before any registered stage runs (it always runs first).
INGEST = "ingest"
_REPORT_FIELDS = frozenset(f.name for f in dataclasses.fields(Report))


@dataclass(frozen=True)
class StageSpec:
    """A registered stage: its name, the report fields it reads and writes, and the function."""

    name: str
    fn: StageFn
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


STAGES: Registry[StageSpec] = Registry("stage")


def _check_fields(name: str, fields: Iterable[str]) -> tuple[str, ...]:
    fields = tuple(fields)
    for item in fields:
        if item.split(".", 1)[0] not in _REPORT_FIELDS:
            raise PluginError(f"stage {name!r}: {item!r} is not a report field (use extensions.NAME for your own data)")
    return fields


def stage(
    name: str, *, requires: Iterable[str] = ("article",), assigns: Iterable[str] = ()
) -> Callable[[StageFn], StageFn]:
    """Register a function as the pipeline stage called ``name``, reading ``requires`` and writing ``assigns``."""

    def register(fn: StageFn) -> StageFn:
        spec = StageSpec(name, fn, _check_fields(name, requires), _check_fields(name, assigns))
        STAGES.add(name, spec, fn.__module__)
        return fn

    return register


def stage_order(specs: dict[str, StageSpec]) -> list[StageSpec]:
    """The stages in an order where each runs after those assigning what it requires (ties: registration order)."""
    names = list(specs)
    after: dict[str, set[str]] = {
        name: {other for other in names if other != name and set(specs[other].assigns) & set(specs[name].requires)}
        for name in names
    }
    ordered: list[StageSpec] = []
    done: set[str] = set()
    while len(ordered) < len(names):
        ready = next((n for n in names if n not in done and after[n] <= done), None)
        if ready is None:
            waiting = sorted(set(names) - done)
            raise PluginError(f"stages {', '.join(waiting)} require each other's output: no order satisfies them")
        ordered.append(specs[ready])
        done.add(ready)
    return ordered


def registered_stages() -> dict[str, StageFn]:
    """All stages after ingest that this installation has (its own and installed plugins'), in pipeline order."""
    return {spec.name: spec.fn for spec in stage_order(STAGES.items())}


def check_stage_names(names: Iterable[str] | None) -> None:
    """Raise :class:`~factsift.plugins.UnknownPluginError` naming the known stages if any name is not one."""
    if names is not None:
        STAGES.check_known(names, also=(INGEST,))


def run_stages(report: Report, config: Config, models: ModelCache, *, deadline: float | None = None) -> Report:
    """Run every registered stage (or those in ``config.options.stages``) over an ingested report.

    Each stage is handed its own section of ``config`` and the ``models`` loaded so far.  A stage
    that fails with an unexpected error is recorded in ``report.errors`` and the rest of the
    pipeline still runs: one broken stage never sinks the whole report.
    """
    options = config.options
    wanted = options.stages
    check_stage_names(wanted)
    for name, fn in registered_stages().items():
        if wanted is not None and name not in wanted:
            continue
        if deadline is not None and time.monotonic() > deadline:
            raise OverBudget(f"the analysis took longer than its {options.time_budget:g} s budget", too_large=False)
        started = time.perf_counter()
        try:
            report = fn(report, Context(config.section(name), models))
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
    Options are the fields of :class:`factsift.options.Options`; those not given come from the
    environment or the configuration file (:mod:`factsift.config`).  The one-line convenience over
    :class:`factsift.analyser.Analyser`: the models it loads are kept by :data:`SHARED_MODELS`.
    Raises :class:`factsift.errors.InputError` for input that cannot be analysed.
    """
    config = config_at_edge(**options)
    return analyse_with(config, SHARED_MODELS, source, url=url, html=html, text=text)


#: The models :func:`analyse` loads, kept for its next calls (an :class:`~factsift.analyser.Analyser` keeps its own).
SHARED_MODELS = ModelCache()


def analyse_with(
    config: Config,
    models: ModelCache,
    source: str | None = None,
    *,
    url: str | None = None,
    html: str | bytes | None = None,
    text: str | bytes | None = None,
) -> Report:
    """Analyse one article under ``config`` with the ``models`` loaded so far (see :func:`analyse`)."""
    from factsift.ingest.stage import ingest

    opts = config.options
    check_stage_names(opts.stages)  # before any work: a misspelt stage is an error, never a silent skip
    started = time.perf_counter()
    deadline = time.monotonic() + opts.time_budget if opts.time_budget is not None else None
    if text is not None:
        _check_size(len(text), opts)  # plain text is refused before it is even cleaned
    report = ingest(source, url=url, html=html, text=text, options=opts)
    report.version = __version__
    report.timings_ms["ingest"] = round((time.perf_counter() - started) * 1000, 3)
    report.stages.append(INGEST)
    _check_size(len(report.article.text), opts)
    return run_stages(report, config, models, deadline=deadline)


def _check_size(length: int, options: Options) -> None:
    """Refuse an article text longer than the analysis's size budget."""
    if options.max_text_chars is not None and length > options.max_text_chars:
        raise OverBudget(
            f"the article text has {length:,} characters; this analysis takes at most {options.max_text_chars:,}",
            too_large=True,
        )
