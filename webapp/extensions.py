"""Unbound Flask extensions; ``create_app`` binds them to an app."""
from collections.abc import Callable
from functools import partial

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from webapp.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
login = LoginManager()
#: storage comes from RATELIMIT_STORAGE_URI ("memory://" by default; redis://… for several hosts)
limiter = Limiter(key_func=get_remote_address)

#: the views ``rate_limited`` gave limits to, named as Flask-Limiter names them
_LIMITED_VIEWS: set[str] = set()


def rate_limited(*limits: Callable) -> Callable:
    """Give a view Flask-Limiter limits (``limiter.limit(...)`` results, outermost first).

    Use this rather than ``limiter.limit`` alone: the limiter's hooks run only for the views
    recorded here (see ``limit_only_limited_views``).
    """
    def decorate(view: Callable) -> Callable:
        for limit in reversed(limits):
            view = limit(view)
        _LIMITED_VIEWS.add(get_qualified_name(view))
        return view

    return decorate


def has_limits() -> bool:
    """Whether this request's view was given limits with ``rate_limited`` (worked out once per endpoint)."""
    known = current_app.extensions.setdefault("limited_endpoints", {})
    endpoint = request.endpoint
    if endpoint not in known:
        view = current_app.view_functions.get(endpoint)
        known[endpoint] = view is not None and get_qualified_name(view) in _LIMITED_VIEWS
    return known[endpoint]


def limit_only_limited_views(app: Flask) -> None:
    """Run Flask-Limiter's request hooks only for views with limits.

    It registers a before-request check, an after-request header hook and a teardown on
    every request; with no default limits they find nothing to do, at about a tenth of
    the cost of a resident's survey page. Each hook bound to the limiter is wrapped so that
    it runs only when ``has_limits()``; everything else about the limiter is unchanged.
    """
    def bound_to_limiter(hook) -> bool:
        return getattr(hook, "__self__", None) is limiter or (isinstance(hook, partial) and limiter in hook.args)

    def before(hook):
        return lambda: hook() if has_limits() else None

    def after(hook):
        return lambda response: hook(response) if has_limits() else response

    def teardown(hook):
        return lambda error=None: hook(error) if has_limits() else None

    for hooks, guard in ((app.before_request_funcs, before), (app.after_request_funcs, after),
                         (app.teardown_request_funcs, teardown)):
        functions = hooks.get(None, [])
        functions[:] = [guard(hook) if bound_to_limiter(hook) else hook for hook in functions]
