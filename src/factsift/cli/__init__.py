"""The ``factsift`` command line: a thin layer over :func:`factsift.analyse`.

Each concern adds its own subcommands with a function ``(commands: Commands) -> None`` registered by
``@cli_commands(name)`` (factsift's own modules are listed in :data:`factsift.plugins.BUILTIN_MODULES`;
an installed plugin registers the same way).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factsift import __version__
from factsift.config import CONFIG_ENV
from factsift.errors import FactsiftError
from factsift.plugins import PluginError, Registry

Handler = Callable[[argparse.Namespace], int]


@dataclass
class Commands:
    """Where command modules add their subcommands (``train`` holds the ``factsift train X`` ones)."""

    subparsers: Any
    train: Any

    def add(self, name: str, handler: Handler, **kwargs: Any) -> argparse.ArgumentParser:
        """Add ``factsift NAME`` handled by ``handler(args) -> exit code``; its ``--help`` says ``help`` unless a
        longer ``description`` is given."""
        parser: argparse.ArgumentParser = self.subparsers.add_parser(name, **_described(kwargs))
        parser.set_defaults(handler=handler)
        return parser

    def add_training(
        self,
        name: str,
        handler: Handler,
        *,
        data: str | None = None,
        out: tuple[Path | None, str] | None = None,
        **kwargs: Any,
    ) -> argparse.ArgumentParser:
        """Add ``factsift train NAME``: ``data`` is the help of its required ``--data DIR``, ``out`` the default
        and help of its ``--out`` (every trainer reads a folder and writes a model file)."""
        parser: argparse.ArgumentParser = self.train.add_parser(name, **_described(kwargs))
        parser.set_defaults(handler=handler)
        if data is not None:
            parser.add_argument("--data", type=Path, required=True, help=data)
        if out is not None:
            parser.add_argument("--out", type=Path, default=out[0], help=out[1])
        return parser


def _described(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``add_parser`` keywords with the ``description`` defaulting to the ``help`` line, as a sentence."""
    given = kwargs.get("help")
    if "description" in kwargs or not given:
        return kwargs
    return {**kwargs, "description": f"{given[0].upper()}{given[1:]}."}


AddCommands = Callable[[Commands], None]
COMMANDS: Registry[AddCommands] = Registry("command")


def cli_commands(name: str) -> Callable[[AddCommands], AddCommands]:
    """Register ``fn(commands)``, which adds a group of subcommands called ``name``, to the command line."""
    return COMMANDS.decorator(name)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="factsift", description="Offline news credibility analyser: evidence first, verdict second."
    )
    parser.add_argument("--version", action="version", version=f"factsift {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    parser.add_argument(
        "--config",
        dest="settings_file",  # not ``config``: ``factsift watch --config`` names the watch list's own file
        type=existing_file,
        metavar="FILE",
        help="settings file (default: ./factsift.toml if present)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    train_parser = subparsers.add_parser("train", help="retrain a shipped model on your own data")
    train = train_parser.add_subparsers(dest="model", metavar="MODEL")
    train_parser.set_defaults(handler=lambda args: usage(train_parser))
    commands = Commands(subparsers=subparsers, train=train)
    for name, add_commands in COMMANDS.items().items():
        try:
            add_commands(commands)
        except argparse.ArgumentError as exc:
            raise PluginError(f"command plugin {name!r}: {exc}") from exc
    return parser


def usage(parser: argparse.ArgumentParser) -> int:
    """Print a command's help to stderr and return exit code 2 (for a command group run without a subcommand)."""
    parser.print_help(sys.stderr)
    return 2


#: Exit codes: bad input or usage (the user can fix the command), and a failure of the machine
#: around it (the store is damaged, read-only or full; the output cannot be written).
EXIT_INPUT = 2
EXIT_ENVIRONMENT = 1
#: Commands that write their result to a file or serve it: they can run with standard output closed.
_NO_STDOUT_NEEDED = {"serve", "batch"}


def fail(message: str, code: int = EXIT_INPUT) -> int:
    """Print one clear error line on stderr and return ``code`` (exit code 2 unless told)."""
    if sys.stderr is not None:
        print(f"factsift: error: {message}", file=sys.stderr)
    return code


def _drop_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _environment_error(exc: OSError | sqlite3.Error, args: argparse.Namespace) -> str:
    """One line for a failure outside the input: a store that is damaged, read-only or full; a bad path."""
    if isinstance(exc, sqlite3.Error):
        from factsift.options import default_db_path

        return f"the store {getattr(args, 'db', None) or default_db_path()} cannot be used: {exc}"
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def store_url(value: str) -> str | Path:
    """argparse type for ``--db``: a path, or a store URL (``sqlite:///…``, ``postgresql://…``) kept as given."""
    return value if "://" in value else Path(value)


def existing_file(value: str) -> Path:
    """argparse type for a path that must exist."""
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``factsift`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.settings_file is not None:  # the edge: analyses here, and the workers and servers started, read it
        os.environ[CONFIG_ENV] = str(args.settings_file.resolve())
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return usage(parser)
    if sys.stdout is None and args.command not in _NO_STDOUT_NEEDED:
        return fail("standard output is closed: the result would be lost", EXIT_ENVIRONMENT)
    try:
        code = handler(args)
    except FactsiftError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted")
    except BrokenPipeError:
        _drop_stdout()
        return 0
    except (OSError, sqlite3.Error) as exc:
        _drop_stdout()
        return fail(_environment_error(exc, args), EXIT_ENVIRONMENT)
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:
        _drop_stdout()
        return fail(f"cannot write the output: {exc.strerror or exc}", EXIT_ENVIRONMENT)
    return code
