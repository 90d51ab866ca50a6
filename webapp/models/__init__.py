"""SQLAlchemy 2 typed models. The schema changes only through Alembic migrations."""
from webapp.models.accounts import CampaignAssignment, PasswordResetToken
from webapp.models.analysis import (
    AnalysisRun,
    AnalysisSettings,
    AnswerTheme,
    RespondentWeight,
    StoredThemeModel,
    Theme,
)
from webapp.models.audit import AuditEvent
from webapp.models.base import Base, utcnow
from webapp.models.campaign import CAMPAIGN_EDITED, PROFILE_QUESTIONS, Campaign, CampaignText, Need, NeedText
from webapp.models.meetings import Meeting, MeetingEvaluation
from webapp.models.members import MemberAssessment, MemberChoice
from webapp.models.people import ROLES, Event, User
from webapp.models.response import CHANNELS, INSTRUMENTS, Answer, Profile, Rating, Response

__all__ = [
    "Base", "utcnow", "CAMPAIGN_EDITED", "PROFILE_QUESTIONS", "Campaign", "CampaignText", "Need", "NeedText",
    "ROLES", "Event", "User", "CHANNELS", "INSTRUMENTS", "Answer", "Profile", "Rating", "Response",
    "CampaignAssignment", "PasswordResetToken", "AuditEvent",
    "MemberAssessment", "MemberChoice", "Meeting", "MeetingEvaluation",
    "AnalysisSettings", "AnalysisRun", "RespondentWeight", "Theme", "AnswerTheme", "StoredThemeModel",
]
