"""JSON (a list, `{"articles": [...]}` or one object) and JSON Lines articles, one per record."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from index.ingest.decode import LONE_SURROGATE
from index.ingest.origin import Item, Origin, Place, Record, Skip
from index.ingest.plain_text import split_title, trim_blank_lines


def parse_json(text: str, origin: Origin) -> Iterator[Item]:
    data = _loads(text)
    records = _json_records(data)
    if not records:
        raise Skip("no articles in this JSON file")
    places = [Place(item=number) for number in range(1, len(records) + 1)]
    yield from _records(zip(places, records, strict=True), origin)


def _json_records(data: object) -> list[object]:
    if isinstance(data, dict) and "articles" in data:
        data = data["articles"]
        if not isinstance(data, list):
            raise Skip(f'"articles" must be a list of objects, not {_json_type(data)}')
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise Skip(
        'expected a list of article objects, an object with an "articles" list, or one '
        f"article object, not {_json_type(data)}"
    )


def parse_jsonl(text: str, origin: Origin) -> Iterator[Item]:
    yield from _records(_jsonl_lines(text, origin), origin)


def _jsonl_lines(text: str, origin: Origin) -> Iterator[tuple[Place, object]]:
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield Place(line=number), _loads(line)
        except Skip as skip:
            # A place with no record: `_records` reports it in order with the others.
            yield Place(line=number), _InvalidJson(skip.reason)


@dataclass(frozen=True)
class _InvalidJson:
    reason: str


def _loads(text: str) -> object:
    """Decoded JSON, or a `Skip` naming what is wrong: syntax, a huge number, too deep a nesting."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Skip(f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno) from error
    except ValueError as error:  # Python refuses integers of more than 4,300 digits
        raise Skip(f"invalid JSON: {error}") from error
    except RecursionError as error:
        raise Skip("invalid JSON: nested too deeply (lists or objects inside each other)") from error


def _records(entries: Iterable[tuple[Place, object]], origin: Origin) -> Iterator[Item]:
    """One article per JSON object; a bad or repeated record is reported and the rest load."""
    first_place_by_id: dict[str, Place] = {}
    for place, record in entries:
        try:
            item = _record_article(record, place, origin)
        except Skip as skip:
            yield place.skipped(origin.path, skip.reason)
            continue
        first = first_place_by_id.setdefault(item.article.id, place)
        if first is place:
            yield item
        else:
            raw_id = item.article.id.rpartition("#")[2]
            yield place.skipped(origin.path, f'duplicate id "{raw_id}" (first at {_where(first)})')


def _where(place: Place) -> str:
    return f"line {place.line}" if place.line is not None else f"item {place.item}"


def _record_article(record: object, place: Place, origin: Origin) -> Record:
    if isinstance(record, _InvalidJson):
        raise Skip(record.reason)
    if not isinstance(record, dict):
        raise Skip(f"expected an article object, not {_json_type(record)}")
    body = _string_field(record, "text")
    if body is None:
        body = _string_field(record, "body")
    if body is None or not body.strip():
        raise Skip('no text: give each article a non-empty "text" (or "body") string')
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    given_title = (_string_field(record, "title") or "").strip() or None
    title, text = split_title(body, given_title, markdown=False)
    meta = {key: _string_field(record, key) or "" for key in ("url", "date", "source")}
    article_id = f"{origin.path}#{_record_id(record, place)}"
    return origin.record(article_id, title, trim_blank_lines(text) or title, meta, place)


def _record_id(record: dict[str, object], place: Place) -> str:
    value = record.get("id")
    if value is None:
        return str(place.number)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Skip(f'"id" must be a string or an integer, not {_json_type(value)}')
    if not str(value).strip():
        raise Skip('"id" is empty: remove it or give the article an id')
    _refuse_lone_surrogates("id", str(value))
    return str(value).strip()


def _string_field(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Skip(f'"{key}" must be a string, not {_json_type(value)}')
    _refuse_lone_surrogates(key, value)
    return value


def _refuse_lone_surrogates(key: str, value: str) -> None:
    """JSON can escape half of a UTF-16 pair ("\\ud800"), which is no character at all."""
    if LONE_SURROGATE.search(value):
        raise Skip(f'"{key}" holds a lone surrogate escape such as \\ud800 (no character): fix the JSON')


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, as the person who wrote the file knows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
