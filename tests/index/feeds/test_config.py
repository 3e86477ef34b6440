"""feeds.toml: valid files load; a bad one fails with one sentence naming the file, the entry, the fix."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.errors import FeedsConfigError
from index.feeds.config import Feed, is_safe_name, load_feeds, parse_feeds, url_problem
from tests.conftest import PROJECT_ROOT


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_lists_its_feeds_with_their_folders(tmp_path):
    path = _write(
        tmp_path,
        '[[feed]]\nname = "lemonde"\nurl = "https://www.lemonde.fr/rss/une.xml"\ncollection = "monde"\n'
        'source = "Le Monde"\n\n[[feed]]\nname = "hn"\nurl = "http://news.example/feed.json"\n',
    )

    feeds = load_feeds(path)

    assert feeds == [
        Feed("lemonde", "https://www.lemonde.fr/rss/une.xml", "monde", "Le Monde"),
        Feed("hn", "http://news.example/feed.json"),
    ]
    assert [feed.folder for feed in feeds] == ["monde/lemonde", "hn"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[feed]]\nname = "a"\nurl = "https://x.org/f"\n[[feed', "is not valid TOML"),
        ("", "lists no feeds: add [[feed]] tables"),
        ('[feeds]\nname = "a"', "unknown top-level key 'feeds': list feeds as [[feed]] tables"),
        ('[[feed]]\nurl = "https://x.org/f"', "feed 1: name is missing: every feed needs a name and a url"),
        (
            '[[feed]]\nname = "../etc"\nurl = "https://x.org/f"',
            "feed 1 ('../etc'): name: '../etc' is not a safe",
        ),
        ('[[feed]]\nname = ".hidden"\nurl = "https://x.org/f"', "is not a safe folder name"),
        (
            '[[feed]]\nname = "a"\nurl = "ftp://x.org/f"',
            "feed 1 ('a'): url: 'ftp://x.org/f' is not an http(s) URL",
        ),
        ('[[feed]]\nname = "a"\nurl = "https://u:p@x.org/f"', "carries a user name or password"),
        (
            '[[feed]]\nname = "a"\nurl = "https://x.org/f"\nuri = "x"',
            "unknown key 'uri': a feed has only name",
        ),
        ('[[feed]]\nname = 3\nurl = "https://x.org/f"', "name must be a string in quotes"),
        (
            '[[feed]]\nname = "a"\nurl = "https://x.org/1"\n[[feed]]\nname = "A"\nurl = "https://x.org/2"',
            "feed 2 ('A') uses the same folder as feed 1: give each feed its own name",
        ),
        (
            '[[feed]]\nname = "a"\nurl = "https://x.org/1"\n[[feed]]\nname = "b"\nurl = "https://x.org/1"',
            "repeats the url of feed 1",
        ),
        (
            '[[feed]]\nname = "monde"\nurl = "https://x.org/1"\n'
            '[[feed]]\nname = "b"\ncollection = "monde"\nurl = "https://x.org/2"',
            "inside feed 1's folder",
        ),
    ],
)
def test_a_bad_file_is_one_sentence_naming_the_file_and_the_fix(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(FeedsConfigError) as error:
        load_feeds(path)
    message = str(error.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_a_missing_file_says_how_to_point_at_one(tmp_path):
    with pytest.raises(FeedsConfigError, match=r"does not exist: create it .* or set QA_FEEDS_FILE"):
        load_feeds(tmp_path / "nope.toml")


_NAME_CHARACTERS = string.ascii_letters + string.digits + "._-/\\ :é\x00"


@given(st.text(alphabet=_NAME_CHARACTERS, max_size=70))
def test_an_accepted_name_is_always_one_plain_folder(name):
    data = {"feed": [{"name": name, "url": "https://example.org/feed.xml"}]}
    try:
        (feed,) = parse_feeds(data, Path("feeds.toml"))
    except FeedsConfigError as error:
        assert "feeds.toml" in str(error)
        assert not is_safe_name(name)
        return
    assert is_safe_name(feed.name) and feed.name == name.strip()
    assert "/" not in feed.name and "\\" not in feed.name and not feed.name.startswith(".")
    resolved = (Path("/articles") / feed.folder).resolve()
    assert resolved.parent == Path("/articles")


_URL_PIECES = st.sampled_from(
    ["http", "https", "ftp", "file", "javascript", ":", "//", "/", "@", "example.org", "127.0.0.1", ":8080",
     "?q=1", "#f", " ", "feed.xml", "user:pw", "%20", "[::1]", "é"]
)  # fmt: skip


@given(st.lists(_URL_PIECES, max_size=8).map("".join))
def test_only_absolute_http_urls_with_a_host_are_accepted(url):
    data = {"feed": [{"name": "feed", "url": url}]}
    try:
        (feed,) = parse_feeds(data, Path("feeds.toml"))
    except FeedsConfigError as error:
        assert "feed 1 ('feed')" in str(error)
        return
    assert url_problem(feed.url) is None
    assert feed.url.lower().startswith(("http://", "https://")) and " " not in feed.url


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=5), c),
        max_leaves=8,
    )
)
def test_any_toml_shaped_data_either_loads_or_fails_with_a_sentence(data):
    try:
        parse_feeds({"feed": data}, Path("feeds.toml"))
    except FeedsConfigError as error:
        assert str(error).startswith("feeds file feeds.toml")
    json.dumps(data)


def test_the_example_in_the_repository_is_valid():
    feeds = load_feeds(PROJECT_ROOT / "deploy" / "feeds.example.toml")
    assert [feed.folder for feed in feeds] == ["world/example-world", "example-science"]
