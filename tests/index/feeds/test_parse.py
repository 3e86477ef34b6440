"""Feed documents → items: what comes from outside is checked, normalised or refused with a reason."""

from __future__ import annotations

import json
from datetime import datetime
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devtools.feed_server import Story, atom, json_feed, rss
from index.errors import FeedError
from index.feeds.parse import iso_date, parse_feed

BASE = "http://news.example/rss/une.xml"


@pytest.mark.parametrize(
    ("render", "content_type"),
    [(rss, "application/rss+xml"), (atom, "application/atom+xml"), (json_feed, "application/feed+json")],
)
def test_the_three_formats_give_the_same_items(render, content_type):
    stories = [
        Story("Éruption <du> Hekla", "http://news.example/hekla", "Le volcan gronde.", guid="g1"),
        Story("Grève", "/trains", "Aucun train.", guid="g2", published="2024-05-03T10:00:00+02:00"),
    ]

    parsed = parse_feed(render(stories).encode(), content_type, BASE)

    first, second = parsed.items
    assert first.key.endswith("g1")  # feedparser reads an Atom id as a URI, relative to the feed
    assert (first.link, first.title, first.date) == (
        "http://news.example/hekla",
        "Éruption <du> Hekla",
        "2024-05-02T08:30:00+00:00",
    )
    assert second.link == "http://news.example/trains"  # resolved against the feed's address
    assert second.date == "2024-05-03T08:00:00+00:00"  # in UTC
    assert "Le volcan gronde." in first.content and parsed.title is not None


def test_items_without_a_link_or_text_are_left_out_and_bad_links_dropped():
    stories = [
        Story("Rien", None, ""),
        Story("Script", "javascript:alert(1)", "Un texte."),
        Story("Fichier", "file:///etc/passwd", ""),
    ]

    parsed = parse_feed(rss(stories).encode(), "application/rss+xml", BASE)

    assert [(item.title, item.link) for item in parsed.items] == [("Script", None)]


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut',
            "application/rss+xml",
            "malformed XML",
        ),
        (b"garbage <<<>>> not xml", "text/xml", "malformed XML"),
        (b"<html><body><p>Hello</p></body></html>", "text/html", "not a feed but an HTML page"),
        (
            b'{"version": "1.0", "items": []}',
            "application/json",
            "not a feed (JSON without a JSON Feed version)",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}',
            "application/json",
            "'items' is not a list",
        ),
        (b"{not json", "application/feed+json", "malformed JSON"),
        (b"just text", "text/plain", "malformed XML"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(body, content_type, reason):
    with pytest.raises(FeedError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_feed(body, content_type, BASE)


def test_a_feed_with_a_repairable_fault_keeps_its_items_with_a_warning():
    body = rss([Story("A &bogus; b", "http://news.example/a", "Texte.")]).replace("&amp;bogus;", "&bogus;")

    parsed = parse_feed(body.encode(), "application/rss+xml", BASE)

    assert [item.link for item in parsed.items] == ["http://news.example/a"]
    assert parsed.warning is not None and parsed.warning.startswith("malformed XML")


def test_the_fingerprint_changes_with_the_text_and_the_key_does_not():
    before = parse_feed(rss([Story("T", "http://n.example/a", "v1", guid="g")]).encode(), "", BASE).items[0]
    after = parse_feed(rss([Story("T2", "http://n.example/a", "v2", guid="g")]).encode(), "", BASE).items[0]
    assert before.key == after.key and before.fingerprint != after.fingerprint


_TITLES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
_LINKS = st.one_of(
    st.text(max_size=30),
    st.builds(lambda path: f"http://news.example/{path}", st.text(max_size=20)),
    st.sampled_from(["https://x.org/a b", "//cdn.example/x", "mailto:a@b", "http://", "/relative?q=1#f"]),
)
_DATES = st.one_of(
    st.text(max_size=30),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(["Thu, 02 May 2024 08:30:00 GMT", "2024-05-02", "2024-02-30T00:00:00Z", "99999-01-01"]),
)


@given(_TITLES, _LINKS, _DATES)
def test_any_title_link_and_date_from_a_json_feed_is_normalised_or_dropped(title, link, date):
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [{"id": "1", "title": title, "url": link, "content_text": "Texte.", "date_published": date}],
    }

    (item,) = parse_feed(json.dumps(document).encode(), "application/feed+json", BASE).items

    assert "\n" not in item.title and item.title == item.title.strip()
    assert item.link is None or item.link.startswith(("http://", "https://"))
    if item.date is not None:
        assert datetime.fromisoformat(item.date).utcoffset().total_seconds() == 0


@given(_TITLES, _LINKS)
def test_any_title_and_link_in_rss_is_normalised_or_dropped(title, link):
    clean = "".join(c for c in title + link if c.isprintable() or c in "\t\n")  # XML forbids the rest
    story = Story(title=clean[: len(title)], link=None, text="Texte.")
    body = rss([story]).replace("</title><pubDate>", f"</title><link>{escape(link)}</link><pubDate>")

    try:
        items = parse_feed(body.encode(), "application/rss+xml", BASE).items
    except FeedError:
        return  # a document XML cannot parse: refused with a reason
    for item in items:
        assert "\n" not in item.title
        assert item.link is None or item.link.startswith(("http://", "https://"))


@given(st.datetimes(timezones=st.timezones()))
def test_iso_dates_are_the_same_moment_in_utc(moment):
    normalised = iso_date(moment.isoformat())
    if normalised is None:  # out of range once moved to UTC (year 1 or 9999)
        return
    # Compared through the offset the text carries (a zone's gaps and folds compare oddly otherwise).
    assert datetime.fromisoformat(normalised) == datetime.fromisoformat(
        moment.replace(microsecond=0).isoformat()
    )
