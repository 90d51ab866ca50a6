"""Blank form pages rendered once per content version and language, then stamped per request.

A blank survey is the same for every resident who opens it, except for two values: the
CSRF token and the response's UUID. Rendering it (dozens of questions, hundreds of
inputs) costs far more than everything else in the request, so the first request renders
it, the two values are swapped for markers, and later requests only put fresh values
back. The key carries the campaign's ``content_version``, so an edit is seen as soon as
the campaign's snapshot is read again (see ``services.campaigns.campaign_snapshot``);
nothing here is state another host needs.

Compression is stamped the same way: the part of the page before the first per-request
value is gzip-compressed once (ending on a byte boundary), and each request continues a
copy of that compressor with the short rest of the page. The template puts the two
values at the end of the form so that the rest is short.
"""
from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

GZIP_LEVEL = 6


@dataclass(frozen=True)
class _Blank:
    head: str  #: the page up to the first per-request value
    middle: str  #: between the two values
    tail: str  #: after the second value
    csrf_first: bool  #: whether the CSRF token comes before the UUID
    gzip_head: bytes  #: ``head`` compressed, flushed to a byte boundary
    gzip_state: object  #: the compressor right after ``head`` (copied per request)

    @classmethod
    def from_html(cls, html: str, csrf_token: str, uuid: str) -> _Blank | None:
        if html.count(csrf_token) != 1 or html.count(uuid) != 1:
            return None
        first, second = sorted((csrf_token, uuid), key=html.index)
        head, rest = html.split(first)
        middle, tail = rest.split(second)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        gzip_head = compressor.compress(head.encode("utf-8")) + compressor.flush(zlib.Z_SYNC_FLUSH)
        return cls(head, middle, tail, first == csrf_token, gzip_head, compressor)

    def stamp(self, csrf_token: str, uuid: str, gzip: bool) -> bytes:
        first, second = (csrf_token, uuid) if self.csrf_first else (uuid, csrf_token)
        rest = f"{first}{self.middle}{second}{self.tail}".encode("utf-8")
        if not gzip:
            return self.head.encode("utf-8") + rest
        compressor = self.gzip_state.copy()
        return self.gzip_head + compressor.compress(rest) + compressor.flush()


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
