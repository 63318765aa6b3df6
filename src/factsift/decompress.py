"""Bounded gzip decompression: compressed input is inflated in a stream and refused past a limit.

A few hundred kilobytes of gzip can inflate to gigabytes (a "gzip bomb"), so no input is ever
inflated with ``gzip.decompress``: it is read chunk by chunk and the read stops one byte past the limit.
"""

from __future__ import annotations

import zlib
from typing import Protocol

from factsift.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


class Readable(Protocol):
    """Anything with ``read(n)`` returning bytes: a file, a ``GzipFile``, a socket file."""

    def read(self, size: int = -1, /) -> bytes: ...


def read_bounded(stream: Readable, *, limit: int, what: str) -> bytes:
    """All of ``stream`` (a plain or decompressing reader), refused with InputError once past ``limit`` bytes."""
    out = bytearray()
    try:
        while chunk := stream.read(min(_CHUNK, limit + 1 - len(out))):
            out += chunk
            if len(out) > limit:
                raise InputError(f"{what} is larger than the {limit / (1024 * 1024):g} MB limit once decompressed")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{what}: not a readable gzip file ({exc})") from exc
    return bytes(out)
