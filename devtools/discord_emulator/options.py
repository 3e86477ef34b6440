"""Turning a test's `{"option": value}` into Discord's typed interaction options (and `resolved`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import DiscordError, EmulatorUsageError
from .state import User, World

SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = (
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
)


def build_options(
    world: World,
    command: Mapping[str, Any],
    subpath: Sequence[str],
    given: Mapping[str, Any],
    resolved: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Options for `command` (descending into `subpath` sub-commands), checked against their definitions."""
    definitions = list(command.get("options") or [])
    if subpath:
        sub = next(
            (
                o
                for o in definitions
                if o["name"] == subpath[0] and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if sub is None:
            raise EmulatorUsageError(f"/{command['name']} has no sub-command {subpath[0]!r}")
        inner = build_options(world, sub, subpath[1:], given, resolved)
        return [{"name": sub["name"], "type": sub["type"], "options": inner}]
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
        raise EmulatorUsageError(
            f"/{command['name']} needs a sub-command: invoke it as '{command['name']} <sub>'"
        )
    by_name = {o["name"]: o for o in definitions}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise EmulatorUsageError(f"/{command['name']} has no option(s) {unknown}; it has {sorted(by_name)}")
    missing = [o["name"] for o in definitions if o.get("required") and o["name"] not in given]
    if missing:
        raise EmulatorUsageError(f"/{command['name']} requires option(s) {missing}")
    return [_option(world, by_name[name], given[name], resolved) for name in by_name if name in given]


def _option(
    world: World, definition: Mapping[str, Any], value: Any, resolved: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    kind = definition["type"]
    name = definition["name"]
    if kind == STRING:
        wire: Any = _string(definition, value)
    elif kind in (INTEGER, NUMBER):
        wire = _number(definition, value, integer=kind == INTEGER)
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise EmulatorUsageError(f"option {name!r} is a boolean, got {value!r}")
        wire = value
    elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        wire = _resolve(world, kind, name, value, resolved)
    else:
        raise EmulatorUsageError(f"option {name!r} has type {kind}, which the emulator does not fill in")
    return {"name": name, "type": kind, "value": wire}


def _string(definition: Mapping[str, Any], value: Any) -> str:
    name = definition["name"]
    if not isinstance(value, str):
        raise EmulatorUsageError(f"option {name!r} is a string, got {value!r}")
    low, high = definition.get("min_length", 0), definition.get("max_length", 6000)
    if not low <= len(value) <= high:
        raise EmulatorUsageError(
            f"option {name!r} must be {low}..{high} characters; Discord's client would not send {len(value)}"
        )
    _check_choice(definition, value)
    return value


def _number(definition: Mapping[str, Any], value: Any, *, integer: bool) -> int | float:
    name = definition["name"]
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise EmulatorUsageError(
            f"option {name!r} is {'an integer' if integer else 'a number'}, got {value!r}"
        )
    low, high = definition.get("min_value"), definition.get("max_value")
    if (low is not None and value < low) or (high is not None and value > high):
        raise EmulatorUsageError(f"option {name!r} must be within [{low}, {high}], got {value}")
    _check_choice(definition, value)
    return value


def _check_choice(definition: Mapping[str, Any], value: Any) -> None:
    choices = definition.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise EmulatorUsageError(f"option {definition['name']!r} only offers {[c['value'] for c in choices]}")


def _resolve(world: World, kind: int, name: str, value: Any, resolved: dict[str, dict[str, Any]]) -> str:
    target = value.id if isinstance(value, User) else int(value)
    guild = world.guild
    if kind in (USER, MENTIONABLE) and target in world.users:
        resolved.setdefault("users", {})[str(target)] = world.users[target].payload()
        member = guild.members.get(target)
        if member is not None:
            permissions = guild.base_permissions(target)
            resolved.setdefault("members", {})[str(target)] = member.payload(
                with_user=False, permissions=permissions
            )
        return str(target)
    if kind in (ROLE, MENTIONABLE) and target in guild.roles:
        resolved.setdefault("roles", {})[str(target)] = guild.roles[target].payload()
        return str(target)
    if kind == CHANNEL:
        try:
            channel = world.channel(target)
        except DiscordError:
            raise EmulatorUsageError(f"option {name!r}: no channel {target}") from None
        data = channel.payload() | {"permissions": str(guild.base_permissions(world.bot.id))}
        resolved.setdefault("channels", {})[str(target)] = data
        return str(target)
    raise EmulatorUsageError(
        f"option {name!r}: {value!r} is not a known {'user' if kind == USER else 'role or user'}"
    )
