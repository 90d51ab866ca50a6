"""The demo campaign, loaded from data/demo_campaign.toml."""
from __future__ import annotations

import tomllib
from importlib import resources

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import PROFILE_QUESTIONS, Campaign, CampaignText, Need, NeedText


def load_demo_definition() -> dict:
    """The demo campaign as written in the package's TOML file."""
    with resources.files("webapp").joinpath("data/demo_campaign.toml").open("rb") as handle:
        return tomllib.load(handle)


def seed_demo_campaign() -> tuple[Campaign, bool]:
    """Create the demo campaign unless it exists; return it and whether it was created."""
    definition = load_demo_definition()
    existing = db.session.scalar(select(Campaign).where(Campaign.slug == definition["slug"]))
    if existing is not None:
        return existing, False
    campaign = Campaign(
        slug=definition["slug"],
        default_language=definition["default_language"],
        languages=list(definition["languages"]),
        profile_questions=list(PROFILE_QUESTIONS),
        is_open=True,
    )
    for language, text in definition["text"].items():
        campaign.texts[language] = CampaignText(language=language, title=text["title"], intro=text["intro"])
    for position, item in enumerate(definition["needs"]):
        need = Need(key=item["key"], position=position)
        for language in definition["languages"]:
            name, description = item[language]
            need.texts[language] = NeedText(language=language, name=name, description=description)
        campaign.needs.append(need)
    db.session.add(campaign)
    db.session.commit()
    return campaign, True
