"""What the summary page and the brief show: read from the newest finished analysis run.

Nothing here runs the analysis; the only live queries are small aggregates (theme sizes,
which follow the lead's theme edits at once).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from analysis.theme_summary import mask_contact_details
from webapp.extensions import db
from webapp.models import (
    AnalysisRun,
    Answer,
    AnswerTheme,
    AuditEvent,
    Campaign,
    RespondentWeight,
    Response,
    Theme,
    utcnow,
)
from webapp.models.analysis import EMPHASIS_VALUES
from webapp.services.analysis_runs import abandoned


@dataclass(frozen=True)
class NeedRow:
    """One need on the prioritized-needs table (numbers None when too few to say)."""

    key: str
    name: str
    respondents: int
    rank: int | None
    rank_range: tuple[int, int] | None
    mean: float | None
    mean_interval: tuple[float, float] | None
    top_three_share: float | None
    representative_rank: int | None
    unweighted_rank: int | None
    gap: float | None
    gap_interval: tuple[float, float] | None
    ranks_by_emphasis: tuple[int | None, ...]
    moved: bool
    retired: bool = False  #: no longer asked: only residents who answered before it was retired rated it
    #: when it was added, if residents had begun answering before: those who answered earlier never rated it
    added_at: dt.datetime | None = None
    tied: bool = False  #: shares its rank with another need (equal mean and top-three share)

    @property
    def too_few_to_say(self) -> bool:
        return self.mean is None


@dataclass(frozen=True)
class Quote:
    """A theme's representative answer, as written and in its language, but with any e-mail address
    or phone number in it masked: the summary is shared and printed, a resident's contacts must not be."""

    answer_id: int
    text: str
    language: str
    copies: int = 1  #: answers of its theme in exactly these words (a pasted petition: dozens)


@dataclass
class ThemeView:
    """A theme as the lead sees it, with its size under the chosen weighting."""

    id: int
    label: str
    edited: bool
    terms: list[str]
    size: int = 0
    weighted: float = 0.0
    share: float | None = None
    quotes: list[Quote] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """Everything the summary page shows for one emphasis."""

    run: AnalysisRun
    emphasis: float
    rows: list[NeedRow]
    report: dict
    counts: dict
    themes: list[ThemeView]
    group_means: list[dict]
    need_names: dict[str, str]

    @property
    def as_of(self) -> dt.datetime:
        return self.run.finished_at

    @property
    def representativeness(self) -> list[dict]:
        return self.report.get("representativeness") or []

    @property
    def under_represented(self) -> list[dict]:
        """Categories with fewer respondents than their population share, most missing first.

        "Not stated" is left out: outreach cannot aim at people who skipped a question.
        """
        short = [row for row in self.representativeness
                 if row["respondents_short"] > 0 and row["category"] != "not stated"]
        return sorted(short, key=lambda row: (row["representation_ratio"], row["variable"]))

    def top(self, n: int = 5) -> list[NeedRow]:
        """The ``n`` best-ranked needs, and any tied with the last of them (a tie is not cut in two)."""
        ranked = [row for row in self.rows if row.rank is not None]
        return [row for row in ranked if row.rank <= ranked[n - 1].rank] if len(ranked) > n else ranked


def latest_run(campaign_id: int) -> AnalysisRun | None:
    """The newest finished (done) run of the campaign."""
    return db.session.scalar(select(AnalysisRun).where(AnalysisRun.campaign_id == campaign_id,
                                                       AnalysisRun.status == "done")
                             .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc()).limit(1))


def pending_run(campaign_id: int) -> AnalysisRun | None:
    """A queued or running run, if any, that has not been abandoned (see ``analysis_runs.abandoned``)."""
    return db.session.scalar(select(AnalysisRun).where(AnalysisRun.campaign_id == campaign_id,
                                                       AnalysisRun.status.in_(("queued", "running")),
                                                       ~abandoned(utcnow())).limit(1))


def failed_run(campaign_id: int, after: AnalysisRun | None) -> AnalysisRun | None:
    """The newest failed run, when it is newer than ``after``."""
    query = select(AnalysisRun).where(AnalysisRun.campaign_id == campaign_id, AnalysisRun.status == "failed")
    if after is not None:
        query = query.where(AnalysisRun.id > after.id)
    return db.session.scalar(query.order_by(AnalysisRun.id.desc()).limit(1))


def emphasis_param(value: str | None) -> str | None:
    """The emphasis a form sent back, for the summary's URL (None, the lens's own, when it is not one runs compute)."""
    return value if value in {f"{emphasis:g}" for emphasis in EMPHASIS_VALUES} else None


def computed_emphasis(value) -> float | None:
    """The emphasis runs compute that equals ``value`` (None when none does).

    The computed value itself is returned, not ``value``: -0 equals 0 but is stored under "0.0".
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return next((emphasis for emphasis in EMPHASIS_VALUES if emphasis == number), None)


def parse_emphasis(value: str | None, default: float = 1.0) -> float:
    """The emphasis asked for in the URL, when it is one the run computed; else ``default``."""
    for candidate in (value, default):
        emphasis = computed_emphasis(candidate)
        if emphasis is not None:
            return emphasis
    return 1.0


def need_names(campaign: Campaign, language: str) -> dict[str, str]:
    """Each need's name in the reader's language (the campaign's default language otherwise)."""
    names = {}
    for need in campaign.needs:
        text = need.text(language, campaign.default_language)
        names[need.key] = text.name if text else need.key
    return names


def _pair(value):
    return tuple(value) if value is not None else None


def needs_added_late(campaign: Campaign) -> dict[str, dt.datetime]:
    """When each need added after residents began answering was added (need key -> time).

    A need has no time of its own: its adding is recorded in the audit trail (``need.added``,
    which services.needs writes with the need). Residents began with the first priority
    response, by when it was answered or, if sooner, stored. Needs made before that, or
    with no recorded adding (made with the campaign), are left out.
    """
    answered, stored = db.session.execute(
        select(func.min(Response.created_at), func.min(Response.received_at))
        .where(Response.campaign_id == campaign.id, Response.instrument == "priority")).one()
    began = min((when for when in (answered, stored) if when is not None), default=None)
    keys = {need.id: need.key for need in campaign.needs}
    if began is None or not keys:
        return {}
    added = db.session.execute(
        select(AuditEvent.target_id, func.min(AuditEvent.occurred_at))
        .where(AuditEvent.action == "need.added", AuditEvent.target_type == "need",
               AuditEvent.target_id.in_(list(keys))).group_by(AuditEvent.target_id))
    return {keys[need_id]: when for need_id, when in added if when > began}


def need_rows(report: dict, names: dict[str, str], retired: frozenset[str] = frozenset(),
              added: dict[str, dt.datetime] | None = None) -> list[NeedRow]:
    """The needs in equity-rank order (tied needs among themselves, and needs too few to say at the end, in
    need-list order); ``retired``: the keys of needs no longer asked; ``added``: when needs added late were added."""
    added = added or {}
    tables = report["weightings"]
    gaps = {gap["need"]: gap for gap in report["gap"]["needs"]}
    sweep = {row["need"]: row for row in report["sensitivity"]["needs"]}
    others = {name: {row["need"]: row for row in tables[name]["needs"]} for name in ("representative", "unweighted")}
    rows = []
    for row in tables["equity"]["needs"]:
        key = row["need"]
        rows.append(NeedRow(
            key=key, name=names.get(key, key), respondents=row["respondents"], rank=row["rank"],
            rank_range=_pair(row["rank_range"]), mean=row["mean_importance"],
            mean_interval=_pair(row["mean_importance_interval"]), top_three_share=row["top_three_share"],
            representative_rank=others["representative"][key]["rank"], unweighted_rank=others["unweighted"][key]["rank"],
            gap=gaps[key]["gap"], gap_interval=_pair(gaps[key]["gap_interval"]),
            ranks_by_emphasis=tuple(sweep[key]["ranks"]), moved=sweep[key]["moved"], retired=key in retired,
            added_at=added.get(key), tied=row.get("tied", False),  # older runs: no rank was shared
        ))
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0))  # stable: the report is in need-list order


def theme_views(campaign_id: int, run: AnalysisRun, emphasis: float) -> list[ThemeView]:
    """The campaign's themes (merged ones folded in) with size, weighted share and quotes."""
    themes = db.session.scalars(select(Theme).where(Theme.campaign_id == campaign_id).order_by(Theme.id)).all()
    views = {t.id: ThemeView(t.id, t.label, t.edited, list(t.terms or [])) for t in themes if t.merged_into_id is None}
    for theme in themes:
        if theme.merged_into_id in views:
            views[theme.merged_into_id].merged.append(theme.label)
    weight = RespondentWeight.representative * (1 + emphasis * RespondentWeight.affectedness)
    sizes = db.session.execute(
        select(AnswerTheme.theme_id, func.count(), func.coalesce(func.sum(weight), 0.0))
        .join(Answer, Answer.id == AnswerTheme.answer_id)
        .outerjoin(RespondentWeight, (RespondentWeight.response_id == Answer.response_id)
                   & (RespondentWeight.run_id == run.id))
        .join(Theme, Theme.id == AnswerTheme.theme_id).where(Theme.campaign_id == campaign_id)
        .group_by(AnswerTheme.theme_id))
    for theme_id, size, weighted in sizes:
        if theme_id in views:
            views[theme_id].size, views[theme_id].weighted = int(size), float(weighted)
    total = sum(view.weighted for view in views.values())
    quotes = db.session.execute(
        select(AnswerTheme.theme_id, Answer.id, Answer.text, Answer.language)
        .join(Answer, Answer.id == AnswerTheme.answer_id).join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(Theme.campaign_id == campaign_id, AnswerTheme.quote.is_(True)).order_by(Answer.id)).all()
    copies = dict(((theme_id, text), count) for theme_id, text, count in db.session.execute(
        select(AnswerTheme.theme_id, Answer.text, func.count()).join(Answer, Answer.id == AnswerTheme.answer_id)
        .join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(Theme.campaign_id == campaign_id, Answer.text.in_({text for _theme, _id, text, _lang in quotes}))
        .group_by(AnswerTheme.theme_id, Answer.text)))
    marks = (_("[phone number]"), _("[e-mail address]"))  # in the reader's language
    for theme_id, answer_id, text, language in quotes:
        if theme_id in views:
            views[theme_id].quotes.append(Quote(answer_id, mask_contact_details(text, *marks), language,
                                                copies.get((theme_id, text), 1)))
    for view in views.values():
        view.share = view.weighted / total if total else None
    return sorted((v for v in views.values() if v.size), key=lambda v: (-v.weighted, -v.size, v.id))


def build_summary(campaign: Campaign, run: AnalysisRun, emphasis: float, language: str) -> Summary:
    """The page's data for ``emphasis`` from the stored ``run``."""
    names = need_names(campaign, language)
    report = run.results["reports"][str(float(emphasis))]
    retired = frozenset(n.key for n in campaign.needs if n.retired_at)
    return Summary(
        run=run, emphasis=emphasis, rows=need_rows(report, names, retired, needs_added_late(campaign)),
        report=report, counts=run.results["counts"],
        themes=theme_views(campaign.id, run, emphasis), group_means=run.results.get("group_means", []),
        need_names=names,
    )
