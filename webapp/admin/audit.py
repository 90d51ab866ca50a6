"""The audit log (admins only)."""
from __future__ import annotations

from flask import render_template, request

from webapp.access import ADMIN, allow
from webapp.admin import bp
from webapp.services.audit import ACTIONS, audit_events


@bp.route("/audit")
@allow(ADMIN)
def audit_log():
    """Who did what and when, newest first, filterable by action."""
    action = request.args.get("action") or None
    if action is not None and action not in ACTIONS and action not in {name.split(".")[0] for name in ACTIONS}:
        action = None
    page = audit_events(action=action, page=request.args.get("page", 1, type=int))
    return render_template("admin/audit.html", page=page, action=action, actions=ACTIONS)
