"""Data for tests: complete, valid survey answers and campaigns."""
from __future__ import annotations

from webapp.extensions import db
from webapp.models import PROFILE_QUESTIONS, Campaign, CampaignText, Need, NeedText


def make_campaign(slug="test", needs=("housing", "food", "transport"), languages=("en", "es"), is_open=True):
    """A campaign with a few needs, texts in ``languages``."""
    campaign = Campaign(
        slug=slug, default_language=languages[0], languages=list(languages),
        profile_questions=list(PROFILE_QUESTIONS), is_open=is_open,
    )
    for language in languages:
        campaign.texts[language] = CampaignText(language=language, title=f"Survey {slug} [{language}]", intro="")
    for position, key in enumerate(needs):
        need = Need(key=key, position=position)
        for language in languages:
            need.texts[language] = NeedText(language=language, name=f"{key} [{language}]", description="")
        campaign.needs.append(need)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def ratings_for(campaign, importance=4) -> dict[str, str]:
    """Form data rating every active need of ``campaign``."""
    return {f"need_{need.key}": str(importance) for need in campaign.active_needs()}
