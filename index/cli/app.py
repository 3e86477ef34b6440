"""The command-line frame `qa-index` and `qa-bot` share: subcommands, logging, settings, exit codes.

A command is declared once, as a `Command`: its arguments, its handler, how much it logs. A flag
whose destination is the name of a settings field overrides that setting (`--index` stores into
`index_dir`); the others reach the handler in `args`. Failures end as one sentence on standard
error and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsError

from index.errors import ArticleIndexError
from index.settings import settings_problem, unknown_setting

EXIT_OK = 0
EXIT_FAILURE = 1  # the command ran and failed; the sentence says why
EXIT_USAGE = 2  # a wrong flag or setting (argparse exits with 2 as well)
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace, Any], int]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    return None


@dataclass(frozen=True)
class Command:
    """One subcommand: its name and help, how it adds its arguments, and what runs it."""

    name: str
    help: str
    run: Handler | None = None
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    subcommands: tuple[Command, ...] = ()
    # Log only warnings: the command prints text people read (or --json), not progress lines.
    quiet: bool = False


@dataclass(frozen=True)
class Program:
    """A command-line program: its commands, the settings class its flags override, its log format."""

    name: str
    description: str
    commands: tuple[Command, ...]
    settings: type[BaseSettings]
    log_format: str = "%(message)s"
    interrupted: str | None = None  # printed on Ctrl-C
    # True when `settings` holds every setting of the project, so any unknown QA_* name is a typo;
    # False refuses only names close to one of `settings` (the other program may read the rest).
    knows_every_setting: bool = True

    def main(self, argv: Sequence[str] | None = None) -> int:
        args = self.parser().parse_args(argv)
        command: Command = args.command_
        quiet = command.quiet or bool(getattr(args, "json", False))
        logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format=self.log_format)
        unknown = unknown_setting(self.settings, near_misses_only=not self.knows_every_setting)
        if unknown:
            print(f"error: {unknown}", file=sys.stderr)
            return EXIT_USAGE
        try:
            settings = self.settings(**settings_overrides(args, self.settings))
            assert command.run is not None
            return int(command.run(args, settings))
        except (ValidationError, SettingsError) as error:
            print(f"error: {settings_problem(error, self.settings)}", file=sys.stderr)
            return EXIT_USAGE
        except ArticleIndexError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_FAILURE
        except KeyboardInterrupt:
            if self.interrupted:
                print(self.interrupted, file=sys.stderr)
            return EXIT_INTERRUPTED

    def parser(self) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=self.name, description=self.description)
        _add_commands(parser, self.commands, depth=0)
        return parser


def _add_commands(parser: argparse.ArgumentParser, commands: Sequence[Command], depth: int) -> None:
    choices = parser.add_subparsers(dest=f"command_name_{depth}", required=True)
    for command in commands:
        sub = choices.add_parser(command.name, help=command.help, description=command.help)
        if command.subcommands:
            _add_commands(sub, command.subcommands, depth + 1)
        else:
            command.arguments(sub)
            sub.set_defaults(command_=command)


def settings_overrides(args: argparse.Namespace, settings: type[BaseSettings]) -> dict[str, Any]:
    """The flags given whose destination is a settings field."""
    fields = settings.model_fields
    return {name: value for name, value in vars(args).items() if name in fields and value is not None}


def index_arguments(parser: argparse.ArgumentParser, *, json_output: bool = True) -> None:
    """The flags every command that opens an index takes."""
    parser.add_argument("--index", dest="index_dir", type=Path, help="index folder (default QA_INDEX_DIR)")
    parser.add_argument(
        "--model", dest="embedding_model", help="embedding model name or folder (default QA_EMBEDDING_MODEL)"
    )
    if json_output:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
