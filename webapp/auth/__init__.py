"""Staff sign-in: login, logout, password change, one-time reset links, the staff home."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.auth import routes  # noqa: E402,F401  (routes attach to bp)
