"""Message rules Discord enforces that its OpenAPI description does not carry (pure functions).

They run on bodies that already fit the spec (`spec.py`), so types are right but values may be
null. Each returns Discord's nested `errors` tree, e.g.
`{"embeds": {"0": {"url": {"_errors": [...]}}}}`; an empty tree means the payload is acceptable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .errors import ErrorPath, ErrorTree, add_error, merge

CONTENT_MAX = 2000
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_WIDTH_MAX = 5

# Discord accepts `attachment://name.png` for pictures uploaded with the message, never for links.
LINK_SCHEMES = ("http", "https")
PICTURE_SCHEMES = ("http", "https", "attachment")
# Link buttons may also open the Discord client itself.
BUTTON_SCHEMES = ("http", "https", "discord")

BUTTON, STRING_SELECT, ACTION_ROW = 2, 3, 1
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
LINK_STYLE, PREMIUM_STYLE = 5, 6
IS_COMPONENTS_V2 = 1 << 15
ALLOWED_MENTION_LISTS = ("users", "roles")


def _required(tree: ErrorTree, path: ErrorPath, value: Any) -> bool:
    if value is None or value == "":
        add_error(tree, path, "BASE_TYPE_REQUIRED", "This field is required")
        return False
    return True


def _scheme(tree: ErrorTree, path: ErrorPath, url: Any, allowed: Sequence[str]) -> None:
    """Discord refuses a well-formed URL whose scheme it will not open."""
    if not isinstance(url, str) or not url:
        return
    scheme = urlsplit(url).scheme.lower()
    if scheme and scheme not in allowed:  # no scheme at all: not a URL, which the spec reports
        listed = ", ".join(repr(s) for s in allowed)
        add_error(
            tree,
            path,
            "URL_TYPE_INVALID_SCHEME",
            f'Scheme "{scheme}" is not supported. Scheme must be one of ({listed}).',
        )


def _part(embed: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = embed.get(key)
    return value if isinstance(value, Mapping) else {}


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts towards the 6000 limit: titles, descriptions, fields, footer, author."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len(_part(embed, "footer").get("text") or "")
    total += len(_part(embed, "author").get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def embed_errors(embeds: Sequence[Mapping[str, Any]]) -> ErrorTree:
    """Empty field texts, non-web URLs and the 6000-character total, rooted at the message."""
    tree: ErrorTree = {}
    for index, embed in enumerate(embeds):
        at: list[str | int] = ["embeds", index]
        for number, field in enumerate(embed.get("fields") or []):
            _required(tree, [*at, "fields", number, "name"], field.get("name"))
            _required(tree, [*at, "fields", number, "value"], field.get("value"))
        _scheme(tree, [*at, "url"], embed.get("url"), LINK_SCHEMES)
        _scheme(tree, [*at, "author", "url"], _part(embed, "author").get("url"), LINK_SCHEMES)
        _scheme(tree, [*at, "author", "icon_url"], _part(embed, "author").get("icon_url"), PICTURE_SCHEMES)
        _scheme(tree, [*at, "footer", "icon_url"], _part(embed, "footer").get("icon_url"), PICTURE_SCHEMES)
        _scheme(tree, [*at, "image", "url"], _part(embed, "image").get("url"), PICTURE_SCHEMES)
        _scheme(tree, [*at, "thumbnail", "url"], _part(embed, "thumbnail").get("url"), PICTURE_SCHEMES)
    if sum(embed_length(embed) for embed in embeds) > EMBED_TOTAL_MAX:
        add_error(
            tree,
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )
    return tree


def _button_errors(tree: ErrorTree, at: list[str | int], button: Mapping[str, Any]) -> None:
    style = button.get("style")
    if style == LINK_STYLE:
        if _required(tree, [*at, "url"], button.get("url")):
            _scheme(tree, [*at, "url"], button.get("url"), BUTTON_SCHEMES)
        if button.get("custom_id") is not None:
            add_error(
                tree, [*at, "custom_id"], "BUTTON_LINK_CUSTOM_ID", "A link button cannot have a custom_id"
            )
    elif style != PREMIUM_STYLE:
        _required(tree, [*at, "custom_id"], button.get("custom_id"))


def _walk(
    components: Sequence[Mapping[str, Any]], at: list[str | int]
) -> Iterator[tuple[list[str | int], Any]]:
    """Every component of a message, nested ones and section accessories included, with its path."""
    for index, component in enumerate(components):
        here = [*at, index]
        yield here, component
        yield from _walk(component.get("components") or [], [*here, "components"])
        accessory = component.get("accessory")
        if isinstance(accessory, Mapping):
            yield [*here, "accessory"], accessory


def component_errors(rows: Sequence[Mapping[str, Any]], flags: int = 0) -> ErrorTree:
    """Row count and width, button ids and URLs, and custom_ids unique within the message."""
    tree: ErrorTree = {}
    if not flags & IS_COMPONENTS_V2 and len(rows) > ACTION_ROWS_MAX:
        add_error(
            tree, ["components"], "BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS_MAX} or fewer in length."
        )
    seen: set[str] = set()
    for path, component in _walk(rows, ["components"]):
        kind = component.get("type")
        if kind == ACTION_ROW:
            children = component.get("components") or []
            selects = [c for c in children if c.get("type") in SELECT_TYPES]
            if len(children) > ROW_WIDTH_MAX or (selects and len(children) > 1):
                add_error(
                    tree,
                    [*path, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
        elif kind == BUTTON:
            _button_errors(tree, path, component)
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str) and custom_id:
            if custom_id in seen:
                add_error(
                    tree,
                    [*path, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)
    return tree


def allowed_mentions_errors(allowed: Mapping[str, Any] | None) -> ErrorTree:
    """`parse: ["users"]` together with a `users` list (or roles alike) is refused."""
    tree: ErrorTree = {}
    if not allowed:
        return tree
    parse = allowed.get("parse") or []
    for kind in ALLOWED_MENTION_LISTS:
        if allowed.get(kind) and kind in parse:
            add_error(
                tree,
                ["allowed_mentions"],
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )
    return tree


def message_errors(payload: Mapping[str, Any]) -> ErrorTree:
    """Every rule above for a message create/edit body (or an interaction response's `data`)."""
    return merge(
        embed_errors(payload.get("embeds") or []),
        component_errors(payload.get("components") or [], int(payload.get("flags") or 0)),
        allowed_mentions_errors(payload.get("allowed_mentions")),
    )


def is_empty_message(payload: Mapping[str, Any], attachment_count: int = 0) -> bool:
    """True when Discord would answer 50006: nothing to show at all."""
    keys = ("embeds", "components", "sticker_ids", "poll")
    return not payload.get("content") and not any(payload.get(key) for key in keys) and attachment_count == 0
