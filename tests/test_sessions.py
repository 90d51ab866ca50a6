"""Session cookies and CSRF tokens: the formats Flask and Flask-WTF make and read, signed without needless work."""
from __future__ import annotations

import flask_wtf.csrf
import pytest
from flask import session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from wtforms import ValidationError

from webapp.sessions import CachedSignerSessionInterface, csrf_serializer


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


def test_a_large_session_is_still_compressed_and_read_back(app):
    serializer = CachedSignerSessionInterface().get_signing_serializer(app)
    big = {"_flashes": [["info", "We kept the first answers you sent. " * 20]]}
    cookie = serializer.dumps(big)
    assert cookie.startswith(".")  # itsdangerous' mark of a compressed payload
    assert len(cookie) < 400
    assert SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie) == big


def test_flask_wtf_signs_csrf_tokens_with_the_compact_serializer(app):
    assert flask_wtf.csrf.URLSafeTimedSerializer is csrf_serializer  # else only the saving is lost


def test_csrf_tokens_are_the_ones_flask_wtf_would_make_and_read(app):
    stock = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    with app.test_request_context("/"):
        token = generate_csrf()
        assert stock.loads(token) == session["csrf_token"]
        validate_csrf(stock.dumps(session["csrf_token"]))  # raises if it were refused
    with app.test_request_context("/"), pytest.raises(ValidationError):
        validate_csrf(token)  # another session: the token is not this session's


@pytest.mark.parametrize("data", [
    {"csrf_token": "abc", "_fresh": True, "n": 3, "none": None, "é": "ünï"},
    {" t": "looks like a tag"},  # a one-key dict named like one of Flask's tags is tagged as usual
    {"_flashes": [("info", "Saved")], "when": b"bytes"},
])
def test_sessions_come_back_as_they_were_and_flask_reads_them(app, data):
    ours = CachedSignerSessionInterface().get_signing_serializer(app)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ours.loads(ours.dumps(data)) == data
    assert stock.loads(ours.dumps(data)) == data
    assert ours.loads(stock.dumps(data)) == data


def test_keys_are_derived_once_per_key_and_salt(app, monkeypatch):
    from itsdangerous import TimestampSigner

    from webapp import sessions

    sessions._DERIVED_KEYS.clear()
    derived = []
    original = TimestampSigner.derive_key
    monkeypatch.setattr(TimestampSigner, "derive_key", lambda self, key=None: derived.append(1) or original(self, key))
    serializer = CachedSignerSessionInterface().get_signing_serializer(app)
    for n in range(5):
        assert serializer.loads(serializer.dumps({"n": n})) == {"n": n}
    assert len(derived) == 1
