"""HTML articles: main text without page chrome, metadata, declared charsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest import html_page as html_text
from index.ingest.folder import load_articles
from index.records import SkippedFile
from tests.index.ingest.helpers import NEWS_PAGE, only_article, only_skip, write


def test_html_main_text_without_navigation_or_footer(tmp_path: Path) -> None:
    write(tmp_path, "world/rome.html", NEWS_PAGE)

    article = only_article(load_articles(tmp_path))

    assert article.title == "Rome talks end without a deal"
    assert article.text.startswith("National security adviser Jake Sullivan met Yang Jiechi")
    assert "further contacts between the two delegations" in article.text
    for noise in ("Subscribe", "Log in", "Sport", "Copyright", "Privacy policy", "recipes"):
        assert noise not in article.text
    assert article.url == "https://daily.example/world/rome-talks"
    assert article.date == "2022-03-15"
    assert article.source == "The Daily Example"
    assert (article.id, article.path, article.collection) == ("world/rome.html", "world/rome.html", "world")


def test_html_falls_back_to_plain_text_when_trafilatura_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_text.trafilatura, "extract", lambda *args, **kwargs: None)
    write(tmp_path, "a.htm", NEWS_PAGE)

    article = only_article(load_articles(tmp_path))

    assert article.title == "Rome talks end without a deal"
    assert article.text.startswith("National security adviser Jake Sullivan met Yang Jiechi")
    assert "Subscribe" not in article.text
    assert "Copyright" not in article.text


def test_html_without_text_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "empty.html",
        "<html><head><title>Nothing</title></head><body><img src='x.png'></body></html>",
    )

    assert only_skip(load_articles(tmp_path)) == SkippedFile("empty.html", "no text found in HTML")


def test_html_in_its_declared_charset_is_decoded(tmp_path: Path) -> None:
    page = NEWS_PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Monday", "lundi à Rome")
    write(tmp_path, "latin.html", page.encode("iso-8859-1"))

    article = only_article(load_articles(tmp_path))

    assert "lundi à Rome" in article.text
