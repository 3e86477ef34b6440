"""One verdict per request body: Discord's spec and the rules the spec does not carry, reported together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import spec
from .command_limits import command_errors
from .errors import ErrorTree, invalid_form_body, merge
from .limits import message_errors

Rule = Callable[[Any], ErrorTree]
MESSAGE_RESPONSES = frozenset({4, 7})  # CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE


def _message(body: Any) -> ErrorTree:
    return message_errors(body) if isinstance(body, Mapping) else {}


def _callback(body: Any) -> ErrorTree:
    """An interaction response carries its message under `data`; Discord reports errors there."""
    data = body.get("data") if isinstance(body, Mapping) else None
    if body.get("type") not in MESSAGE_RESPONSES or not isinstance(data, Mapping):
        return {}
    errors = message_errors(data)
    return {"data": errors} if errors else {}


def _commands(body: Any) -> ErrorTree:
    return command_errors(body) if isinstance(body, list) else {}


# Keyed by (method, the spec's path template).
EXTRA_RULES: dict[tuple[str, str], Rule] = {
    ("POST", "/channels/{channel_id}/messages"): _message,
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): _message,
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"): _message,
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): _message,
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): _message,
    ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"): _callback,
    ("PUT", "/applications/{application_id}/commands"): _commands,
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"): _commands,
}


def body_errors(method: str, template: str, body: Any) -> ErrorTree:
    """Spec violations and the extra rules' findings, merged; {} for a body Discord accepts."""
    errors = spec.body_errors(method, template, body)
    rule = EXTRA_RULES.get((method.upper(), template))
    if rule is None:
        return errors
    try:
        extra = rule(body)
    except (AttributeError, TypeError, ValueError):
        extra = {}  # a part has a shape the rules cannot read; the spec has said why
    return merge(errors, extra)


def check_body(method: str, path: str, body: Any) -> None:
    """Raise Discord's 50035 for a body sent to `path` (relative to /api/v10) that Discord refuses."""
    template = spec.template_for(path)
    if template is None:
        return
    errors = body_errors(method, template, body)
    if errors:
        raise invalid_form_body(errors)
