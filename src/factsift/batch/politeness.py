"""Politeness for URL inputs: at most N requests in flight per host, with a pause after each.

A slot of a host is held while the page is fetched (and analysed), then for ``delay`` more
seconds, so one host sees at most ``limit`` concurrent requests and each slot's next request
starts at least ``delay`` seconds after its previous one ended — across every worker, not per worker.
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
    """Per-host limits: ``limit`` concurrent requests, and a ``delay``-second pause after each one."""

    limit: int = 2
    delay: float = 1.0


@dataclass(frozen=True)
class FileHostGate:
    """Per-host slots shared by the processes of one machine through ``flock``-ed files."""

    directory: str
    rules: Politeness = Politeness()

    @contextmanager
    def hold(self, host: str) -> Iterator[None]:
        """Wait for a free slot of ``host``, yield while fetching, then keep the slot ``delay`` seconds more."""
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
            try:
                yield
            finally:
                time.sleep(self.rules.delay)
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
        """Take a lease on the host's cluster-wide semaphore for the fetch plus the pause after it."""
        from distributed import Semaphore

        name = f"factsift-host-{host}"
        semaphore = _SEMAPHORES.get(name)
        if semaphore is None:
            semaphore = _SEMAPHORES[name] = Semaphore(max_leases=self.rules.limit, name=name)  # type: ignore[no-untyped-call]
        semaphore.acquire()
        try:
            yield
        finally:
            time.sleep(self.rules.delay)
            semaphore.release()


HostGate = FileHostGate | DaskHostGate
