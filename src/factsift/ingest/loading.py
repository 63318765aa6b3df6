"""Turn what the user gave (URL, path, stdin, str or bytes) into decoded text of a known kind.

Bad input fails here, early, with one clear :class:`InputError`: empty, binary, too large,
undecodable.  Nothing is written anywhere.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import select
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import ftfy
from charset_normalizer import from_bytes

from factsift.errors import InputError

#: Seconds a named pipe given as input may stay silent before it is refused (instead of hanging).
FIFO_WAIT_SECONDS = 10.0
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}

_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"RIFF": "a media file",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]")
_HTML_SNIFF = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.I | re.S)
_HTML_TAGS = re.compile(r"</?(?:p|div|span|a|article|section|h[1-6]|br|body|head|meta)\b[^>]*>", re.I)


@dataclass
class LoadedInput:
    """Decoded input text, whether it is HTML, and where it came from."""

    content: str
    is_html: bool
    path: str | None = None


def describe_binary(data: bytes) -> str | None:
    """Name the kind of binary file ``data`` looks like, or None if it looks like text."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "a binary file"
    return None


def _control_ratio(text: str) -> float:
    """Share of control, private-use and surrogate characters: high for binary data."""
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def _clean_text(text: str) -> str | None:
    """``text`` if it has (almost) no control characters, after repairing mojibake if needed; else None.

    UTF-8 read as Latin-1 or Windows-1252 (``â€™`` for ``’``) brings C1 control characters with it;
    ftfy undoes exactly that (``fix_encoding`` only: quotes, widths and the rest stay as written),
    so only text that stays full of control characters after the repair is refused as binary.
    """
    if _control_ratio(text) < 0.01:
        return text
    repaired = ftfy.fix_encoding(text)
    return repaired if _control_ratio(repaired) < 0.01 else None


def _detect_encoding(data: bytes) -> str | None:
    """charset-normalizer's guess; among equally clean guesses prefer windows-1252, the web's default."""
    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return None
    cleanest = min(match.chaos for match in matches)
    tied = [match.encoding for match in matches if match.chaos <= cleanest + 0.01]
    return "cp1252" if "cp1252" in tied else tied[0]


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode page bytes: BOM, then the declared charset, then UTF-8, then detection.

    Raises InputError for binary data or bytes no encoding explains.
    """
    if not data.strip():
        raise InputError("the input is empty")
    binary = describe_binary(data)
    if binary:
        raise InputError(f"the input is not text: it looks like {binary}")
    candidates: list[str] = []
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            candidates.append(name)
    if declared:
        candidates.append(declared)
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            clean = _clean_text(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
        if clean is not None:
            return clean
    detected = _detect_encoding(data)
    if detected:
        try:
            clean = _clean_text(data.decode(detected))
        except (UnicodeDecodeError, LookupError):
            clean = None
        if clean:
            return clean
    raise InputError("could not decode the input: it is neither UTF-8 nor in its declared or a detectable encoding")


def looks_like_html(text: str) -> bool:
    """True when text is an HTML document or fragment rather than plain prose."""
    if _HTML_SNIFF.match(text[:2048]):
        return True
    return len(_HTML_TAGS.findall(text[:20000])) >= 3


def _read_limited(stream: BinaryIO, limit: int, what: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{what} is larger than the {limit // (1024 * 1024)} MB limit")
    return data


def open_input(path: Path) -> io.BufferedReader:
    """Open ``path`` for reading; a named pipe (FIFO) must start giving data within ``FIFO_WAIT_SECONDS``.

    Opening a FIFO that nobody writes to blocks forever, so it is opened without blocking and
    refused with InputError when no writer has sent anything in time.
    """
    if not stat.S_ISFIFO(path.stat().st_mode):
        return path.open("rb")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        ready, _, _ = select.select([descriptor], [], [], FIFO_WAIT_SECONDS)
        if not ready:
            raise InputError(f"{path} is a named pipe that nothing wrote to within {FIFO_WAIT_SECONDS:g} s")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """Read a file's bytes, refusing missing files, directories and files over ``max_bytes``."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is larger than the {max_bytes // (1024 * 1024)} MB limit")
        with open_input(path) as handle:
            return _read_limited(handle, max_bytes, str(path))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_stdin(*, max_bytes: int) -> bytes:
    """Read all of stdin (bounded by ``max_bytes``); a closed or write-only stdin is an InputError."""
    if sys.stdin is None:
        raise InputError("standard input is closed: there is nothing to read")
    try:
        return _read_limited(sys.stdin.buffer, max_bytes, "standard input")
    except OSError as exc:
        raise InputError(f"cannot read standard input: {exc.strerror or exc}") from exc


def load_local(
    data: bytes | str,
    *,
    as_kind: Literal["html", "text"] | None,
    path: Path | None = None,
    declared: str | None = None,
) -> LoadedInput:
    """Decode local content and decide whether it is HTML or text (``as_kind`` overrides)."""
    text = data if isinstance(data, str) else decode_bytes(data, declared=declared)
    if not text.strip():
        raise InputError("the input is empty")
    if isinstance(data, str):
        clean = _clean_text(text)
        if clean is None:
            raise InputError("the input is not text: it is full of control characters")
        text = clean
    if as_kind is not None:
        is_html = as_kind == "html"
    elif path is not None and path.suffix.lower() in HTML_SUFFIXES:
        is_html = True
    elif path is not None and path.suffix.lower() in TEXT_SUFFIXES:
        is_html = looks_like_html(text) and bool(_HTML_SNIFF.match(text[:2048]))
    else:
        is_html = looks_like_html(text)
    return LoadedInput(content=text, is_html=is_html, path=str(path) if path else None)
