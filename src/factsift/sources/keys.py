"""Keys that join a normalised address to table rows and outlet names to domains."""

from __future__ import annotations

import re
import unicodedata

from factsift.sources.domains import Host

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def table_key(host: Host) -> str:
    """The table key of an address: ``host`` or ``host/segment[/segment]`` for outlets on shared hosts."""
    return "/".join((host.host, *host.path))


def name_key(name: str) -> str:
    """An outlet name folded for matching: accents, case, spaces and punctuation removed.

    ``"True Pundit"``, ``"TRUE-PUNDIT"`` and ``"truepundit"`` all give ``"truepundit"``.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub("", folded.replace("&", "and"))
