"""A queued field response replayed after a need it answered was retired: the same response, not a conflict.

A submission's identity (its content hash) holds its answers as sent, the retired need's included;
the retired need only gets no rows. Hashes stored before that rule still match their replays.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.field_helpers import csrf_token, item, make_field_world, statuses, stored_count, sync
from webapp.extensions import db
from webapp.models import Rating, Response
from webapp.services.needs import retire_need
from webapp.services.submissions import PrioritySubmission


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


def test_a_response_first_sent_after_a_retirement_is_stored_without_the_retired_need_and_replays_once(
        worker_client, world):
    queued = item(world, importance=5, top_three=["housing", "transport"])  # entered before the need was retired
    transport = retire(world, "transport")
    token = csrf_token(worker_client, world)

    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["stored"]
    rated = set(db.session.scalars(select(Rating.need_id)))
    assert transport.id not in rated and len(rated) == len(world.campaign.active_needs())
    assert statuses(sync(worker_client, world, {"responses": [queued]}, token)) == ["duplicate"]
    assert stored_count() == 1


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


def test_a_response_that_rated_only_needs_retired_since_is_stored_with_its_other_answers(worker_client, world):
    """A paper form that rated only one need, typed in before an admin retired that need and sent after:
    the person did rate a need, so it is not 'nothing rated'; it is stored with its open answer and
    language, and no rating (the need is no longer asked). Its replay is the same response."""
    only_transport = item(world, **{**unrated(world), "need_transport": "5"}, top_three=None)
    token = csrf_token(worker_client, world)
    retire(world, "transport")

    assert statuses(sync(worker_client, world, {"responses": [only_transport]}, token)) == ["stored"]
    assert statuses(sync(worker_client, world, {"responses": [only_transport]}, token)) == ["duplicate"]
    kept = db.session.scalar(select(Response).where(Response.client_uuid == uuid.UUID(only_transport["uuid"])))
    assert kept.ratings == [] and [answer.text for answer in kept.answers] == ["El autobús"]


def test_a_response_with_nothing_rated_at_all_is_still_refused(worker_client, world):
    retire(world, "transport")
    nothing = item(world, **unrated(world), top_three=None)
    response = sync(worker_client, world, {"responses": [nothing]}, csrf_token(worker_client, world))
    assert statuses(response) == ["invalid"]
    assert "Please rate at least one need." in str(response.get_json()["results"][0]["errors"])
    assert stored_count() == 0
