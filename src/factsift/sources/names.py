"""Map an outlet's name, as an article calls itself ("True Pundit"), to the domain the table rates.

Names come, most trusted first, from: the user's ratings file (``name`` column), the curated
outlet list, the site names on the Iffy+ list, and finally the domain itself (``truepundit.com``
is known as "truepundit", "True Pundit", "TruePundit.com").  A name that points at two different
domains at the same level is ambiguous and matches nothing: no guessing.
"""

from __future__ import annotations

from factsift.sources.domains import MalformedDomain, parse_host, registrable_domain
from factsift.sources.keys import name_key, table_key
from factsift.sources.table import SHIPPED, RatingsTable

_MIN_KEY = 2
#: "The X" is also indexed as "X" only when "X" is this long (so "The Daily" does not claim "daily").
_MIN_STRIPPED = 6


def _variants(name: str) -> set[str]:
    """Index keys for a name: itself, and without a leading "The" when what is left is long enough."""
    key = name_key(name)
    keys = {key}
    if key.startswith("the") and len(key) - 3 >= _MIN_STRIPPED:
        keys.add(key[3:])
    return {k for k in keys if len(k) >= _MIN_KEY}


def _add_level(index: dict[str, str], level: list[tuple[str, str]]) -> None:
    """Add one trust level of (name, domain) pairs; keys already set by a higher level stay."""
    seen: dict[str, set[str]] = {}
    for name, domain in level:
        for key in _variants(name):
            seen.setdefault(key, set()).add(domain)
    for key, domains in seen.items():
        if key in index:
            continue
        index[key] = next(iter(domains)) if len(domains) == 1 else ""  # "" marks an ambiguous name


def _domain_names(domain: str) -> list[str]:
    """Names a registrable domain is known by: its label and the whole domain."""
    if "/" in domain or registrable_domain(domain) != domain:
        return []
    label = domain.split(".", 1)[0]
    return [label, domain]


def build_index(table: RatingsTable) -> dict[str, str]:
    """``name key → domain`` for every outlet the table can name (ambiguous keys map to ``""``)."""
    index: dict[str, str] = {}
    user = [(e.name, key) for key, e in table.entries.items() if e.table != SHIPPED and e.name]
    _add_level(index, user)
    curated = [(name, domain) for domain, names in table.alt_names.items() for name in names]
    _add_level(index, curated)
    shipped = [e if e.table == SHIPPED else e.shipped for e in table.entries.values()]
    iffy = [(e.name, e.domain) for e in shipped if e is not None and e.name]
    _add_level(index, iffy)
    from_domains = [(name, key) for key in table.entries for name in _domain_names(key)]
    _add_level(index, from_domains)
    return index


def name_index(table: RatingsTable) -> dict[str, str]:
    """The name index of ``table``, built on first use and kept with the table."""
    if table.name_index is None:
        table.name_index = build_index(table)
    return table.name_index


def domain_for_name(table: RatingsTable, name: str) -> str | None:
    """The domain an outlet name refers to, or ``None`` when unknown or ambiguous."""
    stripped = name.strip()
    if "." in stripped and " " not in stripped:
        try:
            key = table_key(parse_host(stripped))
        except MalformedDomain:
            key = ""
        if key in table.entries:
            return key
    return name_index(table).get(name_key(stripped)) or None
