"""Coalition members' asset and skill assessments.

One ``member_assessment`` row per submitted assessment (1:1 with its ``response``); every
multi-select answer (skills, assets, languages, availability) is a ``member_choice`` row,
so counting who has what is a plain GROUP BY on SQLite and PostgreSQL alike, and the
primary key makes it impossible to count one person twice for the same thing.
"""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base
from webapp.models.response import _one_of

SECTORS = (
    "public_health", "health_care", "education", "business", "government", "faith", "community_org",
    "resident", "philanthropy", "media", "justice", "housing", "transportation", "other",
)
SKILLS = (
    "facilitation", "data_evaluation", "grants_fundraising", "translation", "outreach_organizing",
    "policy_advocacy", "communications", "event_planning", "design", "legal", "technology", "training",
    "research",
)
ASSETS = (
    "meeting_space", "funding", "volunteers", "data", "networks", "equipment", "transportation", "food",
    "childcare",
)
#: from most to least involved: the order of the involvement pyramid
INVOLVEMENT_LEVELS = ("leading", "active", "occasional", "informed")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMES = ("morning", "afternoon", "evening")
MODES = ("in_person", "online")
#: coalition core competencies a member rates themself on, 1 (need to learn) to 4 (can teach others)
COMPETENCIES = (
    "facilitation", "communication", "community_knowledge", "cultural_humility", "data_use",
    "advocacy_policy", "resource_development", "leadership",
)
COMPETENCY_LEVELS = (1, 2, 3, 4)
#: the multi-select questions stored as member_choice rows
CHOICE_QUESTIONS = ("skill", "asset", "language", "translation_language", "day", "time", "mode")


def competency_column(key: str) -> str:
    """The member_assessment column holding the self-rating of competency ``key``."""
    return f"competency_{key}"


class MemberAssessment(Base):
    """What one coalition member can bring and how involved they want to be."""

    __tablename__ = "member_assessment"
    __table_args__ = (
        CheckConstraint(_one_of("sector", SECTORS), name="sector"),
        CheckConstraint(_one_of("involvement", INVOLVEMENT_LEVELS), name="involvement"),
        *(CheckConstraint(f"{competency_column(key)} BETWEEN 1 AND 4", name=f"{competency_column(key)}_range")
          for key in COMPETENCIES),
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    #: may leads and the directory show who this is? Contact details are only kept when yes.
    directory_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(32))
    sector_other: Mapped[str | None] = mapped_column(String(120))
    #: lives with the issues the coalition works on (None: not answered); only ever counted
    lived_experience: Mapped[bool | None] = mapped_column(Boolean)
    involvement: Mapped[str] = mapped_column(String(16))
    #: languages beyond our eight, as typed
    other_languages: Mapped[str | None] = mapped_column(String(200))
    competency_facilitation: Mapped[int | None] = mapped_column(SmallInteger)
    competency_communication: Mapped[int | None] = mapped_column(SmallInteger)
    competency_community_knowledge: Mapped[int | None] = mapped_column(SmallInteger)
    competency_cultural_humility: Mapped[int | None] = mapped_column(SmallInteger)
    competency_data_use: Mapped[int | None] = mapped_column(SmallInteger)
    competency_advocacy_policy: Mapped[int | None] = mapped_column(SmallInteger)
    competency_resource_development: Mapped[int | None] = mapped_column(SmallInteger)
    competency_leadership: Mapped[int | None] = mapped_column(SmallInteger)

    choices: Mapped[list[MemberChoice]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def chosen(self, question: str) -> list[str]:
        """The values ticked for ``question`` (one of CHOICE_QUESTIONS), sorted."""
        return sorted(choice.value for choice in self.choices if choice.question == question)

    def competency(self, key: str) -> int | None:
        """The self-rating (1–4) of competency ``key``, or None."""
        return getattr(self, competency_column(key))


class MemberChoice(Base):
    """One ticked option of a multi-select question of a member assessment."""

    __tablename__ = "member_choice"
    __table_args__ = (CheckConstraint(_one_of("question", CHOICE_QUESTIONS), name="question"),)

    response_id: Mapped[int] = mapped_column(
        ForeignKey("member_assessment.response_id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(String(24), primary_key=True)
    value: Mapped[str] = mapped_column(String(32), primary_key=True)
