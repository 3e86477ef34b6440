"""Reading a folder of articles: stable ids and order, and a report for every file left out."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from index.errors import ArticlesError
from index.ingest.folder import ArticleLoad, iter_article_files, iter_articles, load_articles
from index.records import Article, SkippedFile
from tests.index.ingest.helpers import NEWS_PAGE, only_article, only_skip, write


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


def test_links_inside_the_folder_are_followed_once(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    write(root, "world/linked.txt", "Linked\nFrom the world folder.")
    (root / "alias").symlink_to(root / "world", target_is_directory=True)
    (root / "world" / "loop").symlink_to(root / "world", target_is_directory=True)

    load = load_articles(root)

    assert [a.id for a in load.articles] == ["world/linked.txt"]
    assert load.skipped == []


def test_links_leaving_the_folder_are_skipped_and_listed(tmp_path: Path) -> None:
    """A committed `notes.txt -> ../.env` must never turn a secret into an article."""
    (tmp_path / ".env").write_text("DISCORD_TOKEN=secret-token-value\n", encoding="utf-8")
    write(tmp_path / "elsewhere", "private.txt", "Private\nNot for the bot.")
    root = tmp_path / "articles"
    write(root, "real.txt", "Real\nAn article.")
    (root / "notes.txt").symlink_to(tmp_path / ".env")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "elsewhere").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    load = load_articles(root)

    assert [a.id for a in load.articles] == ["real.txt"]
    assert sorted(skip.path for skip in load.skipped) == ["elsewhere", "notes.txt", "passwd.txt"]
    assert all("outside the articles folder" in skip.reason for skip in load.skipped)
    assert "secret-token-value" not in repr(load)


def test_names_that_are_not_text_are_skipped_and_listed_printably(tmp_path: Path) -> None:
    """A name with bytes that are not UTF-8 crashed the whole rebuild when stored as an id."""
    write(tmp_path, "real.txt", "Real\nAn article.")
    os.makedirs(os.path.join(os.fsencode(tmp_path), b"caf\xe9"))
    for name in (b"weird\xffname.txt", b"caf\xe9/inside.txt", b"two\nlines.txt"):
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(b"Title\nSome text.")

    load = load_articles(tmp_path)

    assert [a.id for a in load.articles] == ["real.txt"]
    assert sorted(skip.path for skip in load.skipped) == ["caf\ufffd", "two lines.txt", "weird\ufffdname.txt"]
    assert all(skip.reason.startswith("its name is not UTF-8 text") for skip in load.skipped)
    assert all(skip.describe().encode("utf-8") for skip in load.skipped)  # printable anywhere


def test_a_rebuild_survives_a_name_that_is_not_text(tmp_path: Path) -> None:
    from devtools.fake_embedder import FakeEmbedder
    from index.build.pipeline import rebuild

    write(tmp_path / "articles", "real.txt", "Real\nAn article about the harbour.")
    with open(os.path.join(os.fsencode(tmp_path / "articles"), b"bad\xff.txt"), "wb") as handle:
        handle.write(b"Title\nSome text.")

    report = rebuild(tmp_path / "articles", tmp_path / "index", FakeEmbedder())

    assert report.version and report.articles == 1 and len(report.skipped) == 1


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


_PAGE_PUBLISHED = (
    "<html><head><title>Titre</title><meta property='article:published_time' content='{when}'>"
    "</head><body><article><p>" + "Un texte assez long pour être lu comme un article. " * 5 + "</p>"
    "</article></body></html>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.txt", "date: 14 mars 2022\n\nTitre\n\nTexte."),
        ("b.json", json.dumps({"title": "Titre", "text": "Texte.", "date": "Mon, 14 Mar 2022 10:00:00 GMT"})),
        ("c.html", _PAGE_PUBLISHED.format(when="2022-03-14T08:00:00+01:00")),
    ],
)
def test_every_format_stores_the_date_as_an_iso_day(tmp_path: Path, name: str, content: str) -> None:
    write(tmp_path, name, content)

    assert only_article(load_articles(tmp_path)).date == "2022-03-14"


def test_a_date_that_cannot_be_read_is_dropped_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "date: bientôt\n\nTitre\n\nTexte.")

    load = load_articles(tmp_path)

    assert only_article(load).date is None
    assert [w.message for w in load.warnings] == ["date 'bientôt' is not a date; write it as 2022-03-14"]
