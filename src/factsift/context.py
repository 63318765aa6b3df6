"""What a stage or signal is handed: its own configuration section and the models its analyser has loaded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

S = TypeVar("S")
T = TypeVar("T")


@dataclass
class ModelCache:
    """The models one :class:`~factsift.analyser.Analyser` has loaded, each once, by what and where from."""

    _models: dict[Hashable, object] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The model under ``key`` (e.g. ``("clickbait", path)``), loading it with ``load`` the first time."""
        with self._lock:
            if key not in self._models:
                self._models[key] = load()
            return cast(T, self._models[key])

    def __len__(self) -> int:
        """How many models are loaded."""
        return len(self._models)


@dataclass(frozen=True)
class Context(Generic[S]):
    """A stage's or signal's own configuration section (``config``) and its analyser's loaded models."""

    config: S
    models: ModelCache
