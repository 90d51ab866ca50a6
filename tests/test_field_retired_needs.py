"""A field response queued before a need it answered was retired: stored as the person answered it.

Retired needs are kept (the summary shows their ratings as "no longer asked"), so the ratings and
top picks of a need retired since the response was entered are stored like the others. A replay is
the same response, not a conflict; responses stored under the older rule (hashed, and stored,
without the retired needs' answers) still match their replays. A need the campaign never had is refused.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.field_helpers import csrf_token, item, make_field_world, statuses, stored_count, sync
from webapp.extensions import db
from webapp.models import Rating, Response
from webapp.services.campaigns import campaign_snapshot, survey_content
from webapp.services.needs import retire_need
from webapp.services.submissions import PrioritySubmission, store_priority_response


@pytest.fixture
def world(app):
    return make_field_world()


@pytest.fixture
def worker_client(client, world):
    AuthActions(client).login_as(world.worker)
    return client


def retire(world, key: str):
    need = next(n for n in world.campaign.needs if n.key == key)
    retire_need(world.campaign, need, actor=None)
    return need


def unrated(world) -> dict:
    """Form values that leave every need unrated."""
    return {f"need_{need.key}": None for need in world.campaign.active_needs()}


def changed(queued: dict, **fields) -> dict:
    """The same queued response (same UUID) with some answers changed."""
    return dict(queued, fields={**queued["fields"], **fields})


def test_a_replay_after_a_need_it_rated_was_retired_is_already_stored(worker_client, world):
    queued = item(world, importance=4)
    token = csrf_token(worker_client, world)
    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["stored"]
    retire(world, "transport")  # an admin retires a need while the worker's retry is still on its way

    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["duplicate"]
    assert stored_count() == 1


def test_a_different_answer_under_the_same_uuid_is_still_a_conflict_after_a_retirement(worker_client, world):
    queued = item(world, importance=4)
    token = csrf_token(worker_client, world)
    sync(worker_client, world, {"responses": [queued]}, token)
    retire(world, "transport")

    other_retired_rating = changed(queued, need_transport="1")
    other_active_rating = changed(queued, need_housing="1")
    response = sync(worker_client, world, {"responses": [other_retired_rating, other_active_rating]}, token)
    assert statuses(response) == ["conflict", "conflict"]
    kept = db.session.scalar(select(Response).where(Response.client_uuid == uuid.UUID(queued["uuid"])))
    assert {rating.importance for rating in kept.ratings} == {4}


def test_a_replay_after_a_need_in_its_top_three_was_retired_is_already_stored(worker_client, world):
    queued = item(world, top_three=["housing", "food"])
    token = csrf_token(worker_client, world)
    sync(worker_client, world, {"responses": [queued]}, token)
    retire(world, "food")

    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["duplicate"]
    assert statuses(sync(worker_client, world, {"responses": [changed(queued, top_three=["housing"])]}, token)) == [
        "conflict"]


def stored_ratings(client_uuid: str) -> dict[int, tuple[int, bool]]:
    """need id -> (importance, top three) of the response stored under ``client_uuid``."""
    db.session.expire_all()
    kept = db.session.scalar(select(Response).where(Response.client_uuid == uuid.UUID(client_uuid)))
    return {rating.need_id: (rating.importance, rating.top_three) for rating in kept.ratings}


def test_a_response_first_sent_after_a_retirement_is_stored_with_the_retired_needs_rating_and_replays_once(
        worker_client, world):
    queued = item(world, importance=5, top_three=["housing", "transport"])  # entered before the need was retired
    transport = retire(world, "transport")
    token = csrf_token(worker_client, world)

    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["stored"]
    ratings = stored_ratings(queued["uuid"])
    assert ratings[transport.id] == (5, True)  # as the person answered: rated 5, and among their top three
    assert len(ratings) == len(world.campaign.needs)
    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["duplicate"]
    assert stored_count() == 1
    assert db.session.scalar(select(func.count()).select_from(Rating)) == len(world.campaign.needs)


def test_a_retired_needs_rating_is_checked_as_an_asked_needs_is(worker_client, world):
    from webapp.services.campaign_edits import NeedWords
    from webapp.services.needs import add_need

    air = add_need(world.campaign, {"en": NeedWords("Air quality"), "es": NeedWords("Calidad del aire")}, actor=None)
    retire(world, "transport")
    token = csrf_token(worker_client, world)
    out_of_range = item(world, need_transport="9")
    too_many = item(world, top_three=["housing", "food", "transport", air.key])  # a retired pick counts too
    response = sync(worker_client, world, {"responses": [out_of_range, too_many]}, token)
    assert statuses(response) == ["invalid", "invalid"]
    first, second = (result["errors"] for result in response.get_json()["results"])
    assert list(first) == ["need_transport"]
    assert second == {"top_three": "Please pick no more than three."}
    assert stored_count() == 0


def test_a_rating_of_a_need_the_campaign_never_had_is_refused_clearly(worker_client, world):
    token = csrf_token(worker_client, world)
    rated = item(world, need_parking="4")
    picked = item(world, top_three=["housing", "parking"])
    response = sync(worker_client, world, {"responses": [rated, picked]}, token)
    assert statuses(response) == ["invalid", "invalid"]
    first, second = (result["errors"] for result in response.get_json()["results"])
    assert first == {"fields": "This response rates a need this campaign has never had: parking."}
    assert second == {"top_three": "Please choose from the options shown."}
    assert stored_count() == 0


def test_storing_a_rating_of_a_need_the_campaign_never_had_is_an_error_not_a_silent_drop(app, world):
    campaign = campaign_snapshot(world.campaign.slug)
    submission = PrioritySubmission(uuid.uuid4(), "en", {"housing": 4, "parking": 5})
    with pytest.raises(ValueError, match="parking"):
        store_priority_response(campaign, survey_content(campaign, "en"), submission)
    assert stored_count() == 0


def test_a_response_stored_after_a_retirement_before_this_rule_still_matches_its_replay(worker_client, world):
    """Before, the retired need's rating was dropped before hashing: a copy sent without it stores that hash."""
    queued = item(world, importance=3)
    retire(world, "transport")
    token = csrf_token(worker_client, world)
    as_hashed_before = dict(queued, fields={k: v for k, v in queued["fields"].items() if k != "need_transport"})
    assert statuses(sync(worker_client, world, {"responses": [as_hashed_before]}, token)) == ["stored"]

    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["duplicate"]
    assert statuses(sync(worker_client, world, {"responses": [changed(queued, need_food="1")]}, token)) == [
        "conflict"]


def test_the_content_hash_of_a_submission_without_retired_needs_is_as_before(app):
    """Stored hashes are compared with replays' hashes: the way a hash is made must not change."""
    paper = PrioritySubmission(
        uuid.UUID("6f1c1d9e-3b0a-4c47-9a55-0c2f6f7f1e01"), "es", {"housing": 4, "food": 5, "transport": 2},
        top_three=["food", "housing"], answers={"barrier": ("El autobús", "es")},
        profile={"place": "98118", "uninsured": True}, channel="paper", event_id=3, paper_number="A-017")
    web = PrioritySubmission(uuid.UUID("6f1c1d9e-3b0a-4c47-9a55-0c2f6f7f1e01"), "en", {"housing": 3})
    assert paper.content_hash("north") == "1e8af276f0f1818b96b84f2a0ec480491f789732c4a18dfc845f0a6042cac4a5"
    assert web.content_hash("north") == "ee671d3cce3c32edcd9dec077dbc2a59c5814f4a229c9c73d14ede2bc13d0a78"


def test_a_response_that_rated_only_needs_retired_since_is_stored_with_that_rating(worker_client, world):
    """A paper form that rated only one need, typed in before an admin retired that need and sent after:
    it is stored with that rating, its open answer and its language. Its replay is the same response."""
    only_transport = item(world, **{**unrated(world), "need_transport": "5"}, top_three=None)
    token = csrf_token(worker_client, world)
    transport = retire(world, "transport")

    assert statuses(sync(worker_client, world, {"responses": [only_transport]}, token)) == ["stored"]
    assert statuses(sync(worker_client, world, {"responses": [only_transport]}, token)) == ["duplicate"]
    kept = db.session.scalar(select(Response).where(Response.client_uuid == uuid.UUID(only_transport["uuid"])))
    assert stored_ratings(only_transport["uuid"]) == {transport.id: (5, False)}
    assert [answer.text for answer in kept.answers] == ["El autobús"]


def test_a_response_with_nothing_rated_at_all_is_still_refused(worker_client, world):
    retire(world, "transport")
    nothing = item(world, **unrated(world), top_three=None)
    response = sync(worker_client, world, {"responses": [nothing]}, csrf_token(worker_client, world))
    assert statuses(response) == ["invalid"]
    assert "Please rate at least one need." in str(response.get_json()["results"][0]["errors"])
    assert stored_count() == 0
