"""Staff accounts and outreach events."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

if TYPE_CHECKING:
    from webapp.models.accounts import CampaignAssignment

ROLES = ("admin", "lead", "outreach")


def new_session_token() -> str:
    """A random token that ties signed-in sessions to the account's current password."""
    return secrets.token_hex(16)


class User(Base):
    """A staff account: an admin, a coalition lead or an outreach worker.

    Implements the interface Flask-Login expects (``is_authenticated``, ``get_id``, …).
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'lead', 'outreach')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: part of the session id: changing it (new password, deactivation) signs out every session
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    password_changed_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    assignments: Mapped[list[CampaignAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the user and their session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_admin(self) -> bool:
        """Admins may do everything, in every campaign."""
        return self.role == "admin"

    @property
    def campaign_ids(self) -> set[int]:
        """Ids of the campaigns this account is assigned to."""
        return {assignment.campaign_id for assignment in self.assignments}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Event(Base):
    """An outreach event (health fair, pantry day, door-knocking) where responses are entered."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
