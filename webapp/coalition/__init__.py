"""Coalition leads' pages: members, meetings (and, later, the prioritized-needs summary)."""
from flask import Blueprint

bp = Blueprint("coalition", __name__, url_prefix="/coalition")

from webapp.coalition import meetings, members  # noqa: E402,F401  (routes attach to bp)
