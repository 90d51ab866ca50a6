"""Reading campaigns and their resident-facing content in a language."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Campaign


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
