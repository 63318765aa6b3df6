"""Mojibake (UTF-8 read as Latin-1/Windows-1252) is repaired; only really binary input is refused."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from factsift.errors import InputError
from factsift.ingest.loading import decode_bytes, load_local

ROOT = Path(__file__).resolve().parents[2]
WEBIS = ROOT.parent / "shared" / "data" / "articles" / "buzzfeed_webis_2016" / "articles"
CLEAN = "Donald Trump (sort of) dropped the ‘birther’ issue — there’s no “deal” here. " * 20


def mojibake(text: str) -> str:
    """``text`` as it looks after its UTF-8 bytes were read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


def test_double_encoded_bytes_are_repaired() -> None:
    assert decode_bytes(mojibake(CLEAN).encode("utf-8")) == CLEAN


def test_mojibake_text_is_repaired() -> None:
    loaded = load_local(mojibake(CLEAN), as_kind="text")
    assert loaded.content == CLEAN


def test_a_real_article_with_mojibake_is_analysable() -> None:
    loaded = load_local((WEBIS / "0144.xml").read_bytes(), as_kind="text")
    assert "the ‘birther’ issue" in loaded.content and "â\x80" not in loaded.content


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_binary_without_nul_bytes_is_still_refused(seed: int) -> None:
    noise = random.Random(seed).randbytes(20_000).replace(b"\x00", b"\x01")
    with pytest.raises(InputError):
        load_local(noise, as_kind="text")
    with pytest.raises(InputError, match="control characters"):
        load_local(noise.decode("latin-1"), as_kind="text")
