"""File bytes to text: empty, binary and non-UTF-8 files are reported, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest.folder import load_articles
from index.records import SkippedFile
from tests.index.ingest.helpers import only_skip, write


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


@pytest.mark.parametrize(("codec", "order"), [("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")])
def test_utf16_without_a_byte_order_mark_is_named_as_such(tmp_path: Path, codec: str, order: str) -> None:
    write(tmp_path, "a.txt", "Titre\nUn article écrit en UTF-16 sans marque.".encode(codec))
    skip = only_skip(load_articles(tmp_path))
    assert f"UTF-16 text ({order}) without a byte-order mark" in skip.reason
    assert "save it as UTF-8" in skip.reason
