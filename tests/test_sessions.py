"""Session cookies: signed as Flask signs them, with the signer built once."""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

from webapp.sessions import CachedSignerSessionInterface


def test_cookies_are_the_ones_flask_would_sign(app):
    ours = CachedSignerSessionInterface()
    stock = SecureCookieSessionInterface()
    cookie = ours.get_signing_serializer(app).dumps({"csrf_token": "abc"})
    assert stock.get_signing_serializer(app).loads(cookie) == {"csrf_token": "abc"}
    assert ours.get_signing_serializer(app).loads(stock.get_signing_serializer(app).dumps({"a": 1})) == {"a": 1}


def test_the_signer_is_built_once_per_key(app):
    ours = CachedSignerSessionInterface()
    assert ours.get_signing_serializer(app) is ours.get_signing_serializer(app)


def test_a_rotated_key_signs_with_the_new_key_and_still_reads_the_old(app):
    ours = CachedSignerSessionInterface()
    old_cookie = ours.get_signing_serializer(app).dumps({"n": 1})
    old_key = app.secret_key
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    app.secret_key = "a-new-key-" + "x" * 40
    try:
        serializer = ours.get_signing_serializer(app)
        assert serializer.loads(old_cookie) == {"n": 1}
        assert SecureCookieSessionInterface().get_signing_serializer(app).loads(serializer.dumps({"n": 2})) == {"n": 2}
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []
