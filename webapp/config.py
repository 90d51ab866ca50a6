"""Configuration read from the environment; nothing here has side effects."""
from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping

#: Environments in which a missing SECRET_KEY is tolerated (a random one is used).
RELAXED_ENVIRONMENTS = {"development", "testing"}

MAX_TEXT_LENGTH = 2000


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _number(env: Mapping[str, str], name: str, default, kind=int, minimum=0):
    """Setting ``name`` as a ``kind`` (int or float) of at least ``minimum``; unset or empty: ``default``.
    A value that is not one stops the app with a message naming the setting."""
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        what = "a whole number" if kind is int else "a number"
        raise RuntimeError(f"{name}={value!r} is not {what} of at least {minimum}; fix or unset it.")
    return number


def settings_from_env(env: Mapping[str, str], instance_path: str) -> dict:
    """Return the app settings described by ``env`` (normally ``os.environ``)."""
    environment = env.get("CHORUS_ENV", "production")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'chorus.db')}"
    return {
        "CHORUS_ENV": environment,
        "TESTING": environment == "testing",
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Residents on slow phones may take their time; the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_I18N_ENABLED": False,  # every message comes from our own catalog
        # static URLs carry a content hash (see templating.asset), so they may be cached for long
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        "MAX_CONTENT_LENGTH": _number(env, "MAX_CONTENT_LENGTH", 1024 * 1024, minimum=1),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), environment == "production"),
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME", "https" if environment == "production" else "http"),
        "BABEL_TRANSLATION_DIRECTORIES": env.get(
            "BABEL_TRANSLATION_DIRECTORIES",
            os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations"),
        ),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": env.get("CHORUS_TIMEZONE", "UTC"),
        # residents on metered connections: compress pages and assets (brotli, else gzip)
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],  # static files stream; plain-HTTP browsers offer no br
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "application/json", "image/svg+xml"],
        # personal contact details (members' names, emails, phones) are deleted this many days
        # after their campaign closes, by `flask data apply-retention` (run it daily)
        "CONTACT_RETENTION_DAYS": _number(env, "CONTACT_RETENTION_DAYS", 180),
        "TRUST_PROXY_HEADERS": _number(env, "TRUST_PROXY_HEADERS", 0),
        # Flyers and reset links carry this address when set (e.g. behind a proxy).
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
        # the host names requests may name (Flask answers any other with 400); unset: any. Browsers send
        # host names in lower case, and Werkzeug compares them as written
        "TRUSTED_HOSTS": [host.strip().lower() for host in env["TRUSTED_HOSTS"].split(",") if host.strip()] or None
        if env.get("TRUSTED_HOSTS") else None,
        # Staff sign-in: no "remember me" cookie is ever set; if one were, it is locked down too.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), environment == "production"),
        # how long a worker may reuse what it read about a campaign (open or closed, languages,
        # content version) before reading it again; edits made on other workers or hosts show
        # within this time, edits made on the same worker at once. 0: read on every request
        "CAMPAIGN_CACHE_SECONDS": _number(env, "CAMPAIGN_CACHE_SECONDS", 1.0, float),
        # after a survey closes, answers from pages opened before still arrive for this long
        "CLOSING_GRACE_MINUTES": _number(env, "CLOSING_GRACE_MINUTES", 60.0, float),
        "PASSWORD_RESET_HOURS": _number(env, "PASSWORD_RESET_HOURS", 24.0, float),
        **analysis_settings(env, environment),
        **argon2_settings(env, environment),
        **rate_limit_settings(env),
    }


def analysis_settings(env: Mapping[str, str], environment: str) -> dict:
    """The prioritized-needs analysis: where it runs and how many bootstrap resamples it draws."""
    testing = environment == "testing"  # the suite checks what is computed, with few resamples, inline
    return {
        # "Recompute now" computes in a background thread (inline when off)
        "ANALYSIS_BACKGROUND": _flag(env.get("ANALYSIS_BACKGROUND"), not testing),
        "ANALYSIS_BOOTSTRAP": _number(env, "ANALYSIS_BOOTSTRAP", 20 if testing else 1000, minimum=1),
        # fewest respondents behind a number on the summary ("too few to say" below it)
        "ANALYSIS_MIN_CELL": _number(env, "ANALYSIS_MIN_CELL", 10, minimum=1),
    }


def argon2_settings(env: Mapping[str, str], environment: str) -> dict:
    """Argon2id cost: the RFC 9106 low-memory profile, or the cheapest for the test suite."""
    from argon2.profiles import RFC_9106_LOW_MEMORY

    cheap = environment == "testing"  # hashing is tested for what it is, not for how slow it is
    return {
        "ARGON2_TIME_COST": _number(
            env, "ARGON2_TIME_COST", 1 if cheap else RFC_9106_LOW_MEMORY.time_cost, minimum=1),
        "ARGON2_MEMORY_COST": _number(
            env, "ARGON2_MEMORY_COST", 8 if cheap else RFC_9106_LOW_MEMORY.memory_cost, minimum=8),
        "ARGON2_PARALLELISM": _number(env, "ARGON2_PARALLELISM", 1 if cheap else RFC_9106_LOW_MEMORY.parallelism, minimum=1),
    }


def rate_limit_settings(env: Mapping[str, str]) -> dict:
    """Flask-Limiter settings: in-memory for one host, Redis (redis://…) for several."""
    return {
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "chorus"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis unreachable: keep counting sign-ins in each worker's memory (and go back to Redis
        # when it answers again) rather than failing every sign-in with an error
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # ... and find out within a second: without timeouts, a Redis host that drops packets
        # would hold each sign-in for the system's connect timeout (minutes)
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "10 per minute"),
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute; 20 per hour"),
    }


def normalize_database_url(database_url: str) -> str:
    """Use psycopg 3 for PostgreSQL whichever way the URL was written."""
    if database_url.startswith("postgres://"):  # the form some hosts hand out
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return database_url


def engine_options(database_url: str) -> dict:
    """Engine settings per backend: a busy timeout for SQLite; for servers, a pool whose idle
    connections are checked before use (``database.ping_idle_connections``)."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_size": 5, "max_overflow": 10}


def check_settings(settings: Mapping) -> None:
    """Refuse to start with settings that would be unsafe outside development, or fail later."""
    try:
        zoneinfo.ZoneInfo(settings.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"CHORUS_TIMEZONE={settings['BABEL_DEFAULT_TIMEZONE']!r} is not a time zone; "
                           "use a name such as America/Chicago or UTC.") from None
    if not settings.get("SECRET_KEY"):
        if settings.get("CHORUS_ENV") not in RELAXED_ENVIRONMENTS:
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment (./run serve makes one in "
                "instance/secret_key), or set CHORUS_ENV=development for local work."
            )
