"""Setting up campaigns (admins, and leads for theirs) and managing accounts (admins)."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

# the routes attach to bp; one module per area keeps each short
from webapp.admin import audit, campaigns, content, routes, users  # noqa: E402,F401
