"""Editing a campaign (admins, and leads of the campaign): creating it, opening and closing it,
its settings, and its resident-facing wording in each language. Every edit is audited and bumps
``content_version``, so residents' pages show it at once (see ``services.campaigns``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from analysis.textnorm import STRIP_ACCENTS, folded
from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import PROFILE_QUESTIONS, Campaign, CampaignText, NeedText, utcnow
from webapp.services import audit
from webapp.services.campaigns import find_campaign

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
