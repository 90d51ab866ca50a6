"""Endpoints for operators and load balancers."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.access import PUBLIC, allow
from webapp.database import rollback_or_drop
from webapp.extensions import db

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


@bp.route("/healthz")
@allow(PUBLIC)
def healthz():
    """200 when the app and its database answer; 503 when the database does not."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as exc:
        rollback_or_drop()
        log.error("health check: database unreachable: %s", exc.__class__.__name__)
        return jsonify({"status": "error", "database": "error"}), 503
    return jsonify({"status": "ok", "database": "ok"})
