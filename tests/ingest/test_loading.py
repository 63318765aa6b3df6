from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from factsift.errors import InputError
from factsift.ingest.loading import decode_bytes, load_local, looks_like_html, read_file

PROSE = "Le conseil municipal a voté le budget du port mardi soir après un long débat. "


def test_utf8_and_bom() -> None:
    assert decode_bytes("Café ‘quotes’".encode()) == "Café ‘quotes’"
    assert decode_bytes(codecs.BOM_UTF8 + b"hello") == "hello"
    assert decode_bytes("hello wörld".encode("utf-16")) == "hello wörld"


def test_declared_and_meta_charsets() -> None:
    data = PROSE.encode("latin-1")
    assert decode_bytes(data, declared="iso-8859-1") == PROSE
    page = b'<html><head><meta charset="windows-1252"></head><body>' + "“smart” café".encode("cp1252")
    assert "“smart” café" in decode_bytes(page)


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = (PROSE * 20).encode("cp1252")
    assert decode_bytes(text) == PROSE * 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"abc\x00\x01\x02def" * 50, "binary"),
    ],
)
def test_bad_bytes_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_bytes(data)


def test_files_missing_directory_and_oversize(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.txt", max_bytes=100)
    with pytest.raises(InputError, match="directory"):
        read_file(tmp_path, max_bytes=100)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 101)
    with pytest.raises(InputError, match="larger than"):
        read_file(big, max_bytes=100)


def test_kind_detection_and_override(tmp_path: Path) -> None:
    assert looks_like_html("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert looks_like_html("<div><p>one</p><p>two</p></div>")
    assert not looks_like_html("A story about <b> tags in prose.\n\nSecond paragraph.")
    page = "<html><body><p>Body</p></body></html>"
    assert load_local(page, as_kind=None).is_html
    assert not load_local(page, as_kind="text").is_html
    assert load_local("Just words.", as_kind=None, path=tmp_path / "x.html").is_html
    assert not load_local("Just words <p> here.", as_kind=None, path=tmp_path / "x.txt").is_html


def test_control_characters_in_str_are_refused() -> None:
    with pytest.raises(InputError, match="control characters"):
        load_local("\x01\x02\x03\x04" * 20, as_kind=None)


def test_undeclared_cyrillic_is_not_forced_to_western() -> None:
    text = "Городской совет утвердил бюджет порта во вторник вечером после долгих дебатов. " * 20
    assert decode_bytes(text.encode("cp1251")) == text
