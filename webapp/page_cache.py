"""Blank form pages rendered once per content version and language, then stamped per request.

A blank survey is the same for every resident who opens it, except for two values: the
CSRF token and the response's UUID. Rendering it (dozens of questions, hundreds of
inputs) costs far more than everything else in the request, so the first request renders
it, the two values are swapped for markers, and later requests only put fresh values
back. The key carries the campaign's ``content_version``, so an edit is seen at once, on
every host; nothing here is state another host needs.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

CSRF_MARK = "\x00csrf\x00"
UUID_MARK = "\x00uuid\x00"


class BlankPageCache:
    """A small LRU of rendered blank pages with their per-request values taken out."""

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[], tuple[str, str, str]], csrf_token: str, uuid: str) -> str:
        """The page for ``key`` with ``csrf_token`` and ``uuid`` stamped in.

        ``render()`` returns (html, the csrf token it used, the uuid it used); it is only
        called when the page is not cached yet.
        """
        with self._lock:
            template = self._pages.get(key)
            if template is not None:
                self._pages.move_to_end(key)
        if template is None:
            html, used_token, used_uuid = render()
            if html.count(used_token) != 1 or html.count(used_uuid) != 1:
                return html  # cannot stamp safely: serve this rendering as is, don't cache it
            template = html.replace(used_token, CSRF_MARK).replace(used_uuid, UUID_MARK)
            with self._lock:
                self._pages[key] = template
                while len(self._pages) > self.max_entries:
                    self._pages.popitem(last=False)
        return template.replace(CSRF_MARK, csrf_token, 1).replace(UUID_MARK, uuid, 1)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()
