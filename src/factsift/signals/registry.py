"""The registry of signals (warning signs in the writing): each is a function ``(Article, SignalContext) -> Signal``.

The context holds the signal's own section of the configuration (``[signals.NAME]``: a calibration
file, a model file, other settings) and its analyser's loaded models.

A signal registers with ``@signal(name, description, calibrated=..., risk_feature=...)``; factsift's
own are listed in :data:`factsift.plugins.BUILTIN_MODULES`, an installed package adds its own through
the ``factsift.plugins`` entry-point group.  The signals stage runs every registered signal, and the
risk model's evidence features are read from here (:func:`risk_signal_names`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from factsift.config import SignalConfig
from factsift.context import Context
from factsift.model import Article, Signal
from factsift.plugins import Registry

#: What a signal is handed besides the article: its section and its analyser's models.
SignalContext = Context[SignalConfig]
SignalFn = Callable[[Article, SignalContext], Signal]


@dataclass(frozen=True)
class SignalSpec:
    """A registered signal: its name, what it looks for (one sentence), the function, and how it is used.

    ``calibrated``: its score is measured against real news (a percentile of a calibration set) or by a
    calibrated model, rather than a hand-set scale.  ``risk_feature``: the risk model reads its score.
    """

    name: str
    description: str
    fn: SignalFn
    calibrated: bool = False
    risk_feature: bool = True


SIGNALS: Registry[SignalSpec] = Registry("signal")


def signal(
    name: str, description: str, *, calibrated: bool = False, risk_feature: bool = True
) -> Callable[[SignalFn], SignalFn]:
    """Register ``fn`` as the signal called ``name``; ``description`` is shown by ``factsift signals --list``."""

    def register(fn: SignalFn) -> SignalFn:
        spec = SignalSpec(name, description, fn, calibrated=calibrated, risk_feature=risk_feature)
        SIGNALS.add(name, spec, fn.__module__)
        return fn

    return register


def all_signals() -> list[SignalSpec]:
    """Every registered signal, factsift's own first, in the order the stage runs and the report shows them."""
    return list(SIGNALS.items().values())


def get_signal(name: str) -> SignalSpec:
    """The signal called ``name`` (:class:`~factsift.plugins.UnknownPluginError`, a KeyError, if there is none)."""
    return SIGNALS.get(name)


def risk_signal_names() -> tuple[str, ...]:
    """The names of the signals the risk model reads, in registration order."""
    return tuple(spec.name for spec in all_signals() if spec.risk_feature)
