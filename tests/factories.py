"""Data for tests: complete, valid survey answers and campaigns."""
from __future__ import annotations

from webapp.extensions import db
from webapp.models import PROFILE_QUESTIONS, Campaign, CampaignAssignment, CampaignText, Need, NeedText, User

#: the password every factory-made account has
PASSWORD = "correct horse battery staple"


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


def make_user(email="someone@example.org", role="outreach", campaigns=(), password=PASSWORD, is_active=True) -> User:
    """An account with ``password``, assigned to ``campaigns``."""
    from webapp.services.passwords import hash_password

    user = User(email=email, role=role, is_active=is_active, password_hash=hash_password(password))
    for campaign in campaigns:
        user.assignments.append(CampaignAssignment(campaign_id=campaign.id))
    db.session.add(user)
    db.session.commit()
    return user


def make_priority_response(campaign, ratings: dict, top_three=(), profile=None, answers=None, language="en",
                           channel="web", created_at=None, event_id=None, commit=True):
    """A stored priority response: ``ratings`` need key -> 1-5, ``answers`` question -> (text, language)."""
    import datetime as dt
    import uuid

    from webapp.models import Answer, Profile, Rating, Response

    needs = {need.key: need for need in campaign.needs}
    response = Response(
        client_uuid=uuid.uuid4(), content_hash="0" * 64, campaign_id=campaign.id, instrument="priority",
        language=language, channel=channel, event_id=event_id,
        created_at=created_at or dt.datetime.now(dt.timezone.utc),
    )
    response.ratings = [Rating(need_id=needs[key].id, importance=value, top_three=key in top_three)
                        for key, value in ratings.items()]
    response.answers = [Answer(question=question, text=text, language=lang)
                        for question, (text, lang) in (answers or {}).items()]
    if profile is not None:
        response.profile = Profile(**profile)
    db.session.add(response)
    if commit:
        db.session.commit()
    return response
