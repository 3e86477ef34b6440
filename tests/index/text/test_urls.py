"""Article links as Discord accepts them: absolute http(s), ASCII, at most 2,048 characters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.ingest.folder import load_articles
from index.text.urls import MAX_URL_LENGTH, check_url, is_safe_url
from tests.index.ingest.helpers import write

# What jsonschema's "uri" format (RFC 3986) requires, spelled out: scheme, "//", host, then URI characters.
_RFC3986 = r"^https?://[A-Za-z0-9.-]+(:\d+)?[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("https://example.fr/a", "https://example.fr/a"),
        ("  https://example.fr/a  ", "https://example.fr/a"),
        ("www.example.fr/x", "https://www.example.fr/x"),
        ("example.fr", "https://example.fr"),
        ("//cdn.example.fr/x", "https://cdn.example.fr/x"),
        ("https://example.fr/un article", "https://example.fr/un%20article"),
        ("https://example.fr/été?q=ü", "https://example.fr/%C3%A9t%C3%A9?q=%C3%BC"),
        ("https://example.fr/50%off", "https://example.fr/50%25off"),
        ("https://example.fr/%20déjà", "https://example.fr/%20d%C3%A9j%C3%A0"),
        ("http://münchen.de/x", "http://xn--mnchen-3ya.de/x"),
    ],
)
def test_links_are_fixed_where_the_intent_is_plain(raw: str, kept: str) -> None:
    assert check_url(raw).url == kept


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(document.cookie)",
        "ftp://example.fr/file",
        "mailto:desk@example.fr",
        "data:text/html,<script>",
        "not a link",
        "https://user:password@example.fr/",
        "https://example.fr:99999/",
        "https://example.fr/" + "a" * MAX_URL_LENGTH,
    ],
)
def test_other_links_are_dropped_with_a_reason(raw: str) -> None:
    checked = check_url(raw)
    assert checked.url is None and checked.note and "dropped" in checked.note


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300) | st.from_regex(r"(https?://)?[\w.-]{1,30}(/[^\s]{0,40})?", fullmatch=True))
def test_every_kept_link_is_one_discord_accepts(raw: str) -> None:
    checked = check_url(raw)
    if checked.url is not None:
        assert re.match(_RFC3986, checked.url), checked.url
        assert len(checked.url) <= MAX_URL_LENGTH
        assert is_safe_url(checked.url)


def test_a_bad_link_keeps_the_article_and_is_listed(tmp_path: Path) -> None:
    records = [
        {"title": "Sans schéma", "text": "Un.", "url": "www.example.fr/x"},
        {"title": "Piège", "text": "Deux.", "url": "javascript:alert(1)"},
        {"title": "Bon", "text": "Trois.", "url": "https://example.fr/ok"},
    ]
    write(tmp_path, "news.json", json.dumps(records))

    load = load_articles(tmp_path)

    assert [a.url for a in load.articles] == ["https://www.example.fr/x", None, "https://example.fr/ok"]
    assert [(w.path, w.message.split(":")[0]) for w in load.warnings] == [
        ("news.json", "item 1"),
        ("news.json", "item 2"),
    ]
    assert "dropped" in load.warnings[1].message
