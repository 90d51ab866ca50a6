"""Blank form pages rendered once per content version and language, then stamped per request.

A blank survey is the same for every resident who opens it, except for two values: the
CSRF token and the response's UUID. Rendering it (dozens of questions, hundreds of
inputs) costs far more than everything else in the request, so the first request renders
it, the two values are swapped for markers, and later requests only put fresh values
back. The key carries the campaign's ``content_version``, so an edit is seen as soon as
the campaign's snapshot is read again (see ``services.campaigns.campaign_snapshot``);
nothing here is state another host needs.

Compression is stamped the same way: the part of the page before the first per-request
value is deflated once (ending on a byte boundary), and each request appends the short
rest of the page as a stored (uncompressed) deflate block and the gzip trailer, the CRC
carried on from the one of the part before. The template puts the two values at the end
of the form so that the rest is a few hundred bytes; compressing them would cost more
than the bytes it saves (a zlib compressor holds some 256 KB of state to copy or set up).
"""
from __future__ import annotations

import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

GZIP_LEVEL = 6
#: gzip member header: magic, deflate, no flags, no time, no extra flags, unknown OS (RFC 1952)
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
#: the largest stored deflate block (RFC 1951)
STORED_BLOCK_MAX = 0xFFFF


@dataclass(frozen=True)
class _Blank:
    head: str  #: the page up to the first per-request value
    middle: str  #: between the two values
    tail: str  #: after the second value
    csrf_first: bool  #: whether the CSRF token comes before the UUID
    gzip_head: bytes  #: the gzip header and ``head`` deflated, flushed to a byte boundary
    head_crc: int  #: CRC-32 of ``head`` (UTF-8)
    head_size: int  #: bytes of ``head`` (UTF-8)

    @classmethod
    def from_html(cls, html: str, csrf_token: str, uuid: str) -> _Blank | None:
        if html.count(csrf_token) != 1 or html.count(uuid) != 1:
            return None
        first, second = sorted((csrf_token, uuid), key=html.index)
        head, rest = html.split(first)
        middle, tail = rest.split(second)
        head_bytes = head.encode("utf-8")
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate
        deflated = compressor.compress(head_bytes) + compressor.flush(zlib.Z_SYNC_FLUSH)
        return cls(head, middle, tail, first == csrf_token, GZIP_HEADER + deflated, zlib.crc32(head_bytes),
                   len(head_bytes))

    def stamp(self, csrf_token: str, uuid: str, gzip: bool) -> bytes:
        first, second = (csrf_token, uuid) if self.csrf_first else (uuid, csrf_token)
        rest = f"{first}{self.middle}{second}{self.tail}".encode("utf-8")
        if not gzip:
            return self.head.encode("utf-8") + rest
        if len(rest) > STORED_BLOCK_MAX:  # never for a survey; still a valid stream
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
            last = compressor.compress(rest) + compressor.flush()
        else:  # the final block, stored: BFINAL=1, BTYPE=00, then LEN and its complement
            last = struct.pack("<BHH", 1, len(rest), len(rest) ^ 0xFFFF) + rest
        trailer = struct.pack("<II", zlib.crc32(rest, self.head_crc), (self.head_size + len(rest)) & 0xFFFFFFFF)
        return self.gzip_head + last + trailer


class BlankPageCache:
    """A small LRU of rendered blank pages with their per-request values taken out."""

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self._pages: OrderedDict[Hashable, _Blank] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[], tuple[str, str, str]], csrf_token: str, uuid: str,
             gzip: bool = False) -> tuple[bytes, str | None]:
        """The page for ``key`` with ``csrf_token`` and ``uuid`` stamped in, and its content encoding.

        ``render()`` returns (html, the csrf token it used, the uuid it used); it is only
        called when the page is not cached yet.
        """
        with self._lock:
            blank = self._pages.get(key)
            if blank is not None:
                self._pages.move_to_end(key)
        if blank is None:
            html, used_token, used_uuid = render()
            blank = _Blank.from_html(html, used_token, used_uuid)
            if blank is None:  # cannot stamp safely: serve this rendering as is, don't cache it
                return html.encode("utf-8"), None
            with self._lock:
                self._pages[key] = blank
                while len(self._pages) > self.max_entries:
                    self._pages.popitem(last=False)
        return blank.stamp(csrf_token, uuid, gzip), ("gzip" if gzip else None)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()
