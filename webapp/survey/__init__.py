"""Public pages residents use: the priority survey."""
from flask import Blueprint

bp = Blueprint("survey", __name__)

from webapp.survey import routes  # noqa: E402,F401  (routes attach to bp)
