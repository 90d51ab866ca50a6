"""Reading campaigns and their resident-facing content in a language.

The public pages read a campaign through a small snapshot (one query) and its content
through a per-process cache keyed by ``content_version``, which every edit bumps (see
``models.campaign``). Residents' requests therefore never load the whole campaign.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, select

from webapp.extensions import db
from webapp.models import Campaign, CampaignText, Need, NeedText


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


@dataclass(frozen=True)
class NeedContent:
    """A need as a resident reads it."""

    key: str
    name: str
    description: str
    #: the language the text is actually in (the default language when untranslated)
    language: str


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
    #: the pieces shown in the default language because no translation exists
    missing: list[str] = field(default_factory=list)


def find_campaign(slug: str) -> Campaign | None:
    """The campaign with this slug, or None."""
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


_campaign = Campaign.__table__
_SNAPSHOT = select(_campaign.c.id, _campaign.c.slug, _campaign.c.default_language, _campaign.c.languages,
                   _campaign.c.profile_questions, _campaign.c.is_open, _campaign.c.content_version
                   ).where(_campaign.c.slug == bindparam("slug"))


def campaign_snapshot(slug: str) -> CampaignSnapshot | None:
    """The public facts of the campaign with this slug, or None.

    A plain Core query on its own pooled connection: this runs on every resident's
    request, and an ORM session costs several times more than the query itself.
    """
    with db.engine.connect() as conn:
        row = conn.execute(_SNAPSHOT, {"slug": slug}).one_or_none()
    if row is None:
        return None
    return CampaignSnapshot(row.id, row.slug, row.default_language, tuple(row.languages),
                            tuple(row.profile_questions), row.is_open, row.content_version)


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
    """The campaign's title, intro and active needs in ``language``, falling back to its default."""
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
    text = texts.get(language)
    if text is None:
        missing.append("campaign")
        text = texts.get(default)
    contents = []
    for need in needs:
        if need.retired_at is not None:
            continue
        need_text = need_texts.get((need.id, language))
        if need_text is None:
            missing.append(f"need:{need.key}")
            need_text = need_texts.get((need.id, default))
        contents.append(NeedContent(
            key=need.key,
            name=need_text.name if need_text else need.key,
            description=need_text.description if need_text else "",
            language=need_text.language if need_text else default,
        ))
    return SurveyContent(
        title=text.title if text else "",
        intro=text.intro if text else "",
        needs=contents,
        language=language,
        need_ids={need.key: need.id for need in needs},
        missing=missing,
    )


def content_gaps(campaign: Campaign) -> dict[str, list[str]]:
    """Per offered language, the resident-facing pieces with no text in it (only languages with gaps)."""
    gaps = {}
    for language in campaign.languages:
        missing = survey_content(campaign, language).missing
        if missing:
            gaps[language] = missing
    return gaps
