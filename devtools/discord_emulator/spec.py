"""Discord's own OpenAPI description (vendored) as the judge of request bodies.

`template_for` maps a request path to the spec's path template; `body_errors` validates a body
against that operation's request schema (JSON Schema 2020-12, `$ref`s resolved, `"format": "uri"`
checked) and answers with Discord's `errors` tree. The file stays byte-identical to upstream;
the few places where Discord accepts more than its description says are adjusted in memory.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from .errors import EmulatorError, ErrorTree
from .limits import CONTENT_MAX
from .schema_errors import discord_errors

SPEC_DIR = Path(__file__).with_name("discord-api-spec")
SPEC_FILE = SPEC_DIR / "openapi.json"
JSON_BODY = "application/json"


def _adjust(document: dict[str, Any]) -> None:
    """Where Discord accepts or refuses other than its description says, as observed from bots."""
    schemas = document["components"]["schemas"]
    # Ids are documented as strings, but Discord also accepts integers (discord.py sends some).
    snowflake = schemas["SnowflakeType"]
    snowflake["type"] = ["string", "integer"]
    snowflake["minimum"] = 0
    # 4000 characters are for Nitro users; a bot's channel messages stop at 2000 like webhooks.
    for name in ("MessageCreateRequest", "MessageEditRequestPartial"):
        schemas[name]["properties"]["content"]["maxLength"] = CONTENT_MAX


@functools.cache
def document() -> dict[str, Any]:
    """The vendored spec, parsed once, with `_adjust` applied."""
    try:
        loaded: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EmulatorError(
            f"Discord's API spec is missing at {SPEC_FILE}; restore it with `git checkout -- {SPEC_DIR}`"
        ) from None
    _adjust(loaded)
    return loaded


@functools.cache
def _templates() -> tuple[tuple[tuple[str | None, ...], str], ...]:
    """Every path template split into segments, parameters as None."""
    out = []
    for template in document()["paths"]:
        segments = tuple(None if s.startswith("{") else s for s in template.strip("/").split("/"))
        out.append((segments, template))
    return tuple(out)


def template_for(path: str) -> str | None:
    """The spec's template for an API path (`/channels/1/messages` → `/channels/{channel_id}/messages`).

    Literal segments win over parameters, as in Discord's router (`/messages/@original` is its own path).
    """
    parts = path.strip("/").split("/")
    best: tuple[int, str] | None = None
    for segments, template in _templates():
        if len(segments) != len(parts):
            continue
        if all(s == p if s is not None else bool(p) for s, p in zip(segments, parts, strict=True)):
            literal = sum(s is not None for s in segments)
            if best is None or literal > best[0]:
                best = (literal, template)
    return best[1] if best else None


def path_parameters(template: str, path: str) -> dict[str, str]:
    """`{"channel_id": "1"}` for a concrete path matching `template`."""
    names = template.strip("/").split("/")
    values = path.strip("/").split("/")
    return {n[1:-1]: v for n, v in zip(names, values, strict=True) if n.startswith("{")}


def _format_checker() -> FormatChecker:
    checker = Draft202012Validator.FORMAT_CHECKER
    if "uri" not in checker.checkers:
        raise EmulatorError(
            "URL checks need jsonschema's format extras: pip install 'jsonschema[format-nongpl]'"
        )
    return checker


@functools.cache
def _validator(method: str, template: str) -> Draft202012Validator | None:
    operation = document()["paths"][template].get(method.lower()) or {}
    content = (operation.get("requestBody") or {}).get("content") or {}
    if JSON_BODY not in content:
        return None
    escaped = template.replace("~", "~0").replace("/", "~1")
    pointer = f"#/paths/{escaped}/{method.lower()}/requestBody/content/application~1json/schema"
    # The whole document is the root resource, so the schema's "#/components/..." refs resolve.
    return Draft202012Validator({**document(), "$ref": pointer}, format_checker=_format_checker())


def has_body_schema(method: str, template: str) -> bool:
    """Whether the spec describes a JSON body for this operation."""
    return _validator(method, template) is not None


def body_errors(method: str, template: str, body: Any) -> ErrorTree:
    """Discord's `errors` tree for a body that breaks the spec's request schema; {} when it fits."""
    validator = _validator(method, template)
    if validator is None:
        return {}
    return discord_errors(validator.iter_errors(body))
