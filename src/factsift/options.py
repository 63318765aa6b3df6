"""Options that steer one analysis; ``analyse(**options)`` builds one of these."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from factsift.errors import InputError

#: Where a store is: a URL (``sqlite:///file.db``, another registered backend's scheme) or a file path.
StoreUrl = str | Path

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FETCH_BYTES = 5 * 1024 * 1024


@dataclass
class Options:
    """Settings for one analysis.  Unknown names are an error, so typos never pass silently."""

    as_kind: Literal["html", "text"] | None = None
    allow_private: bool = False
    fetch_timeout: float = 15.0
    max_fetch_bytes: int = MAX_FETCH_BYTES
    max_file_bytes: int = MAX_FILE_BYTES
    user_agent: str = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 factsift/0.1"
    )
    stages: list[str] | None = None
    ratings: Path | None = None
    db: StoreUrl | None = None
    embeddings: bool | str = True
    claims_model: Path | None = None
    #: A risk model file of your own (from ``factsift train risk``); None: the shipped one.
    risk_model: Path | None = None
    fast: bool = False
    #: The share of misinformation in the feed being analysed, if known (e.g. from ``factsift risk base-rate``):
    #: the risk score is moved from the model's assumed base rate to this one.  None keeps the model's.
    base_rate: float | None = None
    #: A calibration fitted on labelled articles of the feed (``factsift risk calibrate``), applied to the risk score.
    calibration: Path | None = None
    #: Budget of one analysis (None: unlimited): the article text's length in characters after ingest,
    #: and the seconds it may take (checked between stages).  ``factsift serve`` sets both.
    max_text_chars: int | None = None
    time_budget: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """Build options from keyword arguments, rejecting names that do not exist."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(unknown)}")
        return cls(**kwargs)

    def __post_init__(self) -> None:
        if self.base_rate is not None:
            valid = isinstance(self.base_rate, int | float) and not isinstance(self.base_rate, bool)
            if not valid or not 0.0 < float(self.base_rate) < 1.0:
                raise InputError(f"base rate must be a number strictly between 0 and 1, got {self.base_rate!r}")
        if self.calibration is not None:
            if self.base_rate is not None:
                raise InputError("give a base rate or a feed calibration, not both (the calibration sets the rate)")
            from factsift.scoring.feedcalibration import read_calibration

            read_calibration(Path(self.calibration))  # a missing or malformed file fails before any work


def default_store() -> StoreUrl:
    """The store of fact-checks, analyses and watch state: ``$FACTSIFT_DB`` (a path or a URL such as
    ``postgresql://user@host/factsift``), else the SQLite file in the user data dir.  Read at the edge
    (the CLI, the server's settings), which hands the result on."""
    configured = os.environ.get("FACTSIFT_DB")
    if configured and "://" in configured:
        return configured
    return default_db_path()


def default_db_path() -> Path:
    """The SQLite store (fact-checks and saved analyses): ``$FACTSIFT_DB``, else the user data dir."""
    configured = os.environ.get("FACTSIFT_DB")
    if configured:
        return Path(configured).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "factsift" / "factsift.db"
