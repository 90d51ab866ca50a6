"""Storing responses exactly once, whatever the number of retries and replays."""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Answer, Profile, Rating, Response, utcnow
from webapp.services.campaigns import CampaignSnapshot, SurveyContent

log = logging.getLogger(__name__)

HARDSHIP_COLUMNS = ("uninsured", "food_insecurity", "housing_instability", "disability", "transportation_barrier")


class Outcome(enum.Enum):
    """What happened to a submission."""

    STORED = "stored"  #: new, stored now
    DUPLICATE = "duplicate"  #: the same content was already stored under this UUID
    CONFLICT = "conflict"  #: this UUID is already stored with different content; nothing stored


@dataclass
class PrioritySubmission:
    """One resident's answers to the priority survey, as plain data."""

    client_uuid: uuid.UUID
    language: str
    ratings: dict[str, int]
    top_three: list[str] = field(default_factory=list)
    #: question -> (text, language it was written in)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: profile column -> value; empty when nothing was answered
    profile: dict[str, Any] = field(default_factory=dict)
    channel: str = "web"
    event_id: int | None = None
    entered_by_id: int | None = None
    created_at: dt.datetime | None = None

    def canonical(self, campaign_slug: str) -> dict:
        """The content that makes two submissions 'the same' (not who sent it or when it arrived)."""
        return {
            "campaign": campaign_slug,
            "instrument": "priority",
            "language": self.language,
            "channel": self.channel,
            "event": self.event_id,
            "ratings": dict(sorted(self.ratings.items())),
            "top_three": sorted(self.top_three),
            "answers": {q: list(v) for q, v in sorted(self.answers.items())},
            "profile": dict(sorted(self.profile.items())),
        }

    def content_hash(self, campaign_slug: str) -> str:
        """SHA-256 of the canonical content."""
        canonical = json.dumps(self.canonical(campaign_slug), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def clean_free_text(text: str | None) -> str | None:
    """Free text as typed (browsers send CRLF line ends; restore LF), or None when blank."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else None


def profile_from_answers(
    place=None, age_band=None, race_ethnicity=None, income_band=None, primary_language=None, hardships=None
) -> dict[str, Any]:
    """Profile columns from the survey's profile answers; unanswered items are left out.

    Hardships are ticked from a list that ends with "none of these": when nothing is
    ticked, every hardship is unknown; when anything is ticked, the unticked ones are no.
    """
    profile: dict[str, Any] = {}
    if place and place.strip():
        profile["place"] = place.strip()
    for column, value in (("age_band", age_band), ("income_band", income_band), ("primary_language", primary_language)):
        if value:
            profile[column] = value
    if race_ethnicity:
        profile["race_ethnicity"] = sorted(set(race_ethnicity))
    if hardships:
        for column in HARDSHIP_COLUMNS:
            profile[column] = column in hardships
    return profile


def store_priority_response(
    campaign: CampaignSnapshot, content: SurveyContent, submission: PrioritySubmission
) -> tuple[Outcome, Response | None]:
    """Store a priority survey response once; a replay of the same UUID is not stored again."""
    content_hash = submission.content_hash(campaign.slug)
    need_ids = content.need_ids
    top = set(submission.top_three)
    response = Response(
        client_uuid=submission.client_uuid,
        content_hash=content_hash,
        campaign_id=campaign.id,
        instrument="priority",
        language=submission.language,
        channel=submission.channel,
        event_id=submission.event_id,
        entered_by_id=submission.entered_by_id,
        created_at=submission.created_at or utcnow(),
        received_at=utcnow(),
        ratings=[
            Rating(need_id=need_ids[key], importance=importance, top_three=key in top)
            for key, importance in submission.ratings.items()
        ],
        answers=[
            Answer(question=question, text=text, language=language)
            for question, (text, language) in submission.answers.items()
        ],
        profile=Profile(**submission.profile) if submission.profile else None,
    )
    return _insert_once(response)


def _insert_once(response: Response) -> tuple[Outcome, Response | None]:
    """Insert ``response``; on a UUID collision, tell a replay from a conflict."""
    db.session.add(response)
    try:
        db.session.commit()
        return Outcome.STORED, response
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Response).where(Response.client_uuid == response.client_uuid))
        if existing is None:
            raise  # some other constraint failed: a bug, not a replay
        if existing.content_hash == response.content_hash:
            return Outcome.DUPLICATE, existing
        log.warning("response %s sent again with different content; kept the first", response.client_uuid)
        return Outcome.CONFLICT, None
