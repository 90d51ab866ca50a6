"""Public pages: the priority survey, the member assessment and the meeting evaluation."""
from flask import Blueprint

bp = Blueprint("survey", __name__)

from webapp.survey import meetings, members, routes  # noqa: E402,F401  (routes attach to bp)
