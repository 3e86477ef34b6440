"""Gateway transport compression: one shared stream per connection, as discord.py expects."""

from __future__ import annotations

import zlib
from typing import Any, Protocol


class Encoder(Protocol):
    """Turns one JSON text into the frame payload to send."""

    binary: bool

    def encode(self, text: str) -> bytes | str: ...


class PlainEncoder:
    """No transport compression: text frames."""

    binary = False

    def encode(self, text: str) -> bytes | str:
        return text


class ZlibStreamEncoder:
    """`compress=zlib-stream`: one compressobj per connection; frames Z_SYNC_FLUSHed (end 00 00 ff ff)."""

    binary = True

    def __init__(self) -> None:
        self._stream = zlib.compressobj()

    def encode(self, text: str) -> bytes | str:
        data = text.encode("utf-8")
        return self._stream.compress(data) + self._stream.flush(zlib.Z_SYNC_FLUSH)


class ZstdStreamEncoder:
    """`compress=zstd-stream` (discord.py picks it when `zstandard` is installed): one frame per message."""

    binary = True

    def __init__(self) -> None:
        import zstandard

        self._zstd: Any = zstandard
        self._stream: Any = zstandard.ZstdCompressor().compressobj()

    def encode(self, text: str) -> bytes | str:
        chunk: bytes = self._stream.compress(text.encode("utf-8"))
        return chunk + self._stream.flush(self._zstd.COMPRESSOBJ_FLUSH_BLOCK)


def encoder_for(compress: str | None) -> Encoder:
    """The encoder for the `compress` query parameter; unknown values are a usage error."""
    if not compress:
        return PlainEncoder()
    if compress == "zlib-stream":
        return ZlibStreamEncoder()
    if compress == "zstd-stream":
        return ZstdStreamEncoder()
    raise ValueError(f"unsupported gateway compression {compress!r}")
