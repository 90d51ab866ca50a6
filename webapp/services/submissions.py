"""Storing responses exactly once, whatever the number of retries and replays."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import Response, utcnow
from webapp.services.campaigns import CampaignSnapshot, SurveyContent
from webapp.services.response_writes import write_priority_rows

log = logging.getLogger(__name__)

_response = Response.__table__
_INSERT_RESPONSE = insert(_response).returning(_response.c.id)

HARDSHIP_COLUMNS = ("uninsured", "food_insecurity", "housing_instability", "disability", "transportation_barrier")


class Outcome(enum.Enum):
    """What happened to a submission."""

    STORED = "stored"  #: new, stored now
    DUPLICATE = "duplicate"  #: the same content was already stored under this UUID
    CONFLICT = "conflict"  #: this UUID is already stored with different content; nothing stored
    #: another response of the same event already has this paper form number; nothing stored
    PAPER_NUMBER_TAKEN = "paper_number_taken"


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
    #: the number of the paper form this was typed from (field mode)
    paper_number: str | None = None

    def canonical(self, campaign_slug: str) -> dict:
        """The content that makes two submissions 'the same' (not who sent it or when it arrived)."""
        canonical = {
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
        if self.paper_number is not None:  # only then: hashes of responses without one stay as they were
            canonical["paper_number"] = self.paper_number
        return canonical

    def content_hash(self, campaign_slug: str) -> str:
        """SHA-256 of the canonical content."""
        return content_hash_of(self.canonical(campaign_slug))

    def about_needs(self, keys) -> PrioritySubmission:
        """This submission without its ratings and top picks of needs not in ``keys`` (a set)."""
        if self.ratings.keys() <= keys and keys.issuperset(self.top_three):
            return self  # the usual case, on the busiest path: every need it answers is asked
        return dataclasses.replace(self, ratings={k: v for k, v in self.ratings.items() if k in keys},
                                   top_three=[key for key in self.top_three if key in keys])

    def unknown_needs(self, keys) -> set[str]:
        """The needs this submission rates or picks that are not in ``keys`` (a set or a dict's keys)."""
        return {key for key in (*self.ratings, *self.top_three) if key not in keys}


def content_hash_of(canonical: dict) -> str:
    """SHA-256 of a submission's canonical content (a JSON-serialisable dict)."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_free_text(text: str | None) -> str | None:
    """Free text as typed (browsers send CRLF line ends; restore LF), or None when blank."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else None


def written_language(choice: str | None, page_language: str) -> str:
    """The language free text was written in: the one chosen, "und" (BCP 47: undetermined) for
    another language, else the language of the page."""
    if choice in LANGUAGES:
        return choice
    return "und" if choice == "other" else page_language


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
    campaign: CampaignSnapshot, content: SurveyContent, submission: PrioritySubmission, content_hash: str | None = None
) -> tuple[Outcome, int | None]:
    """Store a priority survey response once; a replay of the same UUID is not stored again.

    Returns the outcome and the stored response's id (None on a conflict). The rows are
    written in one transaction (see ``response_writes``): this is the busiest write path.

    Every need of the campaign it rates gets its rating row, retired ones too: a response queued
    before a need was retired is stored as the person answered it, and the summary shows retired
    needs' ratings. A need the campaign never had is a ``ValueError`` (callers check answers first).
    """
    unknown = submission.unknown_needs(content.need_ids.keys())
    if unknown:
        raise ValueError(f"campaign {campaign.slug!r} has no need {', '.join(sorted(unknown))}")
    content_hash = content_hash or submission.content_hash(campaign.slug)  # the caller's, when it has it already
    top = set(submission.top_three)
    now = utcnow()
    response = {
        "client_uuid": submission.client_uuid, "content_hash": content_hash, "campaign_id": campaign.id,
        "instrument": "priority", "language": submission.language, "channel": submission.channel,
        "event_id": submission.event_id, "entered_by_id": submission.entered_by_id,
        "paper_number": submission.paper_number, "created_at": submission.created_at or now, "received_at": now,
    }
    ratings = [{"need_id": content.need_ids[key], "importance": importance, "top_three": key in top}
               for key, importance in submission.ratings.items()]
    answers = [{"question": question, "text": text, "language": language}
               for question, (text, language) in submission.answers.items()]
    try:
        return Outcome.STORED, write_priority_rows(response, ratings, answers, submission.profile)
    except IntegrityError:
        db.session.rollback()
        # once, a response was stored without its answers about needs retired by then, and hashed without them
        asked = submission.about_needs({need.key for need in content.needs})
        hashed_before = () if asked == submission else (asked.content_hash(campaign.slug),)
        outcome = _replay_outcome(submission.client_uuid, content_hash, *hashed_before)
        if outcome is None and _paper_number_taken(submission.event_id, submission.paper_number):
            return Outcome.PAPER_NUMBER_TAKEN, None
        if outcome is None:
            raise  # some other constraint failed: a bug, not a replay
        return outcome


def _paper_number_taken(event_id: int | None, paper_number: str | None) -> bool:
    """Whether a response of ``event_id`` already carries ``paper_number``."""
    if event_id is None or paper_number is None:
        return False
    return db.session.execute(
        select(Response.id).where(Response.event_id == event_id, Response.paper_number == paper_number)
    ).first() is not None


def store_once(response: dict[str, Any], write_rows: Callable[[int], None]) -> tuple[Outcome, int | None]:
    """Store a response of any instrument once per client UUID, with its own rows, in one transaction.

    ``response`` holds the ``response`` columns (``client_uuid`` and ``content_hash``
    included); ``write_rows(response_id)`` adds the instrument's rows. A UUID already
    stored is a replay (same content hash: DUPLICATE) or a conflict (CONFLICT); either
    way nothing more is stored.
    """
    now = utcnow()
    try:
        response_id = db.session.execute(
            _INSERT_RESPONSE,
            {"created_at": now, "received_at": now, **response},
        ).scalar_one()
        write_rows(response_id)
        db.session.commit()
        return Outcome.STORED, response_id
    except IntegrityError:
        db.session.rollback()
        outcome = _replay_outcome(response["client_uuid"], response["content_hash"])
        if outcome is None:
            raise  # some other constraint failed: a bug, not a replay
        return outcome


def _replay_outcome(client_uuid, *content_hashes: str) -> tuple[Outcome, int | None] | None:
    """After a UUID collision: the same content (any of ``content_hashes``, the ways it may have been
    hashed when stored) is a replay, other content a conflict (None: no collision)."""
    existing = db.session.execute(
        select(Response.id, Response.content_hash).where(Response.client_uuid == client_uuid)
    ).one_or_none()
    if existing is None:
        return None
    if existing.content_hash in content_hashes:
        return Outcome.DUPLICATE, existing.id
    log.warning("response %s sent again with different content; kept the first", client_uuid)
    return Outcome.CONFLICT, None
