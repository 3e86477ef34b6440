"""File bytes → text: UTF-8 only (never guessed), with a reason that says how to fix the file."""

from __future__ import annotations

import codecs
import re

from index.ingest.origin import Skip

_BINARY_SAMPLE_BYTES = 8192
_BINARY_CONTROL_SHARE = 0.1
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f\v\x1b")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# UTF-16 text without a byte-order mark: ASCII letters leave a zero byte in every other position.
_UTF16_ZERO_SHARE = 0.3
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes, *, html: bool = False) -> str:
    """UTF-8 text with "\\n" line endings, or a `Skip` that says how to fix the file."""
    if not data.strip():
        raise Skip("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Skip("UTF-16 text, not UTF-8; save it as UTF-8")
    sample = data[:_BINARY_SAMPLE_BYTES]
    byte_order = _utf16_without_bom(sample)
    if byte_order:
        raise Skip(f"looks like UTF-16 text ({byte_order}) without a byte-order mark; save it as UTF-8")
    if _looks_binary(sample):
        raise Skip("binary file, not text")
    text = _utf8_text(data, html=html)
    if LONE_SURROGATE.search(text):  # only a declared legacy charset can produce one
        raise Skip("its declared charset decodes to invalid characters; save it as UTF-8")
    if not text.strip():
        raise Skip("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(sample: bytes) -> str | None:
    """'little-endian' or 'big-endian' when zero bytes fill one of the two byte positions."""
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_zeros, odd_zeros = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_zeros >= _UTF16_ZERO_SHARE and even_zeros < odd_zeros / 4:
        return "little-endian"
    if even_zeros >= _UTF16_ZERO_SHARE and odd_zeros < even_zeros / 4:
        return "big-endian"
    return None


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
