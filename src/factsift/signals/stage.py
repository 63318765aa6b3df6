"""The ``signals`` pipeline stage: run every signal, time each one, and survive any one failing."""

from __future__ import annotations

import logging
import time

from factsift.config import SignalsConfig
from factsift.context import Context
from factsift.model import Article, Report, Signal
from factsift.pipeline import stage
from factsift.signals.registry import SignalContext, SignalSpec, all_signals

log = logging.getLogger(__name__)


def run_signal(spec: SignalSpec, article: Article, context: SignalContext) -> Signal:
    """Run one signal; an unexpected error becomes ``Signal(score=0, error=...)`` instead of raising."""
    try:
        result = spec.fn(article, context)
    except Exception as exc:
        log.exception("signal %s failed", spec.name)
        return Signal(
            name=spec.name,
            score=0.0,
            explanation=f"This check could not run: {type(exc).__name__}.",
            error=f"{type(exc).__name__}: {exc}",
        )
    result.score = min(1.0, max(0.0, float(result.score)))
    return result


@stage("signals", requires=("article",), assigns=("signals",))
def signals_stage(report: Report, context: Context[SignalsConfig]) -> Report:
    """Fill ``report.signals`` with every registered signal, each handed its own section, timing each."""
    specs = all_signals()
    names = {spec.name for spec in specs}
    signals = [s for s in report.signals if s.name not in names]  # running twice replaces, never duplicates
    for spec in specs:
        started = time.perf_counter()
        signals.append(run_signal(spec, report.article, Context(context.config[spec.name], context.models)))
        report.timings_ms[f"signals.{spec.name}"] = round((time.perf_counter() - started) * 1000, 3)
    report.signals = signals
    return report
