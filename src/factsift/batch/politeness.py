"""Politeness for URL inputs: at most N requests in flight per host, each slot held ≥ a delay.

A slot of a host is held while the page is fetched and analysed, and for at least ``delay``
seconds from when it was taken, so one host sees at most ``limit`` concurrent requests and at
most ``limit`` request starts per ``delay`` seconds — across every worker, not per worker.
Local runs share slots through lock files (released by the OS if a worker dies); Dask runs use
the cluster's named semaphores.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Politeness:
    """Per-host limits: ``limit`` concurrent requests, each slot held at least ``delay`` seconds."""

    limit: int = 2
    delay: float = 1.0


def _hold_at_least(started: float, delay: float) -> None:
    remaining = started + delay - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


@dataclass(frozen=True)
class FileHostGate:
    """Per-host slots shared by the processes of one machine through ``flock``-ed files."""

    directory: str
    rules: Politeness = Politeness()

    @contextmanager
    def hold(self, host: str) -> Iterator[None]:
        """Wait for a free slot of ``host``, yield while fetching, then keep it until the delay has passed."""
        folder = Path(self.directory)
        folder.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha1(host.encode("utf-8")).hexdigest()[:16]
        handles = [
            os.open(folder / f"{key}.{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600) for slot in range(self.rules.limit)
        ]
        taken: int | None = None
        try:
            while taken is None:
                for handle in handles:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue
                    taken = handle
                    break
                else:
                    time.sleep(0.02)
            started = time.monotonic()
            try:
                yield
            finally:
                _hold_at_least(started, self.rules.delay)
                fcntl.flock(taken, fcntl.LOCK_UN)
        finally:
            for handle in handles:
                os.close(handle)


_SEMAPHORES: dict[str, Any] = {}


@dataclass(frozen=True)
class DaskHostGate:
    """Per-host slots shared by every worker of a Dask cluster (``distributed.Semaphore``)."""

    rules: Politeness = Politeness()

    @contextmanager
    def hold(self, host: str) -> Iterator[None]:
        """Take a lease on the host's cluster-wide semaphore for the fetch plus the politeness delay."""
        from distributed import Semaphore

        name = f"factsift-host-{host}"
        semaphore = _SEMAPHORES.get(name)
        if semaphore is None:
            semaphore = _SEMAPHORES[name] = Semaphore(max_leases=self.rules.limit, name=name)  # type: ignore[no-untyped-call]
        semaphore.acquire()
        started = time.monotonic()
        try:
            yield
        finally:
            _hold_at_least(started, self.rules.delay)
            semaphore.release()


HostGate = FileHostGate | DaskHostGate
