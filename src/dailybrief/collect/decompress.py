"""Bounded decoding of HTTP bodies (Content-Encoding gzip, deflate, brotli).

A compressed body is decoded chunk by chunk with a limit on the output of every step, so a
decompression bomb (a few kilobytes that unpack to gigabytes) costs at most the size cap in
memory: the decoder is never asked for more than the room left under the cap plus one byte,
and that one extra byte is how an over-long body is noticed. httpx's own decoders expand each
network chunk in full before anyone can look at its size; the collector reads the raw stream
and decodes here instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli

from ..errors import CollectError

ACCEPT_ENCODING = "gzip, deflate, br"


class DecodeError(CollectError):
    """The body is not valid data in its declared Content-Encoding."""


class _Identity:
    def feed(self, data: bytes, limit: int) -> bytes:
        return data[:limit]


class _Zlib:
    """gzip (wbits 16+15) or deflate: zlib-wrapped, or raw as some servers send it."""

    def __init__(self, gzip: bool):
        self._gzip = gzip
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._first = True
        self._pending = b""  # input the decoder has not taken yet (output limit reached)

    def feed(self, data: bytes, limit: int) -> bytes:
        data = self._pending + data
        try:
            out = self._obj.decompress(data, limit)
        except zlib.error:
            if self._gzip or not self._first:
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent without the header
            out = self._obj.decompress(data, limit)
        self._first = False
        self._pending = self._obj.unconsumed_tail
        return out


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        return self._obj.process(data, output_buffer_limit=limit)


_DECODERS: dict[str, Callable[[], _Identity | _Zlib | _Brotli]] = {
    "identity": _Identity,
    "gzip": lambda: _Zlib(gzip=True),
    "x-gzip": lambda: _Zlib(gzip=True),
    "deflate": lambda: _Zlib(gzip=False),
    "br": _Brotli,
}


class BoundedDecoder:
    """Decodes a body fed in chunks; keeps at most `max_bytes` decoded bytes.

    `feed` returns the decoded bytes of a chunk (never more than the room left); once the body
    has more than `max_bytes` decoded bytes, `overflow` is set and the caller stops reading.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int):
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        unknown = [n for n in names if n not in _DECODERS]
        if unknown:
            raise DecodeError(f"unsupported Content-Encoding {unknown[0]!r}")
        # Encodings are listed in the order they were applied: undo them from the last.
        self._steps: list[_Identity | _Zlib | _Brotli] = [_DECODERS[n]() for n in reversed(names)] or [_Identity()]
        self.max_bytes = max_bytes
        self.size = 0
        self.overflow = False

    def feed(self, chunk: bytes) -> bytes:
        room = self.max_bytes - self.size
        data = chunk
        try:
            for step in self._steps:
                data = step.feed(data, room + 1)
        except (zlib.error, brotli.error) as exc:
            raise DecodeError(f"body is not valid {self._names()} data ({exc})") from None
        if len(data) > room:
            data = data[:room]
            self.overflow = True
        self.size += len(data)
        return data

    def _names(self) -> str:
        return "+".join(type(step).__name__.strip("_").lower() for step in self._steps)
