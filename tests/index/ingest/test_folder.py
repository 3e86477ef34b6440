"""Reading a folder of articles: every format, stable ids, and a report for every bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from index.errors import ArticlesError
from index.ingest import html_page as html_text
from index.ingest.folder import ArticleLoad, iter_article_files, iter_articles, load_articles
from index.records import Article, SkippedFile, content_hash
from tests.conftest import SAMPLE_ARTICLES

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Rome talks end without a deal | The Daily Example</title>
  <meta property="og:title" content="Rome talks end without a deal">
  <meta property="og:site_name" content="The Daily Example">
  <link rel="canonical" href="https://daily.example/world/rome-talks">
  <meta property="article:published_time" content="2022-03-15T09:30:00Z">
</head>
<body>
  <header><a href="/">The Daily Example</a> <a href="/subscribe">Subscribe now</a></header>
  <nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
  <li><a href="/login">Log in to your account</a></li></ul></nav>
  <main>
    <article>
      <h1>Rome talks end without a deal</h1>
      <p>National security adviser Jake Sullivan met Yang Jiechi in Rome on Monday for seven
      hours of talks about the war in Ukraine and the sanctions imposed on Moscow.</p>
      <p>Officials said the United States warned China against helping Russia evade the
      sanctions, and that any military support would carry significant consequences.</p>
      <p>Neither side announced an agreement, but both described the meeting as candid and
      said further contacts between the two delegations were expected in the coming weeks.</p>
    </article>
  </main>
  <aside>Most read: ten recipes for the weekend</aside>
  <footer><p>Copyright 2022 The Daily Example. All rights reserved.</p>
  <a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></footer>
</body>
</html>
"""


def write(root: Path, relative: str, content: str | bytes) -> Path:
    """Create `root/relative` (and its folders) holding `content` (str is written as UTF-8)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def only_article(load: ArticleLoad) -> Article:
    assert load.skipped == [], [skip.describe() for skip in load.skipped]
    assert len(load.articles) == 1
    return load.articles[0]


def only_skip(load: ArticleLoad) -> SkippedFile:
    assert load.articles == []
    assert len(load.skipped) == 1
    return load.skipped[0]


def by_id(load: ArticleLoad) -> dict[str, Article]:
    return {article.id: article for article in load.articles}


# --- plain text and Markdown --------------------------------------------------------------


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


# --- HTML ---------------------------------------------------------------------------------


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


# --- JSON and JSON Lines ------------------------------------------------------------------


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


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n"])
def test_empty_file_is_reported(tmp_path: Path, content: bytes) -> None:
    write(tmp_path, "blank.txt", content)

    assert only_skip(load_articles(tmp_path)) == SkippedFile("blank.txt", "empty file")


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(1, 9)) * 100 + b"some text"],
    ids=["nul-bytes", "control-bytes"],
)
def test_binary_file_is_reported(tmp_path: Path, content: bytes) -> None:
    write(tmp_path, "photo.txt", content)

    assert only_skip(load_articles(tmp_path)) == SkippedFile("photo.txt", "binary file, not text")


def test_latin1_text_is_reported_not_guessed(tmp_path: Path) -> None:
    write(tmp_path, "old.txt", "Titre\nDeuxième ligne\n".encode("cp1252"))

    skip = only_skip(load_articles(tmp_path))

    assert skip.reason == "not valid UTF-8 (byte 0xe8 at offset 11); save it as UTF-8"
    assert skip.line == 2


def test_utf16_text_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "wide.txt", "Title\nBody".encode("utf-16"))

    assert only_skip(load_articles(tmp_path)).reason == "UTF-16 text, not UTF-8; save it as UTF-8"


def test_file_over_the_size_limit_is_reported_without_reading_it(tmp_path: Path) -> None:
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB on paper, nothing written

    skip = only_skip(load_articles(tmp_path))

    assert skip.reason == "file is 50.0 MB, over the 20 MB limit (QA_MAX_ARTICLE_BYTES)"


def test_small_size_limit_applies_to_every_format(tmp_path: Path) -> None:
    write(tmp_path, "big.txt", "Title\n" + "word " * 300)
    write(tmp_path, "small.txt", "Title\nShort.")

    load = load_articles(tmp_path, max_bytes=1000)

    assert [a.id for a in load.articles] == ["small.txt"]
    assert load.skipped == [
        SkippedFile("big.txt", "file is 1.5 KB, over the 1 KB limit (QA_MAX_ARTICLE_BYTES)")
    ]


def test_broken_link_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")

    skip = only_skip(load_articles(tmp_path))

    assert skip.path == "gone.txt"
    assert skip.reason.startswith("cannot read file: ")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "secret.txt", "Title\nBody")
    (tmp_path / "secret.txt").chmod(0)

    skip = only_skip(load_articles(tmp_path))

    assert skip.reason == "cannot read file: permission denied; give the bot's user read access"


def test_permission_error_while_reading_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "secret.txt", "Title\nBody")
    write(tmp_path, "public.txt", "Other\nBody")
    real_open = Path.open

    def guarded_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)

    load = load_articles(tmp_path)

    assert [a.id for a in load.articles] == ["public.txt"]
    assert load.skipped == [
        SkippedFile("secret.txt", "cannot read file: permission denied; give the bot's user read access")
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_reported_instead_of_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")

    assert only_skip(load_articles(tmp_path)).reason.startswith("not a regular file")


def test_duplicate_content_is_reported_against_the_first_copy(tmp_path: Path) -> None:
    write(tmp_path, "a/story.txt", "Title\nSame body.")
    write(tmp_path, "b/story-copy.txt", "Title\r\nSame body.\r\n")
    write(tmp_path, "c.jsonl", json.dumps({"title": "Title", "text": "Same body."}) + "\n")

    load = load_articles(tmp_path)

    assert [a.id for a in load.articles] == ["a/story.txt"]
    assert load.skipped == [
        SkippedFile("b/story-copy.txt", "duplicate of a/story.txt"),
        SkippedFile("c.jsonl", "duplicate of a/story.txt", line=1),
    ]


@pytest.mark.parametrize(
    ("name", "reason_start"),
    [
        ("report.pdf", "unsupported file type .pdf"),
        ("notes.DOCX", "unsupported file type .docx"),
        ("Makefile", "unsupported file type (no extension)"),
        ("README.md", "looks like a README or licence file, not an article"),
        ("LICENSE", "looks like a README or licence file, not an article"),
    ],
)
def test_files_that_are_not_articles_are_listed(tmp_path: Path, name: str, reason_start: str) -> None:
    write(tmp_path, name, "Some title\nSome text.")

    skip = only_skip(load_articles(tmp_path))

    assert skip.path == name
    assert skip.reason.startswith(reason_start)


def test_uppercase_extension_is_supported(tmp_path: Path) -> None:
    write(tmp_path, "LOUD.TXT", "Title\nBody.")

    assert only_article(load_articles(tmp_path)).id == "LOUD.TXT"


def test_hidden_files_and_folders_are_ignored_silently(tmp_path: Path) -> None:
    write(tmp_path, ".DS_Store", b"\x00\x01binary")
    write(tmp_path, ".git/config", "[core]")
    write(tmp_path, "world/.draft.txt", "Draft\nNot yet.")
    write(tmp_path, "world/a.txt", "Title\nBody.")

    load = load_articles(tmp_path)

    assert [a.id for a in load.articles] == ["world/a.txt"]
    assert load.skipped == []
    assert load.files_seen == 1


def test_good_files_still_load_next_to_bad_ones(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Alpha\nFirst story.")
    write(tmp_path, "b.txt", b"")
    write(tmp_path, "c.txt", b"\xffTitle\nbody")
    write(tmp_path, "d.json", "{not json")
    write(tmp_path, "e.pdf", b"%PDF-1.4")
    write(tmp_path, "world/f.md", "# Foxtrot\nSixth story.")
    write(tmp_path, "world/g.html", NEWS_PAGE)

    load = load_articles(tmp_path)

    assert [a.id for a in load.articles] == ["a.txt", "world/f.md", "world/g.html"]
    assert [skip.path for skip in load.skipped] == ["b.txt", "c.txt", "d.json", "e.pdf"]
    assert load.files_seen == 7


# --- the folder ---------------------------------------------------------------------------


def test_missing_folder_raises_a_sentence_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"

    with pytest.raises(ArticlesError) as raised:
        load_articles(missing)

    message = str(raised.value)
    assert str(missing) in message
    assert "does not exist" in message
    assert "QA_ARTICLES_DIR" in message


def test_file_given_as_folder_raises(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Title\nBody.")

    with pytest.raises(ArticlesError, match="is a file, not a folder"):
        load_articles(path)


def test_empty_folder_is_an_empty_load_not_an_error(tmp_path: Path) -> None:
    assert load_articles(tmp_path) == ArticleLoad(articles=[], skipped=[], files_seen=0)


def test_order_ids_and_collections_are_stable(tmp_path: Path) -> None:
    write(tmp_path, "z.txt", "Zulu\nLast at the top level.")
    write(tmp_path, "world/europe/2024-03-14-russia.txt", "Russia\nNested story.")
    write(tmp_path, "world/b.jsonl", '{"title": "B1", "text": "one"}\n{"title": "B2", "text": "two"}\n')
    write(tmp_path, "a.txt", "Alpha\nFirst.")

    first = load_articles(tmp_path)
    second = load_articles(tmp_path)

    assert [(a.id, a.collection) for a in first.articles] == [
        ("a.txt", ""),
        ("world/b.jsonl#1", "world"),
        ("world/b.jsonl#2", "world"),
        ("world/europe/2024-03-14-russia.txt", "world"),
        ("z.txt", ""),
    ]
    assert first == second


def test_linked_folders_are_followed_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "linked.txt", "Linked\nFrom elsewhere.")
    root = tmp_path / "articles"
    root.mkdir()
    (root / "shared").symlink_to(outside, target_is_directory=True)
    (outside / "loop").symlink_to(outside, target_is_directory=True)

    load = load_articles(root)

    assert [a.id for a in load.articles] == ["shared/linked.txt"]


def test_streaming_gives_the_same_result_in_the_same_order(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Alpha\nFirst.")
    write(tmp_path, "b.pdf", b"%PDF")
    write(tmp_path, "c/d.md", "# Delta\nFourth.")
    write(tmp_path, ".hidden.txt", "Hidden\nNo.")

    load = load_articles(tmp_path)
    streamed = list(iter_articles(tmp_path))

    assert [p.relative_to(tmp_path).as_posix() for p in iter_article_files(tmp_path)] == [
        "a.txt",
        "b.pdf",
        "c/d.md",
    ]
    assert [x for x in streamed if isinstance(x, Article)] == load.articles
    assert [x for x in streamed if isinstance(x, SkippedFile)] == load.skipped
