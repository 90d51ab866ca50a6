"""Field mode: outreach events, and storing responses entered at them exactly once.

Storing goes through ``submissions.store_priority_response`` (the one exactly-once path
every response takes); this module only adds what field entry knows: the event, the
worker, the paper form number and the channel.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.ids import database_id
from webapp.models import Campaign, CampaignAssignment, Event, Response, User
from webapp.services.campaigns import CampaignSnapshot, SurveyContent
from webapp.services.submissions import Outcome, PrioritySubmission, store_priority_response

#: the most items one sync request or one uploaded file may carry
MAX_BATCH = 500


@dataclass(frozen=True)
class EventSummary:
    """An event as the event list shows it."""

    id: int
    name: str
    date: dt.date
    place: str
    responses: int


def create_event(campaign: Campaign, *, name: str, date: dt.date, place: str = "", actor: User | None = None) -> Event:
    """A new outreach event of ``campaign``."""
    event = Event(campaign_id=campaign.id, name=name.strip(), date=date, place=(place or "").strip(),
                  created_by_id=actor.id if actor is not None else None)
    db.session.add(event)
    db.session.commit()
    return event


def find_event(campaign_id: int, event_id: int) -> Event | None:
    """The event ``event_id`` if it belongs to the campaign, else None."""
    return db.session.scalar(select(Event).where(Event.id == event_id, Event.campaign_id == campaign_id))


def events_of(campaign_id: int) -> list[EventSummary]:
    """The campaign's events, newest first, each with how many responses it has."""
    counts = (select(Response.event_id, func.count().label("n")).where(Response.event_id.is_not(None))
              .group_by(Response.event_id).subquery())
    rows = db.session.execute(
        select(Event.id, Event.name, Event.date, Event.place, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.event_id == Event.id)
        .where(Event.campaign_id == campaign_id)
        .order_by(Event.date.desc(), Event.id.desc())
    ).all()
    return [EventSummary(*row) for row in rows]


def event_response_count(event_id: int) -> int:
    """How many responses are stored for the event (every worker's)."""
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.event_id == event_id)) or 0


def event_paper_numbers(event_id: int) -> list[str]:
    """The paper form numbers already stored for the event, sorted."""
    return sorted(db.session.scalars(
        select(Response.paper_number).where(Response.event_id == event_id, Response.paper_number.is_not(None))))


def field_worker_id(campaign_id: int, user_id: object) -> int | None:
    """``user_id`` when it names an active account that may enter field responses for the campaign."""
    if not isinstance(user_id, int) or database_id(user_id) is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if user.role == "admin":
        return user.id
    assigned = db.session.scalar(select(CampaignAssignment).where(
        CampaignAssignment.user_id == user.id, CampaignAssignment.campaign_id == campaign_id))
    return user.id if assigned is not None and user.role in ("lead", "outreach") else None


def store_field_response(
    campaign: CampaignSnapshot, content: SurveyContent, submission: PrioritySubmission, *,
    event_id: int, entered_by_id: int | None, paper_number: str | None, created_at: dt.datetime | None,
) -> Outcome:
    """Store a response entered at an event, once (a replay is a DUPLICATE, a reused UUID a CONFLICT).

    The channel is "paper" when a paper form number is given, else "field": both follow
    from the item itself, so replaying the same item always gives the same content hash.
    """
    submission = dataclasses.replace(
        submission, channel="paper" if paper_number else "field", event_id=event_id,
        entered_by_id=entered_by_id, paper_number=paper_number or None, created_at=created_at,
    )
    outcome, _response_id = store_priority_response(campaign, content, submission)
    return outcome
