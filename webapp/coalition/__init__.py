"""Coalition leads' pages: the prioritized-needs summary, its themes and exports, members, meetings."""
from flask import Blueprint

bp = Blueprint("coalition", __name__, url_prefix="/coalition")

from webapp.coalition import exports, meetings, members, summary, themes  # noqa: E402,F401  (routes attach to bp)
