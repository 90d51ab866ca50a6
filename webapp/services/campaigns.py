"""Campaigns: reading their resident-facing content in a language, and editing it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import PROFILE_QUESTIONS, Campaign, CampaignText, NeedText
from webapp.services import audit


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
    needs: list[NeedContent]
    language: str
    #: names of the pieces shown in the default language because no translation exists
    missing: list[str] = field(default_factory=list)


def find_campaign(slug: str) -> Campaign | None:
    """The campaign with this slug, or None."""
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


def survey_content(campaign: Campaign, language: str) -> SurveyContent:
    """The campaign's title, intro and active needs in ``language``, falling back to its default."""
    missing = []
    text = campaign.texts.get(language)
    if text is None:
        missing.append("campaign")
        text = campaign.texts.get(campaign.default_language)
    needs = []
    for need in campaign.active_needs():
        need_text = need.texts.get(language)
        if need_text is None:
            missing.append(f"need:{need.key}")
            need_text = need.texts.get(campaign.default_language)
        needs.append(
            NeedContent(
                key=need.key,
                name=need_text.name if need_text else need.key,
                description=need_text.description if need_text else "",
                language=need_text.language if need_text else campaign.default_language,
            )
        )
    return SurveyContent(
        title=text.title if text else campaign.slug,
        intro=text.intro if text else "",
        needs=needs,
        language=language,
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


# --- editing a campaign (admins, and leads of the campaign) --------------------------------

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


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
    audit.record("campaign.opened" if is_open else "campaign.closed", actor=actor, target=campaign,
                 detail={"slug": campaign.slug})
    db.session.commit()


def update_settings(campaign: Campaign, default_language: str, languages: list[str], profile_questions: list[str], actor) -> None:
    """Change the default language, the languages offered and the profile questions asked.

    The default language is what residents read when a translation is missing, so it must
    have a title and a name for every need first.
    """
    if default_language not in LANGUAGES or any(code not in LANGUAGES for code in languages):
        raise CampaignError("unknown_language")
    if default_language != campaign.default_language and language_gaps(campaign, default_language):
        raise CampaignError("default_incomplete", language=default_language)
    before = {"default_language": campaign.default_language, "languages": list(campaign.languages),
              "profile_questions": list(campaign.profile_questions)}
    after = {
        "default_language": default_language,
        "languages": _ordered_languages(default_language, languages),
        "profile_questions": [q for q in PROFILE_QUESTIONS if q in profile_questions],
    }
    if before == after:
        return
    for name, value in after.items():
        setattr(campaign, name, value)
    campaign.content_version += 1
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


def save_content(campaign: Campaign, language: str, title: str, intro: str, needs: dict[int, NeedWords], actor) -> list[str]:
    """Store the campaign's words in ``language``; return the pieces that changed.

    A blank translation (title and intro, or a need's name and description) is removed,
    so residents read the default language there; the default language itself must stay
    complete. Every change bumps the campaign's content version and is audited.
    """
    if language not in campaign.languages:
        raise CampaignError("unknown_language")
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
            raise CampaignError("need_name_required", key=need.key)
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
    if changed or deleted:
        campaign.content_version += 1
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
