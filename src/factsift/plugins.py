"""One way to plug into factsift: a registry per kind of plugin, filled by decorators and entry points.

Every kind (pipeline stages, warning signs, CLI commands, report sections, rating tables, storage
backends) is a :class:`Registry`.  factsift's own modules register with the kind's decorator
(``@stage``, ``@signal``, …) and are listed in :data:`BUILTIN_MODULES`; an installed package adds
its own by naming a module in the ``factsift.plugins`` entry-point group, for example in its
``pyproject.toml``::

    [project.entry-points."factsift.plugins"]
    my_plugin = "my_package.factsift_plugin"

Importing that module runs its decorators.  Nothing is ever skipped silently: a listed module that
cannot be imported, a name registered twice and an unknown name each raise :class:`PluginError`.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from factsift.errors import FactsiftError

log = logging.getLogger(__name__)

#: The entry-point group an installed package names its plugin modules in.
ENTRY_POINT_GROUP = "factsift.plugins"

#: factsift's own plugin modules, by kind, in the order they register (which is the order shown).
BUILTIN_MODULES: dict[str, tuple[str, ...]] = {
    "stage": (
        "factsift.sources.stage",
        "factsift.claims.stage",
        "factsift.factchecks.stage",
        "factsift.signals.stage",
        "factsift.coverage.stage",
        "factsift.scoring.stage",
    ),
    "signal": (
        "factsift.signals.anonymous_sourcing",
        "factsift.signals.clickbait_headline",
        "factsift.signals.loaded_language",
        "factsift.signals.missing_provenance",
        "factsift.signals.headline_body_mismatch",
    ),
    "command": (
        "factsift.cli.check",
        "factsift.sources.cli",
        "factsift.claims.cli",
        "factsift.factchecks.cli",
        "factsift.signals.cli",
        "factsift.scoring.cli",
        "factsift.web.cli",
        "factsift.batch.cli",
        "factsift.watch.cli",
        "factsift.stance.cli",
        "factsift.database.cli",
        "factsift.archive.cli",
        "factsift.coverage.cli",
    ),
    "section": (
        "factsift.scoring.render",
        "factsift.sources.render",
        "factsift.claims.render",
        "factsift.factchecks.render",
        "factsift.signals.render",
        "factsift.coverage.render",
    ),
    "rating table": ("factsift.sources.table",),
    "store backend": ("factsift.factchecks.sqlite_store", "factsift.factchecks.pg_store"),
    "analyses backend": ("factsift.web.store", "factsift.web.pg_store"),
    "watch backend": ("factsift.watch.store", "factsift.watch.pg_store"),
    "archive backend": ("factsift.archive.sqlite_store", "factsift.archive.pg_store"),
}


class PluginError(FactsiftError):
    """A plugin could not be loaded, was registered twice, or was asked for by a name nobody registered."""


class UnknownPluginError(PluginError, KeyError):
    """A name no plugin of that kind registered (the message lists the known names)."""

    def __str__(self) -> str:
        return str(self.args[0])


T = TypeVar("T")


@dataclass
class Registry(Generic[T]):
    """The plugins of one kind, by name (factsift's own first, then installed ones)."""

    kind: str
    _items: dict[str, T] = field(default_factory=dict)
    _origins: dict[str, str] = field(default_factory=dict)
    _loaded: bool = False
    _loading: bool = False

    def add(self, name: str, item: T, origin: str) -> T:
        """Register ``item`` as ``name``; ``origin`` (its module) may re-register it, anyone else may not."""
        if not name or not name.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise PluginError(f"{self.kind} name {name!r}: use letters, digits, '_', '-' and '.' only")
        previous = self._origins.get(name)
        if previous is not None and previous != origin:
            raise PluginError(f"{self.kind} {name!r} is registered twice: by {previous} and by {origin}")
        self._items[name] = item
        self._origins[name] = origin
        return item

    def decorator(self, name: str) -> Callable[[T], T]:
        """A decorator registering the decorated function itself as ``name`` (for kinds whose plugin is a function)."""

        def register(fn: T) -> T:
            return self.add(name, fn, getattr(fn, "__module__", "?"))

        return register

    def remove(self, name: str) -> None:
        """Forget ``name`` (for tests and for a plugin that replaces itself)."""
        self._items.pop(name, None)
        self._origins.pop(name, None)

    def load(self) -> None:
        """Import factsift's own modules of this kind and every installed plugin module (once)."""
        if self._loaded:
            return
        with _ENTRY_POINTS_LOCK:  # another thread asking meanwhile waits for the whole registry
            if self._loaded or self._loading:  # loading: a module this thread imports asks the registry
                return
            self._loading = True
            try:
                for module in BUILTIN_MODULES.get(self.kind, ()):
                    import_plugin_module(module, f"factsift's {self.kind} module")
                load_entry_points()
                self._loaded = True
            finally:
                self._loading = False

    def items(self) -> dict[str, T]:
        """Every registered plugin of this kind by name: factsift's own in :data:`BUILTIN_MODULES` order
        (whichever was imported first), then the others in registration order."""
        self.load()
        builtin = BUILTIN_MODULES.get(self.kind, ())
        rank = {module: i for i, module in enumerate(builtin)}
        names = sorted(self._items, key=lambda name: rank.get(self._origins[name], len(builtin)))
        return {name: self._items[name] for name in names}

    def names(self) -> list[str]:
        """The registered names, in registration order."""
        return list(self.items())

    def get(self, name: str) -> T:
        """The plugin called ``name``; :class:`UnknownPluginError` naming the known ones if there is none."""
        items = self.items()
        if name not in items:
            raise UnknownPluginError(f"unknown {self.kind} {name!r}; known: {', '.join(items) or '(none)'}")
        return items[name]

    def check_known(self, names: Iterable[str], *, also: Iterable[str] = ()) -> None:
        """Raise :class:`UnknownPluginError` if any of ``names`` is neither registered nor in ``also``."""
        known = [*also, *self.items()]
        unknown = [n for n in names if n not in known]
        if unknown:
            plural = "s" if len(unknown) > 1 else ""
            raise UnknownPluginError(
                f"unknown {self.kind}{plural} {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
            )


def import_plugin_module(module: str, what: str) -> None:
    """Import ``module`` (which registers plugins); any failure is a :class:`PluginError` saying which and why."""
    try:
        importlib.import_module(module)
    except Exception as exc:
        raise PluginError(f"{what} {module} could not be imported: {type(exc).__name__}: {exc}") from exc


_ENTRY_POINTS_LOCK = threading.RLock()  # re-entrant: a plugin module may ask a registry while it loads
_LOADED_ENTRY_POINTS: set[str] = set()
_SCANNED = False


def load_entry_points(*, rescan: bool = False) -> list[str]:
    """Import the modules named in the ``factsift.plugins`` entry-point group not imported yet; their names.

    The installed distributions are scanned once per process (a scan takes tens of milliseconds);
    ``rescan=True`` looks again, for a distribution installed since.
    """
    global _SCANNED
    loaded: list[str] = []
    with _ENTRY_POINTS_LOCK:
        if _SCANNED and not rescan:
            return loaded
        for point in entry_points(group=ENTRY_POINT_GROUP):
            if point.value in _LOADED_ENTRY_POINTS:
                continue
            dist = point.dist.name if point.dist is not None else "an unknown distribution"
            import_plugin_module(point.value, f"plugin {point.name!r} of {dist}:")
            _LOADED_ENTRY_POINTS.add(point.value)
            loaded.append(point.value)
            log.info("loaded factsift plugin %s (%s)", point.name, point.value)
        _SCANNED = True  # only once every plugin imported: a broken one keeps raising, never skipped
    return loaded
