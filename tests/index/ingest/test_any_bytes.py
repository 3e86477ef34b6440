"""Any bytes in any supported format give articles or listed skips, never an exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest.folder import SUPPORTED_EXTENSIONS, load_articles
from index.text.urls import is_safe_url

# JSON-shaped text with what breaks decoders: lone surrogate escapes, huge numbers, deep nesting.
_JSON_PIECES = st.sampled_from(
    ['{"title": ', '"text": ', '"url": ', '"id": ', "[", "]", "{", "}", ",", ":", '"x"', "1" * 5000,
     '"\\ud800"', '"\\udfff\\ud800"', "null", "true", "1e999", '"www.a.fr/x y"', '"javascript:x"', "\n"]
)  # fmt: skip
_KEYS = st.sampled_from(["title", "text", "body", "url", "id", "date", "source", "articles"])
# Strings as JSON can carry them: with lone surrogates (written "\\ud800" by json.dumps).
_STRINGS = st.lists(
    st.text(max_size=20) | st.sampled_from(["\ud800", "\udfff", "www.exemple.fr/a b", "javascript:x"]),
    max_size=4,
).map("".join)
_HUGE_INTEGER = "\x00huge\x00"  # stands for a 5,000-digit number, which json.dumps refuses to write
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.just(_HUGE_INTEGER) | _STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=25,
)
_RECORDS = st.lists(st.dictionaries(_KEYS, _JSON_VALUES, min_size=1, max_size=6), min_size=1, max_size=4)
_NESTING = st.integers(min_value=1, max_value=100_000).map(lambda depth: "[" * depth + "]" * depth)
_CONTENT = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.lists(_JSON_PIECES, max_size=60).map(lambda pieces: "".join(pieces).encode()),
    _JSON_VALUES.map(lambda value: _dumps(value).encode()),
    _RECORDS.map(lambda records: "\n".join(_dumps(record) for record in records).encode()),
    _NESTING.map(str.encode),
)


def _dumps(value: object) -> str:
    return json.dumps(value).replace(json.dumps(_HUGE_INTEGER), "9" * 5000)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SUPPORTED_EXTENSIONS), _CONTENT)
def test_any_file_gives_articles_or_skips(extension: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / f"article{extension}").write_bytes(content)
        (root / "lines.jsonl").write_bytes(content + b"\n" + content)

        load = load_articles(root)

    for article in load.articles:
        assert article.text.strip() and article.title.strip()
        article.text.encode("utf-8")  # no lone surrogate reaches the index
        article.title.encode("utf-8")
        assert article.url is None or is_safe_url(article.url)
    assert len({a.id for a in load.articles}) == len(load.articles)
    assert all(skip.reason for skip in load.skipped)
