"""Signed tokens without needless work: Flask's session cookies and Flask-WTF's CSRF tokens.

Both are itsdangerous ``URLSafeTimedSerializer`` output, and every page a resident opens
makes one of each. Stock itsdangerous sets up zlib for every payload (about 20 µs, for a
token that never shrinks) and signs with a SHA-1 wrapped in a Python function, which sends
HMAC down the standard library's slow path; Flask and Flask-WTF also build a serializer
per use. Here the serializers are built once per key, small payloads are sent as they are,
and SHA-1 is OpenSSL's. Tokens and cookies are the same format: stock itsdangerous, Flask
and Flask-WTF read ours and we read theirs.
"""
from __future__ import annotations

import functools
import hashlib
import json
import zlib

import flask_wtf.csrf
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer

#: payloads up to this many bytes are not compressed (a CSRF token's is 42; a new session's about 60)
COMPRESS_ABOVE = 128


#: (secret key, salt, key derivation, digest) -> the key itsdangerous derives from them
_DERIVED_KEYS: dict[tuple, bytes] = {}


class _Signer(TimestampSigner):
    default_digest_method = staticmethod(hashlib.sha1)  # the same SHA-1, given as OpenSSL's

    def derive_key(self, secret_key=None) -> bytes:
        """itsdangerous's derived key, worked out once per key and salt (it derives it on every
        signature and every check, and a signer is made for each)."""
        lookup = (self.secret_keys[-1] if secret_key is None else secret_key, self.salt, self.key_derivation,
                  self.digest_method)
        derived = _DERIVED_KEYS.get(lookup)
        if derived is None:
            if len(_DERIVED_KEYS) > 64:  # a few keys and salts in practice; never unbounded
                _DERIVED_KEYS.clear()
            derived = _DERIVED_KEYS[lookup] = super().derive_key(secret_key)
        return derived


#: the values a session may hold and still be written as plain JSON
_PLAIN = frozenset((str, int, bool, type(None)))


class FlatFirstSessionSerializer(TaggedJSONSerializer):
    """Flask's session serializer, with a shortcut for the usual session: a flat dict of text.

    Flask tags every value of a session (a tuple, bytes, Markup, a UUID or a date need a tag to
    come back as what they were) by asking each kind in turn, per value. A session of
    strings, numbers, booleans and None needs no tags, so it is written as plain JSON, which
    Flask's ``loads`` reads as it is; anything else goes the usual way.
    """

    def dumps(self, value) -> str:
        if type(value) is dict and not (len(value) == 1 and next(iter(value)) in self.tags) and all(
            type(key) is str and type(item) in _PLAIN for key, item in value.items()
        ):
            return json.dumps(value, separators=(",", ":"), sort_keys=True)
        return super().dumps(value)


class CompactTimedSerializer(URLSafeTimedSerializer):
    """``URLSafeTimedSerializer`` that compresses only payloads large enough to gain from it."""

    default_signer = _Signer

    def dump_payload(self, obj) -> bytes:
        payload = Serializer.dump_payload(self, obj)
        if len(payload) > COMPRESS_ABOVE:
            compressed = zlib.compress(payload)
            if len(compressed) < len(payload) - 1:  # as itsdangerous decides; "." marks a compressed payload
                return b"." + base64_encode(compressed)
        return base64_encode(payload)


@functools.lru_cache(maxsize=8)
def csrf_serializer(secret_key, salt) -> CompactTimedSerializer:
    """What Flask-WTF builds its CSRF tokens with, made once per key and salt."""
    return CompactTimedSerializer(secret_key, salt=salt)


def use_compact_csrf_tokens() -> None:
    """Have Flask-WTF sign and read CSRF tokens with ``csrf_serializer``.

    Flask-WTF builds ``URLSafeTimedSerializer(secret_key, salt=...)`` on every call of its
    ``generate_csrf`` and ``validate_csrf``, naming it from its own module; that name is
    pointed here. If a Flask-WTF release stops using the name, tokens stay correct and
    only the saving is lost (a test says so).
    """
    flask_wtf.csrf.URLSafeTimedSerializer = csrf_serializer


class CachedSignerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with one compact serializer per key."""

    digest_method = staticmethod(hashlib.sha1)
    serializer = FlatFirstSessionSerializer()

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None and app.secret_key:
            serializer = self._serializers[key] = CompactTimedSerializer(
                [*key[1], app.secret_key],  # itsdangerous signs with the last key and reads with all
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
            )
        return serializer
