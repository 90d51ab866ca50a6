"""Blank pages rendered once and stamped per request, compressed or not."""
from __future__ import annotations

import gzip

from tests.helpers import hidden
from webapp.page_cache import BlankPageCache

PAGE = "<html><p>" + "questions " * 500 + "</p><input value='TOKEN-1'><input value='UUID-1'></html>"


def render_counter():
    calls = []

    def render():
        calls.append(1)
        return PAGE, "TOKEN-1", "UUID-1"

    return render, calls


def test_page_is_rendered_once_and_stamped_with_each_requests_values():
    cache = BlankPageCache()
    render, calls = render_counter()
    first, _ = cache.page("k", render, "TOKEN-A", "UUID-A")
    second, _ = cache.page("k", render, "TOKEN-B", "UUID-B")
    assert len(calls) == 1
    assert first.decode() == PAGE.replace("TOKEN-1", "TOKEN-A").replace("UUID-1", "UUID-A")
    assert second.decode() == PAGE.replace("TOKEN-1", "TOKEN-B").replace("UUID-1", "UUID-B")


def test_gzip_stamp_is_one_valid_stream_equal_to_the_plain_page():
    cache = BlankPageCache()
    render, _calls = render_counter()
    plain, encoding = cache.page("k", render, "T" * 80, "U" * 36)
    packed, gzip_encoding = cache.page("k", render, "T" * 80, "U" * 36, gzip=True)
    assert (encoding, gzip_encoding) == (None, "gzip")
    assert gzip.decompress(packed) == plain
    assert len(packed) < len(plain) / 5


def test_gzip_stamp_of_a_long_rest_is_still_one_valid_stream():
    cache = BlankPageCache()
    long_rest = "<p>TOKEN-1</p>" + "é" * 70000 + "<p>UUID-1</p>"

    def render():
        return long_rest, "TOKEN-1", "UUID-1"

    packed, _encoding = cache.page("k", render, "T", "U", gzip=True)
    assert gzip.decompress(packed).decode() == long_rest.replace("TOKEN-1", "T").replace("UUID-1", "U")


def test_a_new_key_renders_again_and_old_keys_age_out():
    cache = BlankPageCache(max_entries=2)
    render, calls = render_counter()
    for key in ("a", "b", "c", "a"):
        cache.page(key, render, "t", "u")
    assert len(calls) == 4  # "a" was pushed out by "c"


def test_a_page_that_cannot_be_stamped_is_served_as_rendered_and_not_cached():
    cache = BlankPageCache()
    calls = []

    def render():
        calls.append(1)
        return "<p>TOKEN TOKEN UUID</p>", "TOKEN", "UUID"

    assert cache.page("k", render, "x", "y") == (b"<p>TOKEN TOKEN UUID</p>", None)
    cache.page("k", render, "x", "y")
    assert len(calls) == 2


def test_survey_served_gzip_is_the_same_page(client, demo):
    packed = client.get("/s/demo", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.data).decode()
    assert html.rstrip().endswith("</html>") and 'id="need_childcare"' in html
    assert hidden(html, "csrf_token") and hidden(html, "response_id")
