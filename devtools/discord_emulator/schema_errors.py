"""JSON Schema failures in Discord's words: the field path, a code such as BASE_TYPE_MAX_LENGTH, a message."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from jsonschema.exceptions import ValidationError

from .errors import ErrorTree, add_error

Entry = tuple[tuple[Any, ...], str, str]
UNIONS = frozenset({"oneOf", "anyOf"})
TYPE_CODES = frozenset(
    {
        "BASE_TYPE_REQUIRED",
        "NUMBER_TYPE_COERCE",
        "MODEL_TYPE_CONVERT",
        "LIST_TYPE_CONVERT",
        "STRING_TYPE_CONVERT",
        "BOOLEAN_TYPE_CONVERT",
    }
)


def discord_errors(errors: Iterable[ValidationError]) -> ErrorTree:
    """The nested `errors` tree of a 50035 response, one entry per distinct problem."""
    entries = list(dict.fromkeys(entry for error in errors for entry in _entries(error)))
    # A value of the wrong type is reported as that alone, not also as outside its choices.
    mistyped = {path for path, code, _ in entries if code in TYPE_CODES}
    tree: ErrorTree = {}
    for path, code, message in entries:
        if path not in mistyped or code in TYPE_CODES:
            add_error(tree, path, code, message)
    return tree


def _entries(error: ValidationError) -> Iterator[Entry]:
    if error.validator in UNIONS and error.context:
        yield from _union_entries(error)
        return
    path = tuple(error.absolute_path)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        for name in error.validator_value:
            if name not in instance:
                yield (*path, name), "BASE_TYPE_REQUIRED", "This field is required"
        return
    yield (path, *_describe(error))


def _branches(error: ValidationError) -> list[list[ValidationError]]:
    """The union's failed alternatives, each as the list of its own errors."""
    ordered = sorted(error.context or [], key=lambda e: e.relative_schema_path[0])
    return [list(group) for _, group in groupby(ordered, key=lambda e: e.relative_schema_path[0])]


def _is_other_kind(branch: list[ValidationError]) -> bool:
    """A branch for another value: wrong JSON type, another constant, or another `type` discriminator."""
    for error in branch:
        where = list(error.relative_path)
        if where == [] and error.validator in ("type", "enum", "const"):
            return True
        if where == ["type"] and error.validator in ("enum", "const"):
            return True
    return False


def _ordered(values: Iterable[Any]) -> list[Any]:
    """Distinct values, numbers in numeric order before strings."""
    return sorted(set(values), key=lambda v: (isinstance(v, str), v))


def _union_entries(error: ValidationError) -> Iterator[Entry]:
    """Discord tries each alternative in turn: report the one meant (same kind), else the choices."""
    branches = _branches(error)
    meant = [b for b in branches if not _is_other_kind(b)]
    if meant:
        for inner in min(meant, key=len):
            yield from _entries(inner)
        return
    path = tuple(error.absolute_path)
    constants = _ordered(v for b in branches for e in b if list(e.relative_path) == [] for v in _choices(e))
    if constants and all(any(_choices(e) for e in b) for b in branches):
        listed = ", ".join(str(v) for v in constants)
        yield path, "BASE_TYPE_CHOICES", f"Value must be one of ({listed})."
        return
    kinds = _ordered(v for b in branches for e in b if list(e.relative_path) == ["type"] for v in _choices(e))
    if kinds:
        listed = ", ".join(str(k) for k in kinds)
        yield (*path, "type"), "UNION_TYPE_CHOICES", f'Value of field "type" must be one of ({listed}).'
        return
    # Every alternative has the wrong JSON type: describe the first that is not null.
    for branch in branches:
        first = branch[0]
        if first.validator == "type" and first.validator_value != "null":
            yield (path, *_describe(first))
            return
    yield path, "BASE_TYPE_INVALID", error.message


def _choices(error: ValidationError) -> list[Any]:
    if error.validator == "enum":
        return list(error.validator_value)
    if error.validator == "const":
        return [error.validator_value]
    return []


def _length(schema: dict[str, Any], low_key: str, high_key: str, kind: str) -> tuple[str, str]:
    low, high = schema.get(low_key), schema.get(high_key)
    if low and high is not None:
        return "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
    if kind == "max":
        return "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length."
    return "BASE_TYPE_MIN_LENGTH", f"Must be {low} or more in length."


def _type_error(error: ValidationError) -> tuple[str, str]:
    if error.instance is None:
        return "BASE_TYPE_REQUIRED", "This field is required"
    wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    wanted = [w for w in wanted if w != "null"]
    value = json_text(error.instance)
    if "integer" in wanted or "number" in wanted:
        return "NUMBER_TYPE_COERCE", f'Value "{value}" is not {"int" if "integer" in wanted else "a number"}.'
    if "object" in wanted:
        return "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"
    if "array" in wanted:
        return "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
    if "boolean" in wanted:
        return "BOOLEAN_TYPE_CONVERT", f'Could not interpret "{value}" as boolean.'
    return "STRING_TYPE_CONVERT", f'Could not interpret "{value}" as string.'


def _describe(error: ValidationError) -> tuple[str, str]:
    """Discord's (code, message) for one failed keyword."""
    keyword, schema = error.validator, error.schema if isinstance(error.schema, dict) else {}
    if keyword == "type":
        return _type_error(error)
    if keyword in ("maxLength", "maxItems", "maxProperties"):
        low = {"maxLength": "minLength", "maxItems": "minItems"}.get(str(keyword), "minProperties")
        return _length(schema, low, str(keyword), "max")
    if keyword in ("minLength", "minItems", "minProperties"):
        high = {"minLength": "maxLength", "minItems": "maxItems"}.get(str(keyword), "maxProperties")
        return _length(schema, str(keyword), high, "min")
    if keyword == "maximum":
        return "NUMBER_TYPE_MAX", f"int value should be less than or equal to {error.validator_value}."
    if keyword == "minimum":
        return "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {error.validator_value}."
    if keyword in ("enum", "const"):
        listed = ", ".join(str(v) for v in _choices(error))
        return "BASE_TYPE_CHOICES", f"Value must be one of ({listed})."
    if keyword == "pattern" and schema.get("format") == "snowflake":
        return "NUMBER_TYPE_COERCE", f'Value "{json_text(error.instance)}" is not snowflake.'
    if keyword == "pattern":
        return "STRING_TYPE_REGEX", "String value did not match validation regex."
    if keyword == "format" and error.validator_value == "uri":
        return "URL_TYPE_INVALID_URL", "Not a well formed URL."
    if keyword == "format" and error.validator_value == "date-time":
        return "DATE_TIME_TYPE_PARSE", f'Could not parse "{json_text(error.instance)}". Should be ISO8601.'
    if keyword == "uniqueItems":
        return "SET_TYPE_ALREADY_CONTAINS_VALUE", "The set already contains this value."
    return "BASE_TYPE_INVALID", error.message


def json_text(value: Any) -> str:
    """A value as Discord quotes it in messages (strings bare, others as JSON), cut to 100 characters."""
    text = value if isinstance(value, str) else repr(value)
    return text[:100]
