"""Stance of a text towards a claim: agree, disagree, discuss or unrelated, with the passage that decides it.

``predict_stance(pairs)`` scores (claim, text) pairs in one batch with the shipped model (loaded once,
on first use; numpy only). Scores are calibrated probabilities; downstream decisions should act on
"disagree" or "agree" only when its score reaches :data:`DISAGREE_THRESHOLD` or :data:`AGREE_THRESHOLD`
(the lowest scores at which the calibration split's precision was at least 0.8; see docs/stance.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from factsift.vocabulary import StanceLabel

if TYPE_CHECKING:
    from factsift.stance.model import LABELS, StanceModel, StanceResult

__all__ = [
    "AGREE_THRESHOLD",
    "DISAGREE_THRESHOLD",
    "LABELS",
    "StanceLabel",
    "StanceModel",
    "StanceResult",
    "predict_stance",
    "shipped_model",
]

#: Act on a "disagree" only at or above this calibrated score (precision >= 0.8 on the calibration split).
DISAGREE_THRESHOLD = 0.476
#: Act on an "agree" only at or above this calibrated score (precision >= 0.8 on the calibration split).
AGREE_THRESHOLD = 0.83


def __getattr__(name: str) -> Any:
    """The model's names, imported on first use: ``factsift --help`` and the CLI load no numpy."""
    if name in ("LABELS", "StanceModel", "StanceResult"):
        from factsift.stance import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def shipped_model() -> StanceModel:
    """The model shipped in ``factsift/stance/data`` (read once)."""
    from factsift.stance.model import StanceModel

    return StanceModel.load()


def predict_stance(pairs: Sequence[tuple[str, str]]) -> list[StanceResult]:
    """The stance of each (claim, text) pair's text towards its claim, in input order."""
    return shipped_model().predict(pairs)
