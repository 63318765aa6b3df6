"""The registry of signals: each is a function ``(Article) -> Signal`` registered under a fixed name."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from factsift.model import Article, Signal

log = logging.getLogger(__name__)

SignalFn = Callable[[Article], Signal]

#: The signals, in the order the stage runs and the report shows them (names are fixed:
#: the risk stage reads ``report.signals`` by these names).
SIGNAL_MODULES: dict[str, str] = {
    "anonymous_sourcing": "factsift.signals.anonymous_sourcing",
    "clickbait_headline": "factsift.signals.clickbait_headline",
    "loaded_language": "factsift.signals.loaded_language",
    "missing_provenance": "factsift.signals.missing_provenance",
    "headline_body_mismatch": "factsift.signals.headline_body_mismatch",
}


@dataclass(frozen=True)
class SignalSpec:
    """A registered signal: its name, what it looks for (one sentence) and the function."""

    name: str
    description: str
    fn: SignalFn


_REGISTRY: dict[str, SignalSpec] = {}


def signal(name: str, description: str) -> Callable[[SignalFn], SignalFn]:
    """Register ``fn`` as the signal called ``name``; ``description`` is shown by ``factsift signals --list``."""

    def register(fn: SignalFn) -> SignalFn:
        _REGISTRY[name] = SignalSpec(name=name, description=description, fn=fn)
        return fn

    return register


def all_signals() -> list[SignalSpec]:
    """Every signal, imported on first use, in ``SIGNAL_MODULES`` order.

    A signal whose module fails to import is still listed, with a function that re-raises the
    import error, so the stage records it as that signal's error instead of failing as a whole.
    """
    specs: list[SignalSpec] = []
    for name, module in SIGNAL_MODULES.items():
        try:
            importlib.import_module(module)
        except Exception as exc:
            log.exception("signal module %s failed to import", module)
            specs.append(SignalSpec(name=name, description="(failed to load)", fn=_raiser(exc)))
            continue
        if name in _REGISTRY:
            specs.append(_REGISTRY[name])
    return specs


def _raiser(exc: Exception) -> SignalFn:
    def fail(article: Article) -> Signal:
        raise exc

    return fail


def get_signal(name: str) -> SignalSpec:
    """The signal called ``name`` (KeyError if there is none)."""
    if name in SIGNAL_MODULES:
        importlib.import_module(SIGNAL_MODULES[name])
    return _REGISTRY[name]
