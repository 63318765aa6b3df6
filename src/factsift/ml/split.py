"""Deterministic dataset splits by hashing: the same item lands in the same bucket on every machine."""

from __future__ import annotations

import hashlib
from typing import Literal

#: The hash a dataset's split was first drawn with (kept per dataset so that no shipped split ever moves):
#: ``sha1`` (first 32 bits), ``sha256`` (first 64 bits) or ``blake2b-64`` (BLAKE2b with an 8-byte digest).
Digest = Literal["sha1", "sha256", "blake2b-64"]
_BYTES: dict[str, int] = {"sha1": 4, "sha256": 8, "blake2b-64": 8}


def bucket(key: str, buckets: int = 100, *, salt: str = "", digest: Digest = "sha1") -> int:
    """The bucket (0 .. buckets-1) of ``key``: the big-endian leading bytes of the hash of ``salt:key`` (or of
    ``key`` alone) modulo ``buckets``."""
    data = (f"{salt}:{key}" if salt else key).encode("utf-8")
    raw = (
        hashlib.blake2b(data, digest_size=8).digest() if digest == "blake2b-64" else hashlib.new(digest, data).digest()
    )
    return int.from_bytes(raw[: _BYTES[digest]], "big") % buckets


def position(key: str) -> float:
    """Where ``key`` falls in [0, 1): its SHA-1 bucket among 2^32, for splits given as shares."""
    return bucket(key, 1 << 32) / (1 << 32)
