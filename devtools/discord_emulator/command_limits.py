"""Application command rules Discord enforces beyond its OpenAPI description (pure functions).

Slash command and option names, and their localised forms, must match Discord's
`^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$` and be lowercase wherever a letter has a
lowercase form; localisation keys must be locales Discord knows; required options come first;
names are unique. Lengths and counts come from the spec (`spec.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import regex

from .errors import ErrorTree, add_error

CHAT_INPUT = 1
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
NAME_PATTERN = regex.compile(r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")

LOCALES = frozenset(
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk "
    "hi th zh-CN ja zh-TW ko".split()
)


def is_valid_command_name(name: object) -> bool:
    """A slash command or option name Discord accepts: the pattern above, lowercase where a case exists."""
    return isinstance(name, str) and bool(NAME_PATTERN.match(name)) and name == name.lower()


def _name_error(tree: ErrorTree, path: list[str | int]) -> None:
    add_error(tree, path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _locale_keys(tree: ErrorTree, at: list[str | int], values: Mapping[str, Any] | None) -> None:
    for locale in values or {}:
        if locale not in LOCALES:
            add_error(tree, [*at, locale], "ENUM_TYPE_COERCE", f'Value "{locale}" is not a valid enum value.')


def _names(tree: ErrorTree, at: list[str | int], item: Mapping[str, Any], slash: bool) -> None:
    """The name, its localisations and the description localisations' locales."""
    localized = item.get("name_localizations")
    _locale_keys(tree, [*at, "name_localizations"], localized)
    _locale_keys(tree, [*at, "description_localizations"], item.get("description_localizations"))
    if not slash:
        return
    if not is_valid_command_name(item.get("name")):
        _name_error(tree, [*at, "name"])
    for locale, name in (localized or {}).items():
        if locale in LOCALES and not is_valid_command_name(name):
            _name_error(tree, [*at, "name_localizations", locale])


def _option_errors(tree: ErrorTree, at: list[str | int], options: Sequence[Mapping[str, Any]]) -> None:
    seen_optional = False
    names: set[str] = set()
    for index, option in enumerate(options):
        place = [*at, index]
        _names(tree, place, option, slash=True)
        name = str(option.get("name"))
        if name in names:
            add_error(
                tree,
                [*place, "name"],
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Command option names must be unique",
            )
        names.add(name)
        if option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _option_errors(tree, [*place, "options"], option.get("options") or [])
        elif option.get("required"):
            if seen_optional:
                add_error(
                    tree,
                    place,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True


def command_errors(commands: Sequence[Mapping[str, Any]] | None) -> ErrorTree:
    """Errors for a bulk-overwrite list of application commands (index-rooted like Discord)."""
    tree: ErrorTree = {}
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands or []):
        kind = int(command.get("type") or CHAT_INPUT)
        slash = kind == CHAT_INPUT
        _names(tree, [index], command, slash=slash)
        if slash:
            if not command.get("description"):
                add_error(
                    tree, [index, "description"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
                )
            _option_errors(tree, [index, "options"], command.get("options") or [])
        key = (str(command.get("name")), kind)
        if key in seen:
            add_error(
                tree,
                [index, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add(key)
    return tree
