"""Campaigns: reading their resident-facing content in a language (editing: ``campaign_edits``).

The public pages read a campaign through a small snapshot (one query, kept for up to
``CAMPAIGN_CACHE_SECONDS`` per process) and its content through a per-process cache keyed
by ``content_version``, which every edit bumps (see ``models.campaign``). Residents'
requests therefore never load the whole campaign, and most make no query at all.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from time import monotonic

from flask import current_app, has_app_context
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import CAMPAIGN_EDITED, Campaign, CampaignText, Need, NeedText


@dataclass(frozen=True)
class CampaignSnapshot:
    """What a public page needs to know about a campaign, read in one query."""

    id: int
    slug: str
    default_language: str
    languages: tuple[str, ...]
    profile_questions: tuple[str, ...]
    is_open: bool
    content_version: int
    closed_at: dt.datetime | None = None
    contact: str = ""

    def takes_answers(self, now: dt.datetime, grace: dt.timedelta) -> bool:
        """Whether answers sent now are stored: while open, and for ``grace`` after closing (a resident who
        was answering when it closed does not lose what they wrote; no one new can start)."""
        return self.is_open or (self.closed_at is not None and now - self.closed_at <= grace)


def closing_grace() -> dt.timedelta:
    """How long after a survey or an evaluation closes answers from pages opened before are still taken."""
    return dt.timedelta(minutes=current_app.config["CLOSING_GRACE_MINUTES"])


@dataclass(frozen=True)
class NeedContent:
    """A need as a resident reads it."""

    key: str
    name: str
    description: str
    #: the language the name is actually in (the default language when untranslated)
    language: str
    #: the language the description is in: the default language's when this one left it empty
    description_language: str = ""


@dataclass(frozen=True)
class SurveyContent:
    """A campaign's words in one language, with what had to fall back."""

    title: str
    intro: str
    #: the needs residents rate now, in order
    needs: list[NeedContent]
    language: str
    #: need key -> id, for every need the campaign ever had (retired ones too)
    need_ids: dict[str, int] = field(default_factory=dict)
    #: need key -> name (falling back like the others) of each retired need, in order: a response
    #: queued before a need was retired still answers it, and its answers are named like the others'
    retired_names: dict[str, str] = field(default_factory=dict)
    #: the pieces shown in the default language because no translation exists: "campaign" or
    #: "need:<key>" when a language has no text at all, "intro" or "need:<key>:description" when
    #: it has one but left that piece empty
    missing: list[str] = field(default_factory=list)
    #: the languages the title and the intro are actually in (each falls back on its own)
    title_language: str = ""
    intro_language: str = ""


def find_campaign(slug: str) -> Campaign | None:
    """The campaign with this slug, or None."""
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses to compare text holding it
        return None
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


_campaign = Campaign.__table__
_SNAPSHOT = select(_campaign.c.id, _campaign.c.slug, _campaign.c.default_language, _campaign.c.languages,
                   _campaign.c.profile_questions, _campaign.c.is_open, _campaign.c.content_version,
                   _campaign.c.closed_at, _campaign.c.contact).where(_campaign.c.slug == bindparam("slug"))


def campaign_snapshot(slug: str) -> CampaignSnapshot | None:
    """The public facts of the campaign with this slug, or None.

    Read at most once every ``CAMPAIGN_CACHE_SECONDS`` per process: this runs on every
    resident's request. An edit committed in this process is seen at once (see
    ``_forget_snapshots``); one made elsewhere (another worker or host) within that many
    seconds. Nothing depends on it being newer: a response is stored against the
    content version it was checked with, and need rows are never deleted.
    """
    if "\x00" in slug:  # as in find_campaign
        return None
    max_age = current_app.config["CAMPAIGN_CACHE_SECONDS"]
    cache = current_app.extensions.setdefault("campaign_snapshots", {})
    cached = cache.get(slug)
    now = monotonic()
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    snapshot = _read_snapshot(slug)
    if snapshot is not None and max_age > 0:  # unknown slugs are not kept: anyone can make them up
        cache[slug] = (now, snapshot)
    return snapshot


@event.listens_for(Session, "after_commit")
def _forget_snapshots(session: Session) -> None:
    """Once an edit to a campaign commits, this process reads every campaign afresh."""
    if session.info.pop(CAMPAIGN_EDITED, False) and has_app_context():
        current_app.extensions.get("campaign_snapshots", {}).clear()


@event.listens_for(Session, "after_rollback")
def _edit_undone(session: Session) -> None:
    session.info.pop(CAMPAIGN_EDITED, None)


def _read_snapshot(slug: str) -> CampaignSnapshot | None:
    """A plain Core query on its own pooled connection: an ORM session costs several times more."""
    with db.engine.connect() as conn:
        row = conn.execute(_SNAPSHOT, {"slug": slug}).one_or_none()
    if row is None:
        return None
    return CampaignSnapshot(row.id, row.slug, row.default_language, tuple(row.languages),
                            tuple(row.profile_questions), row.is_open, row.content_version, row.closed_at,
                            row.contact)


class _ContentCache:
    """A small LRU of SurveyContent per (campaign, content version, language)."""

    def __init__(self, max_entries: int = 512):
        self.max_entries = max_entries
        self._items: OrderedDict[tuple, SurveyContent] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key, item) -> None:
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)


def survey_content(campaign: Campaign | CampaignSnapshot, language: str) -> SurveyContent:
    """The campaign's title, intro and active needs in ``language``; each piece left empty there is the default
    language's (the cache key needs no more than the content version: every edit of either language bumps it)."""
    cache = current_app.extensions.setdefault("survey_content", _ContentCache())
    key = (campaign.id, campaign.content_version, campaign.default_language, language)
    content = cache.get(key)
    if content is None:
        content = _load_content(campaign.id, language, campaign.default_language)
        cache.put(key, content)
    return content


_campaign_text = CampaignText.__table__
_need = Need.__table__
_need_text = NeedText.__table__


def _load_content(campaign_id: int, language: str, default: str) -> SurveyContent:
    """Read one language's content (and the default's, for gaps) on a short-lived connection.

    Its own connection, so a request that goes on to write never holds a read snapshot
    first (SQLite would refuse the later write instead of waiting for its turn).
    """
    wanted = sorted({language, default})
    with db.engine.connect() as conn:
        texts = {row.language: row for row in conn.execute(
            select(_campaign_text).where(_campaign_text.c.campaign_id == campaign_id,
                                         _campaign_text.c.language.in_(wanted)))}
        needs = conn.execute(
            select(_need.c.id, _need.c.key, _need.c.retired_at)
            .where(_need.c.campaign_id == campaign_id).order_by(_need.c.position)
        ).all()
        need_texts = {(row.need_id, row.language): row for row in conn.execute(
            select(_need_text).join(_need, _need.c.id == _need_text.c.need_id)
            .where(_need.c.campaign_id == campaign_id, _need_text.c.language.in_(wanted)))}
    missing = []
    text, default_text = texts.get(language), texts.get(default)
    if text is None:
        missing.append("campaign")
    title, title_language = _piece(text, default_text, "title", default)
    intro, intro_language = _piece(text, default_text, "intro", default)
    if text is not None and intro_language != language and intro:
        missing.append("intro")
    contents, retired_names = [], {}
    for need in needs:
        need_text, default_need_text = need_texts.get((need.id, language)), need_texts.get((need.id, default))
        name, name_language = _piece(need_text, default_need_text, "name", default)
        if need.retired_at is not None:
            retired_names[need.key] = name or need.key
            continue
        if need_text is None:
            missing.append(f"need:{need.key}")
        description, description_language = _piece(need_text, default_need_text, "description", default)
        if need_text is not None and description_language != language and description:
            missing.append(f"need:{need.key}:description")
        contents.append(NeedContent(key=need.key, name=name or need.key, description=description,
                                    language=name_language, description_language=description_language))
    return SurveyContent(
        title=title,
        intro=intro,
        needs=contents,
        language=language,
        need_ids={need.key: need.id for need in needs},
        retired_names=retired_names,
        missing=missing,
        title_language=title_language,
        intro_language=intro_language,
    )


def _piece(text, default_text, name: str, default: str) -> tuple[str, str]:
    """One piece of wording (title, intro, a need's name or description) and the language it is in.

    Each piece falls back on its own: a translation that left the intro (or a need's
    description) empty shows the default language's there, as the wording editor promises.
    """
    if text is not None and getattr(text, name).strip():
        return getattr(text, name), text.language
    if default_text is not None:
        return getattr(default_text, name), default_text.language
    return "", default


def content_gaps(campaign: Campaign) -> dict[str, list[str]]:
    """Per offered language, the resident-facing pieces with no text in it (only languages with gaps)."""
    gaps = {}
    for language in campaign.languages:
        missing = survey_content(campaign, language).missing
        if missing:
            gaps[language] = missing
    return gaps
