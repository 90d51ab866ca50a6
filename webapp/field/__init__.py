"""Field mode for outreach workers: events, rapid entry (offline too), the sync API and uploads."""
from flask import Blueprint

bp = Blueprint("field", __name__, url_prefix="/field")

from webapp.field import api, routes  # noqa: E402,F401  (routes attach to bp)
