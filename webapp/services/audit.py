"""The audit trail: every service that changes who may do what, or what residents read, records here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEvent, User

#: every action recorded, so the audit page can offer them as a filter
ACTIONS = (
    "login.succeeded", "login.failed", "logout",
    "password.changed", "password.reset_issued", "password.reset_used",
    "user.created", "user.role_changed", "user.assignments_changed", "user.deactivated", "user.reactivated",
    "campaign.created", "campaign.opened", "campaign.closed", "campaign.settings_changed",
    "content.edited", "content.deleted",
    "need.added", "need.moved", "need.retired", "need.restored",
    "export.downloaded",
    "response.deleted", "backup.created", "backup.restored", "retention.applied",
    "meeting.created",
    "analysis.requested", "analysis.settings_changed", "theme.renamed", "theme.merged", "theme.answer_moved",
)

PAGE_SIZE = 100


def record(
    action: str,
    actor: User | None = None,
    target: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit stores it with the change itself.

    ``target`` is a model instance with an ``id`` (its type is taken from its table name).
    The client's address is taken from the request, when there is one.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=target.__tablename__ if target is not None else None,
        target_id=target.id if target is not None else None,
        detail=detail or {},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit trail, newest first."""

    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def audit_events(action: str | None = None, page: int = 1, per_page: int = PAGE_SIZE) -> AuditPage:
    """Audit events, newest first, optionally only one ``action`` (or every action under a prefix like ``login``)."""
    query = select(AuditEvent)
    if action:
        query = query.where((AuditEvent.action == action) | AuditEvent.action.startswith(action + "."))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    events = db.session.scalars(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return AuditPage(list(events), total, page, pages)
