"""Chorus: community input for health-equity coalitions."""
from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask, g
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import check_settings, engine_options, normalize_database_url, settings_from_env
from webapp.page_cache import BlankPageCache
from webapp.requests import ChorusRequest
from webapp.ids import IdConverter
from webapp.sessions import CachedSignerSessionInterface, use_compact_csrf_tokens


class ChorusFlask(Flask):
    """Flask, with each view's and hook's sync-or-async check made once rather than on every request.

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view it calls, about a
    dozen times a request; the answer never changes for a function, so it is kept.
    """

    #: beyond this many functions, answers are worked out afresh (nothing grows without bound)
    MAX_KEPT = 1024

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync_functions[func]
        except KeyError:
            synced = super().ensure_sync(func)
            if len(self._sync_functions) < self.MAX_KEPT:
                self._sync_functions[func] = synced
            return synced
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by ``config``."""
    app = ChorusFlask(__name__, instance_relative_config=True)
    app.request_class = ChorusRequest
    app.url_map.converters["int"] = IdConverter  # ids the database can hold; set before any route is added
    app.session_interface = CachedSignerSessionInterface()
    use_compact_csrf_tokens()
    environ = dict(os.environ)
    if config and "CHORUS_ENV" in config:  # environment-dependent defaults follow the override
        environ["CHORUS_ENV"] = config["CHORUS_ENV"]
    app.config.from_mapping(settings_from_env(environ, app.instance_path))
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    check_settings(app.config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = os.urandom(32).hex()  # development and tests only
    os.makedirs(app.instance_path, exist_ok=True)
    _init_extensions(app)
    app.url_value_preprocessor(_fresh_request_state)  # app-level: runs before the blueprints' own
    app.extensions["blank_pages"] = BlankPageCache()
    _register_blueprints(app)

    from webapp.access import init_access
    from webapp.cli import init_cli
    from webapp.errors import init_errors
    from webapp.security import init_security
    from webapp.templating import init_templating

    init_access(app)
    init_errors(app)
    init_security(app)
    init_templating(app)
    init_cli(app)
    if app.config["TRUST_PROXY_HEADERS"]:  # outermost: what it reads from the proxy, every layer sees
        hops = app.config["TRUST_PROXY_HEADERS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def _fresh_request_state(_endpoint, _values) -> None:
    """Start each request with an empty ``g``.

    ``g`` lives as long as the app context, and a request reuses an app context that is
    already pushed (tests, scripts), so one request's language, campaign or CSRF token
    would otherwise leak into the next.
    """
    if vars(g):
        g.__dict__.clear()  # Flask-Babel's cached locale with the rest (it keeps it on g)


def _init_extensions(app: Flask) -> None:
    from webapp import database
    from webapp.extensions import babel, compress, csrf, db, limit_only_limited_views, limiter, migrate
    from webapp.i18n import complete_calendar_data, select_locale

    db.init_app(app)
    database.init_database(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    complete_calendar_data()
    limiter.init_app(app)  # before CSRF, so floods are counted even without a valid token
    limit_only_limited_views(app)
    csrf.init_app(app)
    compress.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from webapp.admin import bp as admin_bp
    from webapp.auth import bp as auth_bp
    from webapp.coalition import bp as coalition_bp
    from webapp.field import bp as field_bp
    from webapp.ops import bp as ops_bp
    from webapp.survey import bp as survey_bp

    app.register_blueprint(ops_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(coalition_bp)
    app.register_blueprint(field_bp)
