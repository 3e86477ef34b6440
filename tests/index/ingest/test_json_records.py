"""JSON and JSON Lines articles: one per record, bad records reported by line or item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.ingest.folder import load_articles
from tests.index.ingest.helpers import only_article, only_skip, write


def test_json_list_with_and_without_ids(tmp_path: Path) -> None:
    records = [
        {"id": "rome-1", "title": "Rome talks", "text": "Talks lasted seven hours.", "url": "https://x/1"},
        {"body": "Sanctions widen\n\nThe EU adds names.", "date": "2022-03-16", "source": "AFP"},
    ]
    write(tmp_path, "feed/batch.json", json.dumps(records))

    load = load_articles(tmp_path)

    assert load.skipped == []
    first, second = load.articles
    assert (first.id, first.title, first.text, first.url) == (
        "feed/batch.json#rome-1",
        "Rome talks",
        "Talks lasted seven hours.",
        "https://x/1",
    )
    assert (second.id, second.title, second.text) == (
        "feed/batch.json#2",
        "Sanctions widen",
        "The EU adds names.",
    )
    assert (second.date, second.source) == ("2022-03-16", "AFP")
    assert {first.path, second.path} == {"feed/batch.json"}
    assert {first.collection, second.collection} == {"feed"}


def test_json_object_with_articles_list(tmp_path: Path) -> None:
    write(tmp_path, "a.json", json.dumps({"articles": [{"id": 7, "title": "T", "text": "Body."}]}))

    article = only_article(load_articles(tmp_path))

    assert (article.id, article.title, article.text) == ("a.json#7", "T", "Body.")


def test_json_single_object(tmp_path: Path) -> None:
    write(tmp_path, "one.json", json.dumps({"title": "Solo", "text": "Just one.\r\nTwo lines."}))

    article = only_article(load_articles(tmp_path))

    assert (article.id, article.title, article.text) == ("one.json#1", "Solo", "Just one.\nTwo lines.")


def test_jsonl_loads_every_good_line_and_reports_bad_ones_by_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "First", "text": "Alpha."}),
        "",
        '{"title": "Broken", "text": "missing brace"',
        json.dumps({"title": "No text here"}),
        json.dumps({"title": "Numeric", "text": 42}),
        json.dumps({"title": "Third", "text": "Gamma."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "a", "title": "Again", "text": "Different text, same id."}),
    ]
    write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")

    load = load_articles(tmp_path)

    assert [(a.id, a.title, a.text) for a in load.articles] == [
        ("feed.jsonl#a", "First", "Alpha."),
        ("feed.jsonl#6", "Third", "Gamma."),
    ]
    assert [(skip.line, skip.reason) for skip in load.skipped] == [
        (3, "invalid JSON: Expecting ',' delimiter (column 44)"),
        (4, 'no text: give each article a non-empty "text" (or "body") string'),
        (5, '"text" must be a string, not a number'),
        (7, "expected an article object, not a list"),
        (8, 'duplicate id "a" (first at line 1)'),
    ]
    assert load.skipped[0].describe().startswith("feed.jsonl:3: invalid JSON")


def test_json_list_reports_bad_items_by_number(tmp_path: Path) -> None:
    records = [{"title": "Good", "text": "Fine."}, {"title": "Empty", "text": "   "}, {"text": "x", "url": 5}]
    write(tmp_path, "a.json", json.dumps(records))

    load = load_articles(tmp_path)

    assert [a.id for a in load.articles] == ["a.json#1"]
    assert [skip.describe() for skip in load.skipped] == [
        'a.json: item 2: no text: give each article a non-empty "text" (or "body") string',
        'a.json: item 3: "url" must be a string, not a number',
    ]


def test_malformed_json_file_is_reported_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, "a.json", '[\n  {"title": "T", "text": "x"},\n  oops\n]\n')

    skip = only_skip(load_articles(tmp_path))

    assert skip.reason.startswith("invalid JSON: Expecting value")
    assert skip.line == 3


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "no articles in this JSON file"),
        ('"just a string"', "not a string"),
        ('{"articles": {"title": "T"}}', '"articles" must be a list of objects, not an object'),
    ],
)
def test_json_without_articles_is_reported(tmp_path: Path, content: str, reason: str) -> None:
    write(tmp_path, "a.json", content)

    assert only_skip(load_articles(tmp_path)).reason.endswith(reason)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "Bad", "text": "half a pair \\ud800 here"}', "lone surrogate"),
        ('{"title": "Bad", "text": "x", "id": "\\udfff"}', "lone surrogate"),
        ('{"title": "Big", "text": "x", "views": ' + "9" * 5000 + "}", "4300 digits"),
        ('{"text": ' + "[" * 200_000 + "]" * 200_000 + "}", "nested too deeply"),
    ],
)
def test_one_hostile_record_is_skipped_and_named_the_others_load(
    tmp_path: Path, line: str, reason: str
) -> None:
    good = json.dumps({"title": "Good", "text": "Une phrase."})
    write(tmp_path, "news.jsonl", "\n".join([good, line, good.replace("Good", "Also good")]))

    load = load_articles(tmp_path)

    assert [a.title for a in load.articles] == ["Good", "Also good"]
    (skip,) = load.skipped
    assert skip.line == 2 and reason in skip.reason


@pytest.mark.parametrize(
    "content",
    ['[{"title": "Big", "text": "x", "n": ' + "1" * 5000 + "}]", "[" * 200_000 + "]" * 200_000],
)
def test_a_json_file_that_cannot_be_decoded_is_reported_not_raised(tmp_path: Path, content: str) -> None:
    write(tmp_path, "news.json", content)
    skip = only_skip(load_articles(tmp_path))
    assert skip.path == "news.json" and skip.reason.startswith("invalid JSON")
