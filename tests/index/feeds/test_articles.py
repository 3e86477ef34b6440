"""An item's article file: read back by the folder reader exactly as written, named stably."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from index.feeds.articles import ArticleDraft, article_body, one_line, slug_for, write_if_changed
from index.feeds.parse import FeedItem
from index.ingest.origin import Origin
from index.ingest.plain_text import parse_text
from index.text.dates import publication_date
from index.text.urls import check_url

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


def _item(key: str, link: str | None, title: str) -> FeedItem:
    return FeedItem(key, link, title, None, None, "", False)


_DATES = st.datetimes().map(lambda moment: moment.isoformat(timespec="seconds") + "+00:00")


@given(
    title=_TEXT, text=_TEXT, url=st.none() | _TEXT, date=st.none() | _DATES | _TEXT, source=st.none() | _TEXT
)
def test_the_reader_gets_back_what_was_written(title, text, url, date, source):
    draft = ArticleDraft(title=title, text=text, url=url, date=date, source=source)
    title_line = one_line(title)
    body = article_body(text, title_line)
    if not title_line or not body.strip():
        return  # the follower never writes these (no title from anywhere, or no text)

    (record,) = parse_text(draft.file_text(), Origin("feed/item.txt"))

    article = record.article
    assert article.title == title_line
    assert article.text == body  # quotes will be exact slices of what is in the file
    assert article.url == check_url(one_line(url) if url else None).url  # links are checked on reading
    assert article.date == publication_date(one_line(date) if date else None).iso  # read into an ISO day
    assert article.source == (one_line(source) or None if source else None)


def test_a_file_looks_like_an_article_a_person_wrote():
    draft = ArticleDraft(
        "Éruption du Hekla", "Éruption du Hekla\n\nLe volcan gronde.\r\n", "http://n.example/h", "2024-05-02"
    )

    assert draft.file_text() == (
        "title: Éruption du Hekla\nurl: http://n.example/h\ndate: 2024-05-02\n\nLe volcan gronde.\n"
    )


def test_the_slug_follows_the_item_not_its_title():
    first = slug_for(_item("guid-1", "https://n.example/monde/2024/05/eruption-du-hekla.html", "Éruption"))
    renamed = slug_for(_item("guid-1", "https://n.example/monde/2024/05/eruption-du-hekla.html", "Le Hekla"))
    other = slug_for(_item("guid-2", "https://n.example/monde/2024/05/eruption-du-hekla.html", "Éruption"))

    assert first == renamed and first.startswith("eruption-du-hekla-") and other != first
    assert slug_for(_item("k", "https://n.example/article/12345", "Grève à la SNCF")).startswith(
        "greve-a-la-sncf-"
    )
    assert slug_for(_item("k", None, "!!!")).startswith("item-")


@given(key=_TEXT, link=st.none() | _TEXT, title=_TEXT)
def test_a_slug_is_always_a_safe_visible_file_stem(key, link, title):
    slug = slug_for(_item(key, link, title))
    assert slug and len(slug) <= 71 and not slug.startswith((".", "-"))
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


def test_an_unchanged_text_is_not_rewritten(tmp_path: Path):
    path = tmp_path / "feed" / "a.txt"

    outcomes = [write_if_changed(path, "one"), write_if_changed(path, "one"), write_if_changed(path, "two")]

    assert outcomes == ["new", "unchanged", "changed"] and path.read_text() == "two"
    assert [p.name for p in path.parent.iterdir()] == ["a.txt"]  # no temporary file left behind
