"""Coalition meetings and their anonymous evaluations (Meeting Effectiveness Inventory)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.response import _one_of

if TYPE_CHECKING:
    from webapp.models.campaign import Campaign

#: the eight Meeting Effectiveness Inventory items (Getting to Outcomes), in form order
MEI_ITEMS = (
    "goals", "participation", "leadership", "decisions", "cohesiveness", "conflict", "organisation", "productivity",
)
#: access and welcome items, answered yes / somewhat / no
ACCESS_ITEMS = ("time_place", "take_part", "welcome")
ACCESS_ANSWERS = ("yes", "somewhat", "no")
MEETING_MODES = ("in_person", "online", "hybrid")


class Meeting(Base):
    """A coalition meeting that participants evaluate through a short public link."""

    __tablename__ = "meeting"
    __table_args__ = (CheckConstraint(_one_of("mode", MEETING_MODES), name="mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: the short public code of /m/<code>: unambiguous capitals and digits
    code: Mapped[str] = mapped_column(String(8), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(16))
    #: an address, a room or the name of the video platform
    place: Mapped[str] = mapped_column(String(200), default="")
    facilitator: Mapped[str] = mapped_column(String(120), default="")
    #: the language the lead wrote the title, place and facilitator in: the one of their pages when they added it
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    #: evaluations are taken until then
    closes_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Whether evaluations are still taken."""
        return (now or utcnow()) < self.closes_at


class MeetingEvaluation(Base):
    """One participant's anonymous evaluation of a meeting: no name, no address, no account.

    Each MEI item is 1–5. For conflict resolution a participant may say there was no
    conflict instead (``no_conflict``); that answer has no score and stays out of the mean.
    """

    __tablename__ = "meeting_evaluation"
    __table_args__ = (
        *(CheckConstraint(f"{item} BETWEEN 1 AND 5", name=f"{item}_range") for item in MEI_ITEMS),
        # exactly one of: a conflict score, or "there was no conflict"
        CheckConstraint("(no_conflict AND conflict IS NULL) OR (NOT no_conflict AND conflict IS NOT NULL)",
                        name="conflict_or_none"),
        *(CheckConstraint(_one_of(f"access_{item}", ACCESS_ANSWERS), name=f"access_{item}") for item in ACCESS_ITEMS),
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    goals: Mapped[int] = mapped_column(SmallInteger)
    participation: Mapped[int] = mapped_column(SmallInteger)
    leadership: Mapped[int] = mapped_column(SmallInteger)
    decisions: Mapped[int] = mapped_column(SmallInteger)
    cohesiveness: Mapped[int] = mapped_column(SmallInteger)
    conflict: Mapped[int | None] = mapped_column(SmallInteger)
    no_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation: Mapped[int] = mapped_column(SmallInteger)
    productivity: Mapped[int] = mapped_column(SmallInteger)
    access_time_place: Mapped[str | None] = mapped_column(String(8))
    access_take_part: Mapped[str | None] = mapped_column(String(8))
    access_welcome: Mapped[str | None] = mapped_column(String(8))
