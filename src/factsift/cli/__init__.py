"""The ``factsift`` command line: a thin layer over :func:`factsift.analyse`.

Each concern adds its own subcommands with a function ``(commands: Commands) -> None`` registered by
``@cli_commands(name)`` (factsift's own modules are listed in :data:`factsift.plugins.BUILTIN_MODULES`;
an installed plugin registers the same way).
"""

from __future__ import annotations

import argparse
import logging
import os
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
        """Add ``factsift NAME`` handled by ``handler(args) -> exit code``."""
        parser: argparse.ArgumentParser = self.subparsers.add_parser(name, **kwargs)
        parser.set_defaults(handler=handler)
        return parser

    def add_training(self, name: str, handler: Handler, **kwargs: Any) -> argparse.ArgumentParser:
        """Add ``factsift train NAME``."""
        parser: argparse.ArgumentParser = self.train.add_parser(name, **kwargs)
        parser.set_defaults(handler=handler)
        return parser


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
        "--config", type=existing_file, metavar="FILE", help="settings file (default: ./factsift.toml if present)"
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


def fail(message: str) -> int:
    """Print one clear error line on stderr and return exit code 2."""
    print(f"factsift: error: {message}", file=sys.stderr)
    return 2


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
    if args.config is not None:  # the edge: analyses here, and the workers and servers started, read it
        os.environ[CONFIG_ENV] = str(args.config.resolve())
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return usage(parser)
    try:
        return handler(args)
    except FactsiftError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted")
    except BrokenPipeError:
        return 0
