"""Discord's validation rules as pure functions returning Discord's nested `errors` trees.

An empty tree means the payload is acceptable. Paths mirror Discord's responses, e.g.
`{"embeds": {"0": {"fields": {"3": {"value": {"_errors": [...]}}}}}}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ErrorTree = dict[str, Any]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_WIDTH_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
MODAL_TITLE_MAX = 45
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
THREAD_NAME_MAX = 100

LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)

BUTTON, STRING_SELECT, ACTION_ROW = 2, 3, 1
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
LINK_STYLE, PREMIUM_STYLE = 5, 6


def add_error(tree: ErrorTree, path: ErrorPath, code: str, message: str) -> None:
    """Append one error at `path` inside `tree`, creating the branches."""
    node = tree
    for part in path:
        node = node.setdefault(str(part), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


ErrorPath = Sequence[Any]


def _too_long(tree: ErrorTree, path: ErrorPath, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        add_error(tree, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _too_many(tree: ErrorTree, path: ErrorPath, items: Sequence[Any], limit: int) -> None:
    if len(items) > limit:
        add_error(tree, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _required(tree: ErrorTree, path: ErrorPath, value: Any) -> bool:
    if value is None or value == "":
        add_error(tree, path, "BASE_TYPE_REQUIRED", "This field is required")
        return False
    return True


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts towards the 6000 limit for one embed."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def embed_errors(embeds: Sequence[Mapping[str, Any]]) -> ErrorTree:
    """Errors for an `embeds` list, rooted at the message level."""
    tree: ErrorTree = {}
    _too_many(tree, ["embeds"], embeds, EMBEDS_MAX)
    for index, embed in enumerate(embeds):
        at = ["embeds", index]
        _too_long(tree, [*at, "title"], embed.get("title"), EMBED_TITLE_MAX)
        _too_long(tree, [*at, "description"], embed.get("description"), EMBED_DESCRIPTION_MAX)
        _too_long(tree, [*at, "footer", "text"], (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX)
        _too_long(tree, [*at, "author", "name"], (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX)
        fields = embed.get("fields") or []
        _too_many(tree, [*at, "fields"], fields, EMBED_FIELDS_MAX)
        for number, field in enumerate(fields):
            place = [*at, "fields", number]
            if _required(tree, [*place, "name"], field.get("name")):
                _too_long(tree, [*place, "name"], field.get("name"), EMBED_FIELD_NAME_MAX)
            if _required(tree, [*place, "value"], field.get("value")):
                _too_long(tree, [*place, "value"], field.get("value"), EMBED_FIELD_VALUE_MAX)
    if sum(embed_length(embed) for embed in embeds) > EMBED_TOTAL_MAX:
        add_error(
            tree,
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )
    return tree


def _button_errors(tree: ErrorTree, at: list[str | int], button: Mapping[str, Any]) -> None:
    _too_long(tree, [*at, "label"], button.get("label"), BUTTON_LABEL_MAX)
    style = button.get("style")
    if style == LINK_STYLE:
        _required(tree, [*at, "url"], button.get("url"))
        if button.get("custom_id") is not None:
            add_error(
                tree, [*at, "custom_id"], "BUTTON_LINK_CUSTOM_ID", "A link button cannot have a custom_id"
            )
    elif style != PREMIUM_STYLE and _required(tree, [*at, "custom_id"], button.get("custom_id")):
        _too_long(tree, [*at, "custom_id"], button.get("custom_id"), CUSTOM_ID_MAX)


def _select_errors(tree: ErrorTree, at: list[str | int], select: Mapping[str, Any]) -> None:
    if _required(tree, [*at, "custom_id"], select.get("custom_id")):
        _too_long(tree, [*at, "custom_id"], select.get("custom_id"), CUSTOM_ID_MAX)
    _too_long(tree, [*at, "placeholder"], select.get("placeholder"), SELECT_PLACEHOLDER_MAX)
    if select.get("type") != STRING_SELECT:
        return
    options = select.get("options") or []
    if not options:
        add_error(tree, [*at, "options"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    _too_many(tree, [*at, "options"], options, SELECT_OPTIONS_MAX)
    for number, option in enumerate(options):
        for key in ("label", "value", "description"):
            _too_long(tree, [*at, "options", number, key], option.get(key), SELECT_OPTION_TEXT_MAX)


def component_errors(rows: Sequence[Mapping[str, Any]]) -> ErrorTree:
    """Errors for a classic `components` list (action rows of buttons or one select)."""
    tree: ErrorTree = {}
    _too_many(tree, ["components"], rows, ACTION_ROWS_MAX)
    for index, row in enumerate(rows):
        if row.get("type") != ACTION_ROW:
            continue  # Components V2 layouts are recorded, not validated.
        children = row.get("components") or []
        at: list[str | int] = ["components", index, "components"]
        selects = [c for c in children if c.get("type") in SELECT_TYPES]
        if len(children) > ROW_WIDTH_MAX or (selects and len(children) > 1):
            add_error(
                tree,
                at,
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for number, child in enumerate(children):
            if child.get("type") == BUTTON:
                _button_errors(tree, [*at, number], child)
            elif child.get("type") in SELECT_TYPES:
                _select_errors(tree, [*at, number], child)
    return tree


def merge(*trees: ErrorTree) -> ErrorTree:
    """Deep-merge error trees; used to report every problem at once as Discord does."""
    out: ErrorTree = {}
    for tree in trees:
        for key, value in tree.items():
            if key == "_errors":
                out.setdefault("_errors", []).extend(value)
            else:
                out[key] = merge(out.get(key, {}), value)
    return out


def message_errors(payload: Mapping[str, Any]) -> ErrorTree:
    """Content, embed and component limits for a message create/edit payload."""
    tree: ErrorTree = {}
    _too_long(tree, ["content"], payload.get("content"), CONTENT_MAX)
    return merge(
        tree,
        embed_errors(payload.get("embeds") or []),
        component_errors(payload.get("components") or []),
    )


def is_empty_message(payload: Mapping[str, Any], attachment_count: int = 0) -> bool:
    """True when Discord would answer 50006: nothing to show at all."""
    keys = ("embeds", "components", "sticker_ids", "poll")
    return not payload.get("content") and not any(payload.get(key) for key in keys) and attachment_count == 0


def modal_errors(data: Mapping[str, Any]) -> ErrorTree:
    """Errors for a modal (interaction response type 9)."""
    tree: ErrorTree = {}
    if _required(tree, ["data", "custom_id"], data.get("custom_id")):
        _too_long(tree, ["data", "custom_id"], data.get("custom_id"), CUSTOM_ID_MAX)
    if _required(tree, ["data", "title"], data.get("title")):
        _too_long(tree, ["data", "title"], data.get("title"), MODAL_TITLE_MAX)
    components = data.get("components") or []
    if not components:
        add_error(tree, ["data", "components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    _too_many(tree, ["data", "components"], components, ACTION_ROWS_MAX)
    return tree


def is_valid_command_name(name: object) -> bool:
    """Discord's `^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`, lowercase where a case exists."""
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
        return False
    return all(ch.isalnum() or ch in "-_'" for ch in name) and name == name.lower()


def _localization_errors(
    tree: ErrorTree, at: list[str | int], values: Mapping[str, Any] | None, limit: int
) -> None:
    for locale, text in (values or {}).items():
        if locale not in LOCALES:
            add_error(tree, [*at, locale], "LOCALE_INVALID", f"Invalid locale {locale!r}")
        else:
            _too_long(tree, [*at, locale], text, limit)


def _described_errors(
    tree: ErrorTree, at: list[str | int], item: Mapping[str, Any], chat_input: bool
) -> None:
    if not is_valid_command_name(item.get("name")):
        add_error(tree, [*at, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    _localization_errors(tree, [*at, "name_localizations"], item.get("name_localizations"), COMMAND_NAME_MAX)
    description = item.get("description")
    if chat_input:
        if not description:
            add_error(tree, [*at, "description"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
        _too_long(tree, [*at, "description"], description, COMMAND_DESCRIPTION_MAX)
        desc_locs = item.get("description_localizations")
        _localization_errors(tree, [*at, "description_localizations"], desc_locs, COMMAND_DESCRIPTION_MAX)


def _option_errors(tree: ErrorTree, at: list[str | int], options: Sequence[Mapping[str, Any]]) -> None:
    _too_many(tree, at, options, COMMAND_OPTIONS_MAX)
    seen_optional = False
    for index, option in enumerate(options):
        place = [*at, index]
        _described_errors(tree, place, option, chat_input=True)
        if option.get("type") in (1, 2):
            _option_errors(tree, [*place, "options"], option.get("options") or [])
            continue
        if option.get("required"):
            if seen_optional:
                add_error(
                    tree,
                    place,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        _too_many(tree, [*place, "choices"], choices, COMMAND_CHOICES_MAX)
        for number, choice in enumerate(choices):
            _too_long(tree, [*place, "choices", number, "name"], choice.get("name"), COMMAND_DESCRIPTION_MAX)
            _too_long(
                tree, [*place, "choices", number, "value"], choice.get("value"), COMMAND_DESCRIPTION_MAX
            )


def command_errors(commands: Sequence[Mapping[str, Any]]) -> ErrorTree:
    """Errors for a bulk-overwrite list of application commands (index-rooted like Discord)."""
    tree: ErrorTree = {}
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", 1))
        _described_errors(tree, [index], command, chat_input=kind == 1)
        if kind == 1:
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
