"""The registry of signals: each is a function ``(Article) -> Signal`` registered under a fixed name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from factsift.model import Article, Signal

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
    """Every signal, imported on first use, in ``SIGNAL_MODULES`` order."""
    for module in SIGNAL_MODULES.values():
        importlib.import_module(module)
    return [_REGISTRY[name] for name in SIGNAL_MODULES if name in _REGISTRY]


def get_signal(name: str) -> SignalSpec:
    """The signal called ``name`` (KeyError if there is none)."""
    if name in SIGNAL_MODULES:
        importlib.import_module(SIGNAL_MODULES[name])
    return _REGISTRY[name]
