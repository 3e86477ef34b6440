"""Plain text and Markdown articles: titles, front matter, exact bodies."""

from __future__ import annotations

from pathlib import Path

from index.ingest.folder import load_articles
from index.records import SkippedFile, content_hash
from tests.conftest import SAMPLE_ARTICLES
from tests.index.ingest.helpers import by_id, only_article, only_skip, write


def test_sample_article_loads_with_its_title_and_body() -> None:
    article = by_id(load_articles(SAMPLE_ARTICLES))["000_9f70dd34e1ce68a4.txt"]

    assert article.title.startswith("Le moment de vérité arrive: ")
    assert article.text.startswith("La Russie a demandé à la Chine")
    assert article.path == "000_9f70dd34e1ce68a4.txt"
    assert article.url is None  # "Le moment de vérité arrive:" is not a front-matter key


def test_txt_title_is_first_line_and_text_is_the_exact_body(tmp_path: Path) -> None:
    body = "  Indented first paragraph, kept as is.\n\n\tSecond  paragraph « cité ».\n"
    write(tmp_path, "story.txt", "\n\nThe headline\n\n" + body + "\n\n")

    article = only_article(load_articles(tmp_path))

    assert article.title == "The headline"
    assert article.text == "  Indented first paragraph, kept as is.\n\n\tSecond  paragraph « cité »."
    assert article.id == "story.txt"
    assert article.path == "story.txt"
    assert article.collection == ""
    assert article.hash == content_hash(article.title, article.text)


def test_txt_key_value_front_matter_gives_url_date_source(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.txt",
        "URL: https://news.example/a\nDate: 2024-03-14\nsource: Le Monde\n\nHeadline\nBody text.\n",
    )

    article = only_article(load_articles(tmp_path))

    assert (article.url, article.date, article.source) == ("https://news.example/a", "2024-03-14", "Le Monde")
    assert article.title == "Headline"
    assert article.text == "Body text."


def test_txt_dashed_front_matter_with_title_keeps_the_whole_body(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.txt",
        '---\ntitle: "Sanctions: what changes"\ntags: [war, economy]\ndate: 2022-03-15\n---\n'
        "First line of the body.\nSecond line.\n",
    )

    article = only_article(load_articles(tmp_path))

    assert article.title == "Sanctions: what changes"
    assert article.date == "2022-03-15"
    assert article.text == "First line of the body.\nSecond line."


def test_first_paragraph_with_a_colon_is_not_front_matter(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Breaking: talks collapse\nurl: not a header here\n\nBody.\n")

    article = only_article(load_articles(tmp_path))

    assert article.title == "Breaking: talks collapse"
    assert article.url is None
    assert article.text == "url: not a header here\n\nBody."


def test_crlf_becomes_lf_and_utf8_bom_is_dropped(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"\xef\xbb\xbfTitre\r\n\r\nPremier paragraphe.\r\nDeuxi\xc3\xa8me.\r\n")

    article = only_article(load_articles(tmp_path))

    assert article.title == "Titre"
    assert article.text == "Premier paragraphe.\nDeuxième."


def test_one_line_article_keeps_its_line_as_text(tmp_path: Path) -> None:
    write(tmp_path, "brief.txt", "Ceasefire announced in the north at midnight.\n")

    article = only_article(load_articles(tmp_path))

    assert article.title == "Ceasefire announced in the north at midnight."
    assert article.text == article.title


def test_front_matter_without_title_or_body_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "stub.txt", "---\nurl: https://news.example/stub\n---\n\n")

    assert only_skip(load_articles(tmp_path)) == SkippedFile("stub.txt", "no text after the front matter")


def test_markdown_heading_becomes_title_and_markup_stays_in_text(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "# Markets fall  #\n\n## Why\n\nStocks **fell** 3%.\n")

    article = only_article(load_articles(tmp_path))

    assert article.title == "Markets fall"
    assert article.text == "## Why\n\nStocks **fell** 3%."


def test_markdown_front_matter_title_is_not_repeated_in_text(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Markets fall\n---\n\n# Markets fall\n\nStocks fell.\n")

    article = only_article(load_articles(tmp_path))

    assert article.title == "Markets fall"
    assert article.text == "Stocks fell."


def test_markdown_setext_title_drops_its_underline(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "Markets fall\n============\nStocks fell.\n")

    article = only_article(load_articles(tmp_path))

    assert (article.title, article.text) == ("Markets fall", "Stocks fell.")


def test_unclosed_front_matter_is_read_as_text_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Oubli\n\n# Le vrai titre\n\nLe corps de l'article.")

    load = load_articles(tmp_path)

    article = only_article(load)
    assert article.title == "title: Oubli"  # the rule line is never a title
    (warning,) = load.warnings
    assert warning.path == "a.md" and "never closed" in warning.message
