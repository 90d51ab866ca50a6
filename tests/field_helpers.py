"""Shared data and actions for the field-mode tests."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from tests.factories import make_campaign, make_user
from webapp.extensions import db
from webapp.models import Response
from webapp.services.field import create_event


@dataclass
class FieldWorld:
    """A campaign with an event, an assigned outreach worker, a lead, and outsiders."""

    campaign: object
    event: object
    worker: object
    second_worker: object
    lead: object
    outsider: object
    other_campaign: object


def make_field_world() -> FieldWorld:
    campaign = make_campaign(slug="north", languages=("en", "es"))
    other = make_campaign(slug="south", languages=("en", "es"))
    event = create_event(campaign, name="Pantry day", date=dt.date(2026, 11, 21), place="St. Mark's hall")
    return FieldWorld(
        campaign=campaign,
        event=event,
        worker=make_user("worker@example.org", "outreach", campaigns=[campaign]),
        second_worker=make_user("worker2@example.org", "outreach", campaigns=[campaign]),
        lead=make_user("lead@example.org", "lead", campaigns=[campaign]),
        outsider=make_user("outsider@example.org", "outreach", campaigns=[other]),
        other_campaign=other,
    )


def item(world: FieldWorld, importance: int = 4, client_uuid: str | None = None, **fields) -> dict:
    """A valid queued response for the world's event (fields override or add form values)."""
    values = {f"need_{need.key}": str(importance) for need in world.campaign.active_needs()}
    values.update({"respondent_language": "es", "top_three": ["housing", "food"], "barrier": "El autobús"})
    values.update(fields)
    return {"uuid": client_uuid or str(uuid.uuid4()), "event_id": world.event.id,
            "created_at": "2026-11-21T15:04:00Z", "fields": {k: v for k, v in values.items() if v is not None}}


def statuses(response) -> list[str]:
    """The per-item statuses of a sync API answer, in order."""
    return [result["status"] for result in response.get_json()["results"]]


def status_url(world: FieldWorld) -> str:
    return f"/field/{world.campaign.slug}/events/{world.event.id}/status"


def api_url(world: FieldWorld) -> str:
    return f"/field/{world.campaign.slug}/api/responses"


def csrf_token(client, world: FieldWorld) -> str:
    """A form token from the event's status URL, as the entry screen gets one."""
    response = client.get(status_url(world), headers={"Accept": "application/json"})
    assert response.status_code == 200, response.status_code
    return response.get_json()["csrf_token"]


def sync(client, world: FieldWorld, body, token: str | None = None):
    """POST ``body`` to the sync API the way the entry screen does."""
    token = token or csrf_token(client, world)
    return client.post(api_url(world), json=body,
                       headers={"Accept": "application/json", "X-CSRFToken": token})


def stored_count(client_uuid: str | None = None) -> int:
    """How many responses are stored (with this UUID, when given)."""
    query = select(func.count()).select_from(Response)
    if client_uuid is not None:
        query = query.where(Response.client_uuid == uuid.UUID(client_uuid))
    db.session.expire_all()
    return db.session.scalar(query)
