"""Meetings: creating them with a short public code, storing evaluations once, and their results.

Results of a meeting with fewer than MIN_EVALUATIONS evaluations are withheld entirely
(no numbers, no answers) so that no one's evaluation can be picked out.
"""
from __future__ import annotations

import datetime as dt
import secrets
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Answer, Meeting, MeetingEvaluation, Response, utcnow
from webapp.models.meetings import ACCESS_ANSWERS, ACCESS_ITEMS, MEI_ITEMS
from webapp.services import audit
from webapp.services.exports import half_up
from webapp.services.open_answers import OpenAnswer
from webapp.services.submissions import Outcome, content_hash_of, store_once

#: fewer evaluations than this and a meeting's results are withheld
MIN_EVALUATIONS = 3
#: how many of the lowest-scoring items a meeting's results point out (ties included)
LOWEST_ITEMS = 2
#: capitals and digits nobody confuses (no 0/O, 1/I/L) when typing a code from a slide
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_ATTEMPTS = 10


def new_code() -> str:
    """A random meeting code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """A code as typed (any case, stray spaces or dashes) in its stored form."""
    return "".join(char for char in code.upper() if char.isalnum())[:8]


def _start_of_day(day: dt.date, timezone: str) -> dt.datetime:
    """The midnight that starts ``day`` in ``timezone``, in UTC."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zoneinfo.ZoneInfo(timezone)).astimezone(dt.timezone.utc)


def closing_time(held_on: dt.date, open_days: int, timezone: str) -> dt.datetime:
    """When evaluations stop: the end of the ``open_days``-th day after the meeting, in ``timezone``."""
    return _start_of_day(held_on + dt.timedelta(days=open_days + 1), timezone)


def opening_time(held_on: dt.date, timezone: str) -> dt.datetime:
    """When evaluations start: the start of the meeting's day in ``timezone`` (no one evaluates a meeting
    before it was held; a lead testing the QR code ahead of it would count as a participant)."""
    try:
        return _start_of_day(held_on, timezone)
    except OverflowError:  # the calendar's first day, ahead of UTC: open since the beginning of time
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def evaluations_started(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether the meeting's day has begun where the coalition is, so that evaluations are taken."""
    return (now or utcnow()) >= opening_time(meeting.held_on, current_app.config["BABEL_DEFAULT_TIMEZONE"])


def create_meeting(campaign, *, title: str, held_on: dt.date, mode: str, place: str = "", facilitator: str = "",
                   open_days: int = 7, timezone: str = "UTC", language: str | None = None,
                   actor=None) -> Meeting:
    """A new meeting of ``campaign`` with a unique code (audited); its words are written in ``language``
    (the campaign's default language when not given)."""
    closes_at = closing_time(held_on, open_days, timezone)
    for _attempt in range(CODE_ATTEMPTS):
        meeting = Meeting(campaign_id=campaign.id, code=new_code(), title=title.strip(), held_on=held_on, mode=mode,
                          place=(place or "").strip(), facilitator=(facilitator or "").strip(), closes_at=closes_at,
                          language=language or campaign.default_language,
                          created_by_id=actor.id if actor is not None else None)
        db.session.add(meeting)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            if find_meeting(meeting.code) is None:
                raise  # not a code collision
            continue
        audit.record("meeting.created", actor=actor, target=meeting,
                     detail={"slug": campaign.slug, "code": meeting.code, "title": meeting.title})
        db.session.commit()
        return meeting
    raise RuntimeError("could not find an unused meeting code")


def find_meeting(code: str) -> Meeting | None:
    """The meeting with this public code, or None."""
    return db.session.scalar(select(Meeting).where(Meeting.code == normalize_code(code)))


def evaluation_stored(meeting_id: int, client_uuid: uuid.UUID | None) -> bool:
    """Whether an evaluation of the meeting was already stored under ``client_uuid`` (a form sent again)."""
    if client_uuid is None:
        return False
    return db.session.execute(
        select(Response.id).join(MeetingEvaluation, MeetingEvaluation.response_id == Response.id)
        .where(Response.client_uuid == client_uuid, MeetingEvaluation.meeting_id == meeting_id)
    ).first() is not None


def campaign_meetings(campaign_id: int) -> list[Meeting]:
    """The campaign's meetings, oldest first."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.campaign_id == campaign_id).order_by(Meeting.held_on, Meeting.id)))


@dataclass
class EvaluationSubmission:
    """One participant's evaluation, as plain data. Nothing in it says who they are."""

    client_uuid: uuid.UUID
    language: str
    #: MEI item -> 1–5; conflict None when there was no conflict
    scores: dict[str, int | None]
    #: access item -> yes / somewhat / no (unanswered items left out)
    access: dict[str, str] = field(default_factory=dict)
    #: question -> (text, language it was written in)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)

    def columns(self) -> dict:
        """The meeting_evaluation columns."""
        return {**{item: self.scores.get(item) for item in MEI_ITEMS}, "no_conflict": self.scores.get("conflict") is None,
                **{f"access_{item}": self.access.get(item) for item in ACCESS_ITEMS}}

    def canonical(self, meeting_code: str) -> dict:
        return {"meeting": meeting_code, "instrument": "meeting", "language": self.language, **self.columns(),
                "answers": {q: list(v) for q, v in sorted(self.answers.items())}}


def store_evaluation(meeting: Meeting, submission: EvaluationSubmission, content_hash: str | None = None
                     ) -> tuple[Outcome, int | None]:
    """Store an evaluation once per client UUID: no name, no address, no account."""
    def write_rows(response_id: int) -> None:
        db.session.execute(insert(MeetingEvaluation),
                           [{"response_id": response_id, "meeting_id": meeting.id, **submission.columns()}])
        if submission.answers:
            db.session.execute(insert(Answer), [
                {"response_id": response_id, "question": question, "text": text, "language": language}
                for question, (text, language) in submission.answers.items()])

    return store_once({
        "client_uuid": submission.client_uuid,
        "content_hash": content_hash or content_hash_of(submission.canonical(meeting.code)),  # the caller's if given
        "campaign_id": meeting.campaign_id, "instrument": "meeting", "language": submission.language,
        "channel": "web",
    }, write_rows)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInfo:
    """A meeting's facts, as plain data."""

    id: int
    code: str
    title: str
    held_on: dt.date
    mode: str
    place: str
    facilitator: str
    closes_at: dt.datetime
    language: str  #: what the title, place and facilitator are written in

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingInfo:
        return cls(meeting.id, meeting.code, meeting.title, meeting.held_on, meeting.mode, meeting.place,
                   meeting.facilitator, meeting.closes_at, meeting.language)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Whether evaluations are still taken."""
        return (now or utcnow()) < self.closes_at

    @property
    def open_through(self) -> dt.datetime:
        """The last minute evaluations are taken, to write "open until" with: ``closes_at`` is the
        midnight that ends the last day, which reads as if the next day counted."""
        return self.closes_at - dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ItemResult:
    """One MEI item at one meeting."""

    key: str
    #: how many chose 1, 2, 3, 4, 5
    distribution: tuple[int, int, int, int, int]
    lowest: bool = False

    @property
    def n(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> Fraction | None:
        total = sum(score * count for score, count in zip(range(1, 6), self.distribution))
        return Fraction(total, self.n) if self.n else None


@dataclass(frozen=True)
class AccessResult:
    """One access item at one meeting: how many said yes, somewhat, no."""

    key: str
    counts: dict[str, int]

    @property
    def n(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MeetingResults:
    """A meeting's results, or only that they are withheld (fewer than MIN_EVALUATIONS)."""

    meeting: MeetingInfo
    evaluations: int
    items: list[ItemResult] = field(default_factory=list)
    #: participants who said there was no conflict (not in the conflict item's mean)
    no_conflict: int = 0
    access: list[AccessResult] = field(default_factory=list)
    #: open answers, in an order that says nothing about who wrote them
    answers: list[OpenAnswer] = field(default_factory=list)

    @property
    def withheld(self) -> bool:
        return self.evaluations < MIN_EVALUATIONS

    def item(self, key: str) -> ItemResult | None:
        return next((item for item in self.items if item.key == key), None)


def mark_lowest(items: list[ItemResult], count: int = LOWEST_ITEMS) -> list[ItemResult]:
    """The items with the ``count`` lowest means flagged ``lowest`` (ties included; none when all are equal)."""
    means = sorted(item.mean for item in items if item.mean is not None)
    if not means or means[0] == means[-1]:
        return items
    threshold = means[min(count, len(means)) - 1]
    return [ItemResult(item.key, item.distribution, item.mean is not None and item.mean <= threshold)
            for item in items]


def summarize_evaluations(meeting: MeetingInfo, evaluations: list[MeetingEvaluation],
                          answers: list[OpenAnswer]) -> MeetingResults:
    """A meeting's results from its evaluations (withheld below MIN_EVALUATIONS)."""
    if len(evaluations) < MIN_EVALUATIONS:
        return MeetingResults(meeting, len(evaluations))
    items = []
    for key in MEI_ITEMS:
        scores = Counter(getattr(e, key) for e in evaluations if getattr(e, key) is not None)
        items.append(ItemResult(key, tuple(scores[score] for score in range(1, 6))))
    access = [AccessResult(key, {answer: sum(getattr(e, f"access_{key}") == answer for e in evaluations)
                                 for answer in ACCESS_ANSWERS}) for key in ACCESS_ITEMS]
    return MeetingResults(
        meeting, len(evaluations), items=mark_lowest(items), no_conflict=sum(e.no_conflict for e in evaluations),
        access=access, answers=sorted(answers, key=lambda a: (a.question, a.language, a.text)),
    )


def campaign_results(campaign_id: int) -> list[MeetingResults]:
    """Results of every meeting of the campaign, oldest meeting first (three queries in all)."""
    meetings = campaign_meetings(campaign_id)
    evaluations: dict[int, list[MeetingEvaluation]] = {}
    response_meeting: dict[int, int] = {}
    for evaluation in db.session.scalars(
            select(MeetingEvaluation).join(Meeting).where(Meeting.campaign_id == campaign_id)):
        evaluations.setdefault(evaluation.meeting_id, []).append(evaluation)
        response_meeting[evaluation.response_id] = evaluation.meeting_id
    answers: dict[int, list[OpenAnswer]] = {}
    for answer in db.session.scalars(
            select(Answer).join(MeetingEvaluation, MeetingEvaluation.response_id == Answer.response_id)
            .join(Meeting).where(Meeting.campaign_id == campaign_id)):
        answers.setdefault(response_meeting[answer.response_id], []).append(
            OpenAnswer(answer.question, answer.text, answer.language))
    return [summarize_evaluations(MeetingInfo.of(m), evaluations.get(m.id, []), answers.get(m.id, [])) for m in meetings]


def trend(results: list[MeetingResults]) -> dict[str, list[Fraction | None]]:
    """MEI item -> its mean at each meeting in ``results`` (None where withheld or unanswered)."""
    return {key: [None if r.withheld else r.item(key).mean for r in results] for key in MEI_ITEMS}


EXPORT_HEADER = [
    "meeting_id", "code", "date", "title", "mode", "place", "facilitator", "status", "evaluations",
    *(f"{item}_{part}" for item in MEI_ITEMS for part in ("mean", "n", "1", "2", "3", "4", "5")),
    "conflict_none", *(f"access_{item}_{answer}" for item in ACCESS_ITEMS for answer in ACCESS_ANSWERS),
]


def export_rows(results: list[MeetingResults]):
    """One CSV row per meeting (EXPORT_HEADER); a withheld meeting's row has no numbers at all."""
    for r in results:
        m = r.meeting
        row = [m.id, m.code, m.held_on, m.title, m.mode, m.place, m.facilitator]
        if r.withheld:
            yield row + ["withheld"] + [None] * (len(EXPORT_HEADER) - len(row) - 1)
            continue
        row += ["results", r.evaluations]
        for item in r.items:
            row += [None if item.mean is None else float(half_up(item.mean, 2)), item.n, *item.distribution]
        row.append(r.no_conflict)
        row += [access.counts[answer] for access in r.access for answer in ACCESS_ANSWERS]
        yield row


ANSWERS_EXPORT_HEADER = ["meeting_id", "code", "date", "title", "question", "language", "text"]


def export_answer_rows(results: list[MeetingResults]):
    """One CSV row per open answer (ANSWERS_EXPORT_HEADER), by meeting, question, language and text.

    A withheld meeting's answers stay out, as they do on its page: with so few
    evaluations, what someone wrote could point to who wrote it.
    """
    for r in results:
        if r.withheld:
            continue
        m = r.meeting
        for answer in r.answers:
            yield [m.id, m.code, m.held_on, m.title, answer.question, answer.language, answer.text]
