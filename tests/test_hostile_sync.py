"""Hostile input to field mode: whatever a queue, a file or an attacker sends to the sync API,
no 500, no partial write, each refusal a clear per-item message; staff forms likewise."""
from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.field_helpers import api_url, csrf_token, item, make_field_world
from tests.helpers import form_values
from tests.test_hostile_input import PAYLOADS, any_text, as_typed
from webapp.extensions import db
from webapp.models import Answer, Event, Rating, Response

pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELD_NAMES = ["need_housing", "need_food", "top_three", "barrier", "change", "respondent_language", "paper_number",
               "text_language", "place", "age_band", "hardships", "response_id", "csrf_token", "unexpected"]
#: JSON text may hold half of a surrogate pair alone ("\ud800"), which no form post can
lone_surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63), st.floats(allow_nan=False), any_text,
                        lone_surrogates)
any_json = st.recursive(json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                        max_leaves=12)
field_value = st.one_of(any_text, st.sampled_from(["", "1", "3", "5", "6", "es", "zz", "housing"]),
                        st.lists(st.sampled_from(["housing", "food", "transport", "nope"]), max_size=5), any_json)


@pytest.fixture
def world(app):
    return make_field_world()


@pytest.fixture
def worker(client, world):
    AuthActions(client).login_as(world.worker)
    return client


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Response, Rating, Answer))


def stored_with(client_uuid) -> int:
    try:
        parsed = uuid.UUID(str(client_uuid))
    except ValueError:
        return 0
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.client_uuid == parsed))


def needs_rated(item: dict) -> int:
    """How many needs a queued response rates: a need sent blank is left unrated (one rated is enough)."""
    values = {name: value if isinstance(value, list) else [value] for name, value in item["fields"].items()}
    return sum(1 for name, sent in values.items() if name.startswith("need_") and any(str(one) != "" for one in sent))


@st.composite
def mutated_items(draw, world):
    """A queued response, valid or with some of its parts (uuid, event, time, answers) replaced."""
    base = item(world, importance=draw(st.integers(1, 5)))
    base["fields"].update(draw(st.dictionaries(st.sampled_from(FIELD_NAMES), field_value, max_size=4)))
    for key in draw(st.lists(st.sampled_from(["uuid", "event_id", "created_at", "fields", "entered_by"]),
                             max_size=2, unique=True)):
        base[key] = draw(any_json)
    return base


@FUZZ
@given(data=st.data())
def test_any_batch_is_answered_per_item_without_error_or_partial_write(worker, world, data):
    batch = data.draw(st.lists(st.one_of(mutated_items(world), any_json), max_size=5))
    if batch and data.draw(st.booleans()):
        batch.append(batch[0])  # a replay inside the batch
    before = counts()
    response = worker.post(api_url(world), json={"responses": batch},
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token(worker, world)})
    assert response.status_code == 200, response.status_code
    results = response.get_json()["results"]
    assert len(results) == len(batch)
    stored = [r for r in results if r["status"] == "stored"]
    after = counts()
    assert after[0] - before[0] == len(stored)  # exactly the items reported stored, nothing else
    sent = {item["uuid"]: item for item in reversed(batch)  # the first of a replayed uuid is the one stored
            if isinstance(item, dict) and isinstance(item.get("uuid"), str)}
    assert after[1] - before[1] == sum(needs_rated(sent[r["uuid"]]) for r in stored)  # each one's ratings, or none
    for result in results:
        assert result["status"] in ("stored", "duplicate", "conflict", "invalid")
        if result["status"] in ("invalid", "conflict"):
            assert result["errors"] and all(isinstance(m, str) and m for m in result["errors"].values())
        if result["status"] in ("stored", "duplicate"):
            assert stored_with(result["uuid"]) == 1


@FUZZ
@given(body=st.one_of(any_json, st.binary(max_size=200)))
def test_any_request_body_gets_a_clear_answer(worker, world, body):
    token = csrf_token(worker, world)
    before = counts()
    kwargs = {"data": body} if isinstance(body, bytes) else {"json": body}
    response = worker.post(api_url(world), headers={"Accept": "application/json", "X-CSRFToken": token}, **kwargs)
    assert response.status_code in (200, 400, 409, 413, 422), response.status_code
    answer = response.get_json()
    assert isinstance(answer, dict) and ("results" in answer or answer["error"])
    if response.status_code == 400:
        assert counts() == before


def test_payloads_sent_through_the_sync_api_come_out_inert(worker, world, app):
    items = [item(world, barrier=payload, change="ok") for payload in PAYLOADS]
    response = worker.post(api_url(world), json={"responses": items},
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token(worker, world)})
    assert [r["status"] for r in response.get_json()["results"]] == ["stored"] * len(PAYLOADS)
    assert response.mimetype == "application/json"
    assert "<script>" not in response.get_data(as_text=True)
    stored = set(db.session.scalars(select(Answer.text).where(Answer.question == "barrier")))
    assert stored == {as_typed(p) for p in PAYLOADS}
    AuthActions(worker).login_as(world.lead)
    page = worker.get(f"/field/{world.campaign.slug}/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_a_lone_surrogate_in_synced_text_is_stored_as_a_replacement_character(worker, world):
    body = json.dumps({"responses": [item(world, barrier="PLACEHOLDER")]}).replace("PLACEHOLDER", "rent \\ud800 high")
    response = worker.post(api_url(world), data=body, content_type="application/json",
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token(worker, world)})
    assert [r["status"] for r in response.get_json()["results"]] == ["stored"]
    assert db.session.scalar(select(Answer.text).where(Answer.question == "barrier")) == "rent \ufffd high"


#: entry times a client clock can send that no database should hold: out of range once in UTC, or implausibly old
BAD_ENTRY_TIMES = ["0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"]


@pytest.mark.parametrize("created_at", BAD_ENTRY_TIMES)
def test_an_impossible_entry_time_is_ignored_and_the_batch_is_stored(worker, world, created_at):
    batch = [dict(item(world), created_at=created_at), item(world, importance=2)]
    response = worker.post(api_url(world), json={"responses": batch},
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token(worker, world)})
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["stored", "stored"]
    db.session.expire_all()
    assert all(when.year >= 2000 for when in db.session.scalars(select(Response.created_at)))


def test_json_nested_too_deeply_is_refused_as_not_json(worker, world):
    before = counts()
    response = worker.post(api_url(world), data="[" * 200_000 + "]" * 200_000, content_type="application/json",
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token(worker, world)})
    assert response.status_code == 400 and response.get_json()["error"] == "Please send the responses as JSON."
    assert counts() == before


def test_a_lone_surrogate_in_an_items_uuid_is_echoed_as_a_replacement_character(worker, world):
    body = json.dumps({"responses": [item(world), {"uuid": "PLACEHOLDER"}]}).replace("PLACEHOLDER", "\\ud800")
    response = worker.post(api_url(world), data=body, content_type="application/json",
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token(worker, world)})
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["stored", "invalid"] and results[1]["uuid"] == "\ufffd"


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(["name", "date", "place", "csrf_token", "other"]),
                               st.lists(st.one_of(any_text, st.dates().map(str)), max_size=3), max_size=4))
def test_any_event_form_post_is_answered_without_error(worker, world, changes):
    url = f"/field/{world.campaign.slug}/"
    data = form_values(worker.get(url).get_data(as_text=True)) | changes
    before = db.session.scalar(select(func.count()).select_from(Event))
    response = worker.post(url, data=data)
    assert response.status_code in (200, 302, 400, 413, 422), response.status_code
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Event)) - before in (0, 1)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(["email", "password", "csrf_token", "next", "remember"]),
                               st.lists(any_text, max_size=3), max_size=4))
def test_any_sign_in_post_is_answered_without_error(client, app, changes):
    data = form_values(client.get("/login").get_data(as_text=True), "login") | changes
    response = client.post("/login", data=data)
    assert response.status_code in (200, 302, 400, 401, 413, 422, 429), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@FUZZ
@given(content=st.one_of(any_json.map(lambda v: json.dumps(v).encode()), st.binary(max_size=300)))
def test_any_uploaded_queue_file_is_answered_without_error(worker, world, content):
    import io

    url = f"/field/{world.campaign.slug}/upload"
    data = form_values(worker.get(url).get_data(as_text=True))
    data["queue_file"] = (io.BytesIO(content), "queue.json")
    before = counts()
    response = worker.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 400, 413, 422), response.status_code
    if response.status_code != 200:
        assert counts() == before
