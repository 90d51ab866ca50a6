"""Unbound Flask extensions; ``create_app`` binds them to an app."""
from collections.abc import Callable

from flask import current_app, request
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

    Use this rather than ``limiter.limit`` alone: the limiter skips every request to a view
    without limits (see ``_without_limits``), which saves it about a tenth of the time of a
    resident's page, so a view must be known here for its limits to be checked.
    """
    def decorate(view: Callable) -> Callable:
        for limit in reversed(limits):
            view = limit(view)
        _LIMITED_VIEWS.add(get_qualified_name(view))
        return view

    return decorate


@limiter.request_filter
def _without_limits() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return view is None or get_qualified_name(view) not in _LIMITED_VIEWS
