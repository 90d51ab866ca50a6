"""Campaigns and the needs residents rate, with their text in every language."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from webapp.models.base import Base, utcnow

#: Profile questions a campaign may ask; all are optional for the resident.
PROFILE_QUESTIONS = (
    "place",
    "age_band",
    "race_ethnicity",
    "income_band",
    "primary_language",
    "hardships",
)


class Campaign(Base):
    """One round of community input, e.g. a county's 2026 health priorities survey."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    default_language: Mapped[str] = mapped_column(String(8))
    #: language codes offered to residents, default language first
    languages: Mapped[list[str]] = mapped_column(JSON)
    #: which of PROFILE_QUESTIONS are asked
    profile_questions: Mapped[list[str]] = mapped_column(JSON)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    #: when it last closed; personal contact details are deleted a set time after (retention)
    closed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: bumped on every content edit, so cached renderings know when to refresh
    content_version: Mapped[int] = mapped_column(Integer, default=1)
    #: how residents reach the coalition (an e-mail address, a phone number): the thank-you pages give it
    #: beside the reference code that has their answers deleted
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")

    texts: Mapped[dict[str, CampaignText]] = relationship(
        collection_class=attribute_keyed_dict("language"), cascade="all, delete-orphan"
    )
    needs: Mapped[list[Need]] = relationship(
        back_populates="campaign", order_by="Need.position", cascade="all, delete-orphan"
    )

    def text(self, language: str) -> CampaignText | None:
        """The campaign's text in ``language``, falling back to its default language."""
        return self.texts.get(language) or self.texts.get(self.default_language)

    def active_needs(self) -> list[Need]:
        """Needs residents are asked to rate now, in order (retired needs excluded)."""
        return [need for need in self.needs if need.retired_at is None]


class CampaignText(Base):
    """A campaign's resident-facing words in one language."""

    __tablename__ = "campaign_text"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")


class Need(Base):
    """A need residents rate (affordable housing, healthy food, …), in campaign order."""

    __tablename__ = "need"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: stable identifier used in exports and analysis; never changes once ratings exist
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    #: retired needs are no longer asked; their collected ratings are kept
    retired_at: Mapped[dt.datetime | None]

    campaign: Mapped[Campaign] = relationship(back_populates="needs")
    texts: Mapped[dict[str, NeedText]] = relationship(
        collection_class=attribute_keyed_dict("language"), cascade="all, delete-orphan", lazy="selectin"
    )

    def text(self, language: str, fallback: str) -> NeedText | None:
        """The need's name and description in ``language``, else in ``fallback``."""
        return self.texts.get(language) or self.texts.get(fallback)


class NeedText(Base):
    """A need's name and description in one language."""

    __tablename__ = "need_text"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")



#: set in a session's ``info`` when it changed what residents read about a campaign
CAMPAIGN_EDITED = "chorus.campaign_edited"


@event.listens_for(Session, "after_flush")
def _bump_content_version(session: Session, _flush_context) -> None:
    """Any change to what residents read bumps the campaign's ``content_version``.

    Cached renderings of public pages are keyed on it, so an edit is seen at once; doing
    it here means no editing code path can forget.
    """
    campaign_ids: set[int] = set()
    need_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Campaign) and obj not in session.new:
            campaign_ids.add(obj.id)
        elif isinstance(obj, (CampaignText, Need)):
            campaign_ids.add(obj.campaign_id)
        elif isinstance(obj, NeedText):
            need_ids.add(obj.need_id)
    if need_ids:
        campaign_ids |= set(session.scalars(select(Need.campaign_id).where(Need.id.in_(need_ids))))
    campaign_ids.discard(None)
    if campaign_ids:
        session.info[CAMPAIGN_EDITED] = True  # see services.campaigns: snapshots are read again after commit
        session.execute(
            update(Campaign).where(Campaign.id.in_(campaign_ids)).values(content_version=Campaign.content_version + 1)
        )
