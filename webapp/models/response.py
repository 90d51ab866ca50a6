"""What people answered: responses, per-need ratings, open answers and profiles."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

INSTRUMENTS = ("priority", "member", "meeting")
CHANNELS = ("web", "field", "paper")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Response(Base):
    """One person's submission of one instrument, identified by its client UUID."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(_one_of("instrument", INSTRUMENTS), name="instrument"),
        CheckConstraint(_one_of("channel", CHANNELS), name="channel"),
        #: a paper form's number is entered once per event (NULLs, i.e. no paper form, never clash)
        UniqueConstraint("event_id", "paper_number"),
        #: on SQLite, a deleted response's id is never given to a later one (the audit trail names it)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: made by the client (browser form or offline queue); a retry or replay reuses it
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    #: SHA-256 of the canonical content, to tell a replay from a conflicting reuse of a UUID
    content_hash: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))
    #: looked up through uq_response_event_id_paper_number, which starts with it
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the number written on a paper form typed in at an event (field mode), else NULL
    paper_number: Mapped[str | None] = mapped_column(String(40))
    #: when the person answered (the client's clock for offline entry)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: when the server stored it
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    ratings: Mapped[list[Rating]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    profile: Mapped[Profile | None] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Rating(Base):
    """How important one need is to the respondent (1–5), and whether it is in their top three."""

    __tablename__ = "rating"
    __table_args__ = (CheckConstraint("importance BETWEEN 1 AND 5", name="importance_range"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    #: no index of its own: ratings are read through their response, and needs are retired, never
    #: deleted (an index here cost each stored response a page per need)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), primary_key=True)
    importance: Mapped[int] = mapped_column(SmallInteger)
    top_three: Mapped[bool] = mapped_column(Boolean, default=False)


class Answer(Base):
    """A free-text answer, stored verbatim with the language it was written in."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: looked up through uq_answer_response_id_question, which starts with it
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    #: which open question: "barrier", "change", …
    question: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))


class Profile(Base):
    """Optional facts about the respondent; every column may be unanswered (NULL)."""

    __tablename__ = "profile"

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    #: neighbourhood name or ZIP code, as given
    place: Mapped[str | None] = mapped_column(String(120))
    age_band: Mapped[str | None] = mapped_column(String(16))
    #: a list of codes (several may apply)
    race_ethnicity: Mapped[list[str] | None] = mapped_column(JSON)
    income_band: Mapped[str | None] = mapped_column(String(16))
    primary_language: Mapped[str | None] = mapped_column(String(16))
    uninsured: Mapped[bool | None] = mapped_column(Boolean)
    food_insecurity: Mapped[bool | None] = mapped_column(Boolean)
    housing_instability: Mapped[bool | None] = mapped_column(Boolean)
    disability: Mapped[bool | None] = mapped_column(Boolean)
    transportation_barrier: Mapped[bool | None] = mapped_column(Boolean)
