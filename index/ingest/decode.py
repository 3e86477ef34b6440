"""File bytes → text: UTF-8 only (never guessed), with a reason that says how to fix the file."""

from __future__ import annotations

import codecs
import re

from index.ingest.origin import Skip

_BINARY_SAMPLE_BYTES = 8192
_BINARY_CONTROL_SHARE = 0.1
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f\v\x1b")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode(data: bytes, *, html: bool = False) -> str:
    """UTF-8 text with "\\n" line endings, or a `Skip` that says how to fix the file."""
    if not data.strip():
        raise Skip("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Skip("UTF-16 text, not UTF-8; save it as UTF-8")
    if _looks_binary(data[:_BINARY_SAMPLE_BYTES]):
        raise Skip("binary file, not text")
    text = _utf8_text(data, html=html)
    if not text.strip():
        raise Skip("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf8_text(data: bytes, *, html: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        declared = _declared_charset_text(data) if html else None
        if declared is None:
            raise _not_utf8(data, error) from error
        return declared


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROL_BYTES)
    return controls > _BINARY_CONTROL_SHARE * len(sample)


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> Skip:
    line = data.count(b"\n", 0, error.start) + 1
    return Skip(
        f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8",
        line=line,
    )


def _declared_charset_text(data: bytes) -> str | None:
    """The page decoded with the charset its own <meta> tag declares, if it declares one."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return data.decode(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
