"""The prioritized-needs summary as stored: settings, analysis runs, weights and themes.

Analysis never runs inside a page request: ``flask analyze`` or the "Recompute now"
button writes an :class:`AnalysisRun` with its results, and the summary page reads the
newest finished one. Themes are rows a lead may rename, merge or move answers between;
the fitted theme model is kept (``theme_model``) so that a recomputation assigns new
answers to the themes as the lead left them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow
from webapp.models.response import _one_of

RUN_STATES = ("queued", "running", "done", "failed")
#: the equity emphasis values (λ) every run computes, so the page can switch between them
EMPHASIS_VALUES = (0.0, 0.5, 1.0, 2.0)


class AnalysisSettings(Base):
    """A campaign's analysis settings: population margins, the equity lens, weight trimming."""

    __tablename__ = "analysis_settings"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    #: ``variable,category,target`` CSV text; empty: no raking (representative = unweighted)
    margins_csv: Mapped[str] = mapped_column(Text, default="")
    #: equity lens TOML text; empty: the shipped default lens
    equity_toml: Mapped[str] = mapped_column(Text, default="")
    #: cap on weight / mean weight when raking (None: no cap)
    trim_ratio: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AnalysisRun(Base):
    """One computation of a campaign's summary, with the settings it used and its results."""

    __tablename__ = "analysis_run"
    __table_args__ = (
        CheckConstraint(_one_of("status", RUN_STATES), name="status"),
        # at most one unfinished run per campaign, on every host: the second insert fails
        Index("ix_analysis_run_one_active", "campaign_id", unique=True,
              sqlite_where=text("status IN ('queued', 'running')"),
              postgresql_where=text("status IN ('queued', 'running')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    #: refreshed while the run computes; when it stops, the process running it died (see ``services.analysis_runs``)
    heartbeat_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    #: the settings used (margins, equity lens, bootstrap, minimum cell …), as JSON
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: counts, the priority report for each emphasis, representativeness, group means
    results: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    #: a bad-input error as its message template and values, so each reader sees it in their language
    error_message: Mapped[dict | None] = mapped_column(JSON)


class RespondentWeight(Base):
    """A response's weights in one run: representative (raked) weight and affectedness score.

    The equity weight at emphasis λ is ``representative × (1 + λ × affectedness)``.
    """

    __tablename__ = "respondent_weight"

    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    representative: Mapped[float] = mapped_column(Float)
    affectedness: Mapped[float] = mapped_column(Float)


class Theme(Base):
    """A theme of residents' open answers, as the lead sees (and may have edited) it."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: the theme's id in the stored theme model (None for a theme a lead made)
    model_theme: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: a lead renamed it; recomputation keeps the lead's label
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    #: merged into another theme: its answers (and new ones like them) go there
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AnswerTheme(Base):
    """Which theme an open answer belongs to."""

    __tablename__ = "answer_theme"

    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    #: a lead moved it here; recomputation never moves it back
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    #: one of the theme's representative quotes
    quote: Mapped[bool] = mapped_column(Boolean, default=False)


class StoredThemeModel(Base):
    """A campaign's fitted :class:`analysis.themes.ThemeModel`, pickled by the analysis run only."""

    __tablename__ = "theme_model"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[bytes] = mapped_column(LargeBinary)
    answers: Mapped[int] = mapped_column(Integer)
    fitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
