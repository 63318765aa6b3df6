"""Deterministic dataset splits by hashing: the same item lands in the same bucket on every machine."""

from __future__ import annotations

import hashlib


def bucket(key: str, buckets: int = 100, *, salt: str = "") -> int:
    """The bucket (0 .. buckets-1) of ``key``: SHA-1 of ``salt:key`` (or of ``key`` alone), first 32 bits."""
    text = f"{salt}:{key}" if salt else key
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % buckets
