"""The exactly-once sync API: batches, replays, conflicts, bad items, expired sessions, roles."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.field_helpers import api_url, csrf_token, item, make_field_world, statuses, stored_count, sync
from webapp.extensions import db
from webapp.models import Response


@pytest.fixture
def world(app):
    return make_field_world()


@pytest.fixture
def worker_client(client, world):
    AuthActions(client).login_as(world.worker)
    return client


def test_a_batch_is_stored_with_the_event_the_worker_and_the_language(worker_client, world):
    items = [item(world, importance=n) for n in (3, 4, 5)]
    response = sync(worker_client, world, {"responses": items})
    assert response.status_code == 200
    assert statuses(response) == ["stored"] * 3
    stored = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert [str(r.client_uuid) for r in stored] == [i["uuid"] for i in items]
    assert {(r.event_id, r.entered_by_id, r.channel, r.language) for r in stored} == {
        (world.event.id, world.worker.id, "field", "es")}
    assert stored[0].created_at.isoformat().startswith("2026-11-21T15:04")


def test_replaying_the_same_batch_many_times_leaves_one_copy_of_each(worker_client, world):
    items = [item(world), item(world, paper_number="A-1"), item(world, importance=2)]
    token = csrf_token(worker_client, world)
    first = sync(worker_client, world, {"responses": items}, token)
    assert statuses(first) == ["stored"] * 3
    for _replay in range(5):
        again = sync(worker_client, world, {"responses": items}, token)
        assert again.status_code == 200
        assert statuses(again) == ["duplicate"] * 3
    assert stored_count() == 3
    assert all(stored_count(i["uuid"]) == 1 for i in items)


def test_a_batch_mixing_new_duplicate_conflicting_and_malformed_items(worker_client, world):
    old = item(world, importance=4)
    reused = item(world, importance=5)
    assert statuses(sync(worker_client, world, {"responses": [old, reused]})) == ["stored", "stored"]

    new = item(world, importance=1)
    conflicting = dict(item(world, importance=2), uuid=reused["uuid"])
    missing_rating = item(world)
    for need in world.campaign.active_needs():
        del missing_rating["fields"][f"need_{need.key}"]
    bad_uuid = dict(item(world), uuid="not-a-uuid")
    not_an_object = "hello"
    also_new = item(world, importance=3)
    response = sync(worker_client, world, {"responses": [
        new, old, conflicting, missing_rating, bad_uuid, not_an_object, also_new]})

    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [
        "stored", "duplicate", "conflict", "invalid", "invalid", "invalid", "stored"]
    assert results[3]["uuid"] == missing_rating["uuid"]
    assert results[3]["errors"] == {"need_housing": "Please rate at least one need."}
    assert "uuid" in results[4]["errors"] and "item" in results[5]["errors"]
    assert stored_count() == 4  # old, reused, new, also_new
    kept = db.session.scalar(select(Response).where(Response.client_uuid == uuid.UUID(reused["uuid"])))
    assert {rating.importance for rating in kept.ratings} == {5}  # the first content was kept


def test_items_are_checked_with_the_public_surveys_rules(worker_client, world):
    cases = {
        "top_three": item(world, top_three=["housing", "food", "transport", "housing"]),
        "need_housing": item(world, need_housing="9"),
        "respondent_language": item(world, respondent_language="fr"),
        "barrier": item(world, barrier="x" * 5000),
        "paper_number": item(world, paper_number="A 1; drop"),
    }
    response = sync(worker_client, world, {"responses": list(cases.values())})
    results = response.get_json()["results"]
    for (field, _sent), result in zip(cases.items(), results):
        assert result["status"] == "invalid" and field in result["errors"], (field, result)
    assert stored_count() == 0


def test_validation_messages_come_in_the_workers_language(worker_client, world):
    missing = item(world, respondent_language=None)
    token = csrf_token(worker_client, world)
    response = worker_client.post(api_url(world) + "?lang=es", json={"responses": [missing]},
                                  headers={"Accept": "application/json", "X-CSRFToken": token})
    message = response.get_json()["results"][0]["errors"]["respondent_language"]
    assert message != "Please choose the language the person answered in."


def test_an_event_of_another_campaign_is_refused(worker_client, world):
    from webapp.services.field import create_event
    import datetime as dt

    elsewhere = create_event(world.other_campaign, name="South fair", date=dt.date(2026, 11, 1))
    response = sync(worker_client, world, {"responses": [dict(item(world), event_id=elsewhere.id)]})
    assert statuses(response) == ["invalid"] and stored_count() == 0


@pytest.mark.parametrize("number", [2**31, 2**63, -(2**70)])
def test_ids_too_large_for_the_database_are_refused_per_item(worker_client, world, number):
    response = sync(worker_client, world, {"responses": [item(world, event_id=None) | {"event_id": number},
                                                         item(world) | {"entered_by": number}]})
    assert response.status_code == 200 and statuses(response) == ["invalid", "stored"]
    stored = db.session.scalars(select(Response)).one()
    assert stored.entered_by_id == world.worker.id  # an unknown worker id is the sender's


def test_a_single_item_answers_with_its_own_status_code(worker_client, world):
    one = item(world)
    token = csrf_token(worker_client, world)
    assert sync(worker_client, world, one, token).status_code == 200
    assert sync(worker_client, world, one, token).status_code == 200  # duplicate: success
    conflicting = dict(item(world, importance=1), uuid=one["uuid"])
    response = sync(worker_client, world, conflicting, token)
    assert response.status_code == 409 and statuses(response) == ["conflict"]
    broken = item(world, respondent_language="")
    assert sync(worker_client, world, broken, token).status_code == 422
    assert stored_count() == 1


def test_a_paper_number_is_entered_once_per_event(worker_client, world):
    first = item(world, paper_number="A-017")
    second = item(world, paper_number="A-017", importance=2)
    response = sync(worker_client, world, {"responses": [first, second]})
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["stored", "invalid"]
    assert "paper_number" in results[1]["errors"]
    stored = db.session.scalar(select(Response))
    assert stored.paper_number == "A-017" and stored.channel == "paper"
    # a replay of the first is still a duplicate, never a conflict
    assert statuses(sync(worker_client, world, {"responses": [first]})) == ["duplicate"]


def test_an_expired_session_gets_401_json_and_nothing_is_stored(client, world):
    auth = AuthActions(client)
    auth.login_as(world.worker)
    token = csrf_token(client, world)
    with client.session_transaction() as session:
        session.clear()  # the session expired while the worker was offline
    response = client.post(api_url(world), json={"responses": [item(world)]},
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    assert response.status_code == 401
    assert response.is_json and "error" in response.get_json()
    assert stored_count() == 0
    # signed in again, the same queue goes through
    auth.login_as(world.worker)
    queued = [item(world), item(world)]
    assert statuses(sync(client, world, {"responses": queued})) == ["stored", "stored"]


def test_the_sync_api_answers_a_signed_out_client_with_json_whatever_it_accepts(client, world):
    """A script or an older entry screen that sends no Accept header is an API client all the same:
    a 401 it can act on, saying what happened, not a redirect to a sign-in page it cannot read."""
    response = client.post(api_url(world), json={"responses": [item(world)]}, headers={"X-CSRFToken": "x"})
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["error"] == "You are signed out. Please sign in again."
    assert stored_count() == 0


def test_a_stale_form_token_is_refused_without_storing(worker_client, world):
    response = worker_client.post(api_url(world), json={"responses": [item(world)]},
                                  headers={"Accept": "application/json", "X-CSRFToken": "stale"})
    assert response.status_code == 400 and response.get_json()["csrf"] is True
    assert stored_count() == 0


def test_a_body_that_is_not_json_is_refused(worker_client, world):
    token = csrf_token(worker_client, world)
    response = worker_client.post(api_url(world), data="responses=1",
                                  headers={"Accept": "application/json", "X-CSRFToken": token})
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize("who, expected", [
    ("worker", 200), ("lead", 200), ("outsider", 403), ("admin", 200)])
def test_who_may_sync(client, world, who, expected):
    from tests.factories import make_user

    user = make_user("admin@example.org", "admin") if who == "admin" else getattr(world, who)
    AuthActions(client).login_as(user)
    if expected == 403:
        response = client.get(f"/field/{world.campaign.slug}/events/{world.event.id}/status",
                              headers={"Accept": "application/json"})
        assert response.status_code == 403
        return
    response = sync(client, world, {"responses": [item(world)]})
    assert response.status_code == expected and statuses(response) == ["stored"]
    assert db.session.scalar(select(Response.entered_by_id)) == user.id


def test_an_outsider_cannot_post_to_the_api(client, world):
    AuthActions(client).login_as(world.outsider)
    response = client.post(api_url(world), json={"responses": [item(world)]},
                           headers={"Accept": "application/json", "X-CSRFToken": "x"})
    assert response.status_code == 403 and stored_count() == 0


def test_a_worker_taken_off_the_campaign_is_answered_403_json_and_nothing_is_stored(worker_client, world):
    """What the entry screen acts on when an admin unticks the campaign while responses still wait on the device."""
    from webapp.services.accounts import update_user

    token = csrf_token(worker_client, world)
    update_user(world.worker, actor=None, campaign_ids=[])
    status = worker_client.get(f"/field/{world.campaign.slug}/events/{world.event.id}/status",
                               headers={"Accept": "application/json"})
    assert status.status_code == 403 and status.is_json
    response = sync(worker_client, world, {"responses": [item(world)]}, token)
    assert response.status_code == 403 and response.is_json and "error" in response.get_json()
    assert stored_count() == 0


def test_two_workers_at_the_same_event_are_each_credited(client, app, world):
    other_client = app.test_client()
    AuthActions(client).login_as(world.worker)
    AuthActions(other_client).login_as(world.second_worker)
    mine, theirs = [item(world) for _ in range(2)], [item(world) for _ in range(3)]
    assert statuses(sync(client, world, {"responses": mine})) == ["stored"] * 2
    assert statuses(sync(other_client, world, {"responses": theirs})) == ["stored"] * 3
    entered = db.session.execute(select(Response.entered_by_id, Response.event_id)).all()
    assert sorted(entered) == sorted([(world.worker.id, world.event.id)] * 2 + [(world.second_worker.id, world.event.id)] * 3)
    status = client.get(f"/field/{world.campaign.slug}/events/{world.event.id}/status",
                        headers={"Accept": "application/json"}).get_json()
    assert status["count"] == 5


def test_concurrent_replays_of_one_queue_store_each_response_once(app, world):
    """Two devices (or a double tap and the retry timer) send the same queue at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    items = [item(world, importance=1 + n % 5) for n in range(10)]
    clients = []
    for _n in range(4):
        client = app.test_client()
        AuthActions(client).login_as(world.worker)
        clients.append((client, csrf_token(client, world)))

    def replay(pair):
        client, token = pair
        return [statuses(sync(client, world, {"responses": items}, token)) for _ in range(3)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        rounds = [r for per_client in pool.map(replay, clients) for r in per_client]
    for position, sent in enumerate(items):
        outcomes = [r[position] for r in rounds]
        assert outcomes.count("stored") == 1 and set(outcomes) <= {"stored", "duplicate"}
        assert stored_count(sent["uuid"]) == 1
    assert stored_count() == len(items)


def test_hostile_text_in_an_item_is_stored_as_typed_without_control_characters(worker_client, world):
    from webapp.models import Answer

    payload = "'; DROP TABLE response; --\u0000\u202e{{ 7*7 }} %(x)s\x1b[2J"
    hostile = item(world, barrier=payload, place="98118\u0000")
    nested = item(world)
    nested["fields"]["barrier"] = {"text": "nested"}
    response = sync(worker_client, world, {"responses": [hostile, nested]})
    assert statuses(response) == ["stored", "invalid"]
    assert db.session.scalar(select(Answer.text).where(Answer.question == "barrier")) == "'; DROP TABLE response; --\u202e{{ 7*7 }} %(x)s[2J"


def test_a_full_batch_of_long_answers_is_taken_though_larger_than_other_requests_may_be(worker_client, world, app):
    """The entry screen sends 100 at a time: answers at their longest in Chinese make that more than the app-wide
    limit, and a 413 would stop every later send too (the screen retries the same batch first)."""
    import json

    long_answer = "周末公交车不来" * 285  # 1,995 characters, 5,985 bytes
    items = [item(world, barrier=long_answer, change=long_answer) for _n in range(100)]
    assert len(json.dumps({"responses": items}, ensure_ascii=False).encode()) > app.config["MAX_CONTENT_LENGTH"]
    response = sync(worker_client, world, {"responses": items})
    assert response.status_code == 200 and statuses(response) == ["stored"] * 100
    assert stored_count() == 100


def test_a_need_left_unrated_is_stored_as_not_rated(worker_client, world):
    """A paper form with a need left blank is copied as it is: the other ratings are stored, that one is not."""
    from webapp.models import Rating

    blank_food = item(world, need_food=None, importance=5)
    assert statuses(sync(worker_client, world, {"responses": [blank_food]})) == ["stored"]
    stored = db.session.scalars(select(Rating.need_id)).all()
    food = next(n for n in world.campaign.needs if n.key == "food")
    assert len(stored) == len(world.campaign.active_needs()) - 1 and food.id not in stored


def test_a_response_queued_before_a_need_was_added_is_stored_without_it(worker_client, world):
    from webapp.services.campaign_edits import NeedWords
    from webapp.services.needs import add_need

    queued_offline = item(world)  # entered on a screen that did not have the new need yet
    add_need(world.campaign, {"en": NeedWords("Air quality"), "es": NeedWords("Calidad del aire")}, actor=None)
    assert statuses(sync(worker_client, world, {"responses": [queued_offline]})) == ["stored"]
