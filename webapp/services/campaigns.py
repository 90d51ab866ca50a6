"""Campaigns: reading their resident-facing content in a language, and editing it.

The public pages read a campaign through a small snapshot (one query, kept for up to
``CAMPAIGN_CACHE_SECONDS`` per process) and its content through a per-process cache keyed
by ``content_version``, which every edit bumps (see ``models.campaign``). Residents'
requests therefore never load the whole campaign, and most make no query at all.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from time import monotonic

from flask import current_app, has_app_context
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from analysis.textnorm import STRIP_ACCENTS, folded
from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import CAMPAIGN_EDITED, PROFILE_QUESTIONS, Campaign, CampaignText, Need, NeedText, utcnow
from webapp.services import audit


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


# --- editing a campaign (admins, and leads of the campaign) --------------------------------

#: a whole slug (``\Z``: ``$`` would also let a final newline through)
SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")


class CampaignError(ValueError):
    """A campaign change that cannot be made; ``code`` says why (the view words it)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name a new campaign ("format" or "taken"), or None."""
    if not SLUG_PATTERN.match(slug or ""):
        return "format"
    if find_campaign(slug) is not None:
        return "taken"
    return None


def create_campaign(slug: str, default_language: str, languages: list[str], title: str, intro: str, actor) -> Campaign:
    """A new campaign, closed until someone opens it, asking every profile question."""
    problem = slug_problem(slug)
    if problem:
        raise CampaignError(f"slug_{problem}")
    languages = _ordered_languages(default_language, languages)
    campaign = Campaign(
        slug=slug, default_language=default_language, languages=languages,
        profile_questions=list(PROFILE_QUESTIONS), is_open=False, content_version=1,
    )
    campaign.texts[default_language] = CampaignText(language=default_language, title=title.strip(), intro=intro.strip())
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign.created", actor=actor, target=campaign, detail={"slug": slug, "languages": languages})
    db.session.commit()
    return campaign


def set_campaign_open(campaign: Campaign, is_open: bool, actor) -> None:
    """Open the campaign to residents, or close it."""
    if campaign.is_open == is_open:
        return
    if is_open and not campaign.active_needs():
        raise CampaignError("no_needs")
    campaign.is_open = is_open
    campaign.closed_at = None if is_open else utcnow()
    audit.record("campaign.opened" if is_open else "campaign.closed", actor=actor, target=campaign,
                 detail={"slug": campaign.slug})
    db.session.commit()


def update_settings(campaign: Campaign, default_language: str, languages: list[str], profile_questions: list[str], actor,
                    contact: str | None = None) -> None:
    """Change the default language, the languages offered, the profile questions asked and how residents
    reach the coalition (``contact``; None: unchanged).

    The default language is what residents read when a translation is missing, so it must
    have a title and a name for every need first.
    """
    if default_language not in LANGUAGES or any(code not in LANGUAGES for code in languages):
        raise CampaignError("unknown_language")
    if default_language != campaign.default_language and language_gaps(campaign, default_language):
        raise CampaignError("default_incomplete", language=default_language)
    before = {"default_language": campaign.default_language, "languages": list(campaign.languages),
              "profile_questions": list(campaign.profile_questions), "contact": campaign.contact}
    after = {
        "default_language": default_language,
        "languages": _ordered_languages(default_language, languages),
        "profile_questions": [q for q in PROFILE_QUESTIONS if q in profile_questions],
        "contact": campaign.contact if contact is None else " ".join(contact.split()),
    }
    if before == after:
        return
    for name, value in after.items():
        setattr(campaign, name, value)
    changed = {name: {"from": before[name], "to": value} for name, value in after.items() if before[name] != value}
    audit.record("campaign.settings_changed", actor=actor, target=campaign, detail={"slug": campaign.slug, **changed})
    db.session.commit()


def _ordered_languages(default_language: str, languages: list[str]) -> list[str]:
    """Offered languages in our table's order, the default language first."""
    chosen = set(languages) | {default_language}
    return [default_language] + [code for code in LANGUAGES if code in chosen and code != default_language]


# --- resident-facing words per language -----------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """How much of the campaign's resident-facing text exists in one language."""

    language: str
    done: int
    total: int
    missing: list[str]

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else int(100 * self.done / self.total)


def _pieces(campaign: Campaign, language: str) -> dict[str, str]:
    """Piece name -> its text in ``language`` ('' when missing), for what residents read."""
    text = campaign.texts.get(language)
    pieces = {"title": text.title if text else "", "intro": text.intro if text else ""}
    for need in campaign.active_needs():
        need_text = need.texts.get(language)
        pieces[f"need:{need.key}:name"] = need_text.name if need_text else ""
        pieces[f"need:{need.key}:description"] = need_text.description if need_text else ""
    return pieces


def language_gaps(campaign: Campaign, language: str) -> list[str]:
    """Pieces written in the default language but not in ``language``."""
    default = _pieces(campaign, campaign.default_language)
    other = _pieces(campaign, language)
    required = {"title"} | {name for name in default if name.endswith(":name")}
    return [name for name, value in default.items() if (value.strip() or name in required) and not other[name].strip()]


def content_completeness(campaign: Campaign) -> list[Completeness]:
    """Per offered language, how many of the default language's pieces are written in it."""
    default = _pieces(campaign, campaign.default_language)
    total = sum(1 for name, value in default.items() if value.strip() or name == "title" or name.endswith(":name"))
    result = []
    for language in campaign.languages:
        missing = language_gaps(campaign, language)
        result.append(Completeness(language, total - len(missing), total, missing))
    return result


@dataclass
class NeedWords:
    """A need's name and description as typed into the content editor."""

    name: str
    description: str = ""


def comparable_name(name: str, language: str) -> str:
    """A need's name as two names in ``language`` are compared: case and extra spaces do not count, nor
    accents where they change no word (in Vietnamese, Thuê nhà is renting and Thuế nhà property tax)."""
    if language in STRIP_ACCENTS:
        name = folded(name)
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _refuse_shared_names(campaign: Campaign, language: str, typed: dict[int, NeedWords]) -> None:
    """Raise if a need is renamed to what another need is called in ``language`` after the save.

    Only names that change are checked, so a list that already holds two alike (made before
    names were compared) can still be saved; the first renamed need that clashes is named,
    and an active need is found before a retired one.
    """
    called: dict[int, str] = {}  # each need's name in ``language`` once saved
    for need in campaign.needs:
        text = need.texts.get(language)
        words = typed.get(need.id) if need.retired_at is None else None
        called[need.id] = words.name.strip() if words is not None else (text.name if text is not None else "")
    others = sorted(campaign.needs, key=lambda need: (need.retired_at is not None, need.position))
    for need in campaign.active_needs():
        name = comparable_name(called[need.id], language)
        text = need.texts.get(language)
        if not name or (text is not None and comparable_name(text.name, language) == name):
            continue
        other = next((o for o in others if o.id != need.id and comparable_name(called[o.id], language) == name), None)
        if other is not None:
            raise CampaignError("need_name_retired" if other.retired_at else "need_name_taken",
                                need_id=need.id, name=called[other.id])


def save_content(campaign: Campaign, language: str, title: str, intro: str, needs: dict[int, NeedWords], actor) -> list[str]:
    """Store the campaign's words in ``language``; return the pieces that changed.

    A blank translation (title and intro, or a need's name and description) is removed,
    so residents read the default language there; the default language itself must stay
    complete. A need renamed to what another need is called in ``language`` is refused
    (``need_name_taken``, or ``need_name_retired`` for a retired need, which is better restored).
    Every change bumps the campaign's content version and is audited.
    """
    if language not in campaign.languages:
        raise CampaignError("unknown_language")
    _refuse_shared_names(campaign, language, needs)
    is_default = language == campaign.default_language
    changed, deleted = [], []
    title, intro = title.strip(), _clean(intro)
    text = campaign.texts.get(language)
    if not title and (is_default or intro):
        raise CampaignError("title_required")
    if not title:
        if text is not None:
            del campaign.texts[language]
            deleted.append("campaign")
    elif text is None:
        campaign.texts[language] = CampaignText(language=language, title=title, intro=intro)
        changed += ["title"] + (["intro"] if intro else [])
    else:
        changed += [name for name, value in (("title", title), ("intro", intro)) if getattr(text, name) != value]
        text.title, text.intro = title, intro
    for need in campaign.active_needs():
        words = needs.get(need.id)
        if words is None:
            continue
        name, description = words.name.strip(), _clean(words.description)
        need_text = need.texts.get(language)
        if not name and (is_default or description):
            raise CampaignError("need_name_required", key=need.key, need_id=need.id)
        if not name:
            if need_text is not None:
                del need.texts[language]
                deleted.append(f"need:{need.key}")
        elif need_text is None:
            need.texts[language] = NeedText(language=language, name=name, description=description)
            changed.append(f"need:{need.key}")
        elif (need_text.name, need_text.description) != (name, description):
            need_text.name, need_text.description = name, description
            changed.append(f"need:{need.key}")
    if changed:
        audit.record("content.edited", actor=actor, target=campaign,
                     detail={"slug": campaign.slug, "language": language, "pieces": changed})
    if deleted:
        audit.record("content.deleted", actor=actor, target=campaign,
                     detail={"slug": campaign.slug, "language": language, "pieces": deleted})
    db.session.commit()
    return changed + deleted


def _clean(text: str | None) -> str:
    """Text as typed, with browser line ends (CRLF) made LF and outer spaces removed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
