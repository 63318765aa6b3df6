"""The artifact protocol: what a shipped model file and its class offer (format tag, save, load, shipped)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Protocol, Self, runtime_checkable


@runtime_checkable
class Artifact(Protocol):
    """A model as a file: a format tag written into it, ``save``/``load``, and the copy factsift ships."""

    FORMAT: ClassVar[str]

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (deterministic bytes for the same model)."""
        ...

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a file written by :meth:`save`; ValueError if it is another format."""
        ...

    @classmethod
    def shipped(cls) -> Self:
        """The model that ships with factsift (loaded once per process)."""
        ...
