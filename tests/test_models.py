"""Constraints that protect the data live in the schema, not only in Python."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import make_campaign
from webapp.extensions import db
from webapp.models import Answer, Rating, Response, utcnow


def new_response(campaign, client_uuid=None, **overrides) -> Response:
    values = dict(
        client_uuid=client_uuid or uuid.uuid4(), content_hash="0" * 64, campaign_id=campaign.id,
        instrument="priority", language="en", channel="web",
    )
    values.update(overrides)
    return Response(**values)


def test_client_uuid_is_unique_in_the_database(app):
    campaign = make_campaign()
    shared = uuid.uuid4()
    db.session.add(new_response(campaign, shared))
    db.session.commit()
    db.session.add(new_response(campaign, shared))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("importance", [0, 6, -1])
def test_importance_outside_1_to_5_is_refused_by_the_database(app, importance):
    campaign = make_campaign()
    response = new_response(campaign)
    response.ratings = [Rating(need_id=campaign.needs[0].id, importance=importance)]
    db.session.add(response)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unknown_channel_is_refused_by_the_database(app):
    db.session.add(new_response(make_campaign(), channel="pigeon"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_rating_must_name_an_existing_need(app):
    response = new_response(make_campaign())
    response.ratings = [Rating(need_id=999999, importance=3)]
    db.session.add(response)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_answer_per_question_per_response(app):
    response = new_response(make_campaign())
    response.answers = [Answer(question="barrier", text="a", language="en"),
                        Answer(question="barrier", text="b", language="en")]
    db.session.add(response)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_need_keys_are_unique_within_a_campaign(app):
    with pytest.raises(IntegrityError):
        make_campaign(needs=("same", "same"))
    db.session.rollback()


def test_timestamps_come_back_timezone_aware(app):
    campaign = make_campaign()
    db.session.add(new_response(campaign))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.query(Response).one()
    assert stored.received_at.tzinfo is not None
    assert abs((utcnow() - stored.received_at).total_seconds()) < 60


def test_free_text_is_stored_verbatim(app):
    text = "  Ñandú 🏠 \u202bمرحبا\u202c\n<script>alert(1)</script> 'quoted' -- ; DROP TABLE x; "
    response = new_response(make_campaign())
    response.answers = [Answer(question="change", text=text, language="es")]
    db.session.add(response)
    db.session.commit()
    db.session.expire_all()
    assert db.session.query(Answer).one().text == text


def test_retiring_a_need_keeps_its_ratings(app):
    campaign = make_campaign()
    response = new_response(campaign)
    response.ratings = [Rating(need_id=campaign.needs[0].id, importance=5)]
    db.session.add(response)
    db.session.commit()
    campaign.needs[0].retired_at = utcnow()
    db.session.commit()
    assert db.session.query(Rating).count() == 1
    assert campaign.needs[0] not in campaign.active_needs()


def version_of(campaign) -> int:
    db.session.expire_all()
    return campaign.content_version


def test_every_content_edit_bumps_the_campaign_content_version(app):
    from webapp.models import CampaignText, NeedText

    campaign = make_campaign(languages=("en", "es"))
    start = version_of(campaign)
    campaign.needs[0].texts["es"].name = "vivienda"
    db.session.commit()
    assert version_of(campaign) == start + 1
    campaign.needs[1].retired_at = utcnow()
    db.session.commit()
    assert version_of(campaign) == start + 2
    campaign.texts["vi"] = CampaignText(language="vi", title="Khảo sát", intro="")
    db.session.commit()
    assert version_of(campaign) == start + 3
    del campaign.needs[2].texts["es"]
    db.session.commit()
    assert version_of(campaign) == start + 4
    campaign.needs[2].texts["es"] = NeedText(language="es", name="transporte", description="")
    db.session.commit()
    assert version_of(campaign) == start + 5


def test_storing_responses_does_not_bump_the_content_version(app):
    campaign = make_campaign()
    start = version_of(campaign)
    db.session.add(new_response(campaign))
    db.session.commit()
    assert version_of(campaign) == start
