"""Uploading an exported queue file: every response goes through the same exactly-once path."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.field_helpers import item, make_field_world, stored_count
from tests.helpers import form_values
from webapp.extensions import db
from webapp.models import Response


@pytest.fixture
def world(app):
    return make_field_world()


def upload_url(world) -> str:
    return f"/field/{world.campaign.slug}/upload"


def upload(client, world, content: bytes, filename="queue.json"):
    page = client.get(upload_url(world))
    token = form_values(page.get_data(as_text=True), "upload")["csrf_token"][0]
    return client.post(upload_url(world), data={"csrf_token": token, "queue_file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def export_file(world, items) -> bytes:
    """A file as the entry screen exports it."""
    return json.dumps({"format": "chorus-field-queue", "version": 1, "campaign": world.campaign.slug,
                       "exported_at": "2026-11-21T18:00:00Z", "responses": items}).encode("utf-8")


def test_a_lead_uploads_a_workers_file_and_the_worker_is_credited(client, world):
    AuthActions(client).login_as(world.lead)
    items = [dict(item(world, importance=n), entered_by=world.worker.id) for n in (2, 3, 4)]
    response = upload(client, world, export_file(world, items))
    assert response.status_code == 200
    assert "Stored: 3. Already stored: 0." in response.get_data(as_text=True)
    assert set(db.session.scalars(select(Response.entered_by_id))) == {world.worker.id}


def test_uploading_the_same_file_again_stores_nothing_twice(client, world):
    AuthActions(client).login_as(world.worker)
    content = export_file(world, [item(world), item(world, paper_number="P-9")])
    upload(client, world, content)
    for _again in range(3):
        html = upload(client, world, content).get_data(as_text=True)
        assert "Stored: 0. Already stored: 2." in html
    assert stored_count() == 2


def test_an_upload_reports_each_problem_and_stores_the_rest(client, world):
    AuthActions(client).login_as(world.worker)
    first = item(world)
    upload(client, world, export_file(world, [first]))
    broken = item(world, respondent_language=None)
    conflicting = dict(item(world, importance=1), uuid=first["uuid"])
    html = upload(client, world, export_file(world, [broken, conflicting, item(world)])).get_data(as_text=True)
    assert "Stored: 1. Already stored: 0. Refused as conflicting: 1. With problems: 1." in html
    assert "Please choose the language the person answered in." in html
    assert stored_count() == 2


def test_someone_elses_account_id_in_a_file_is_not_trusted(client, world):
    AuthActions(client).login_as(world.worker)
    upload(client, world, export_file(world, [dict(item(world), entered_by=world.outsider.id)]))
    assert db.session.scalar(select(Response.entered_by_id)) == world.worker.id


@pytest.mark.parametrize("content", [b"not json", b"\xff\xfe", b'{"responses": 3}', b"42"])
def test_a_file_that_is_not_an_export_is_refused_clearly(client, world, content):
    AuthActions(client).login_as(world.worker)
    response = upload(client, world, content)
    assert response.status_code == 422
    assert "This file is not an export of waiting responses." in response.get_data(as_text=True)
    assert stored_count() == 0


def test_an_upload_needs_a_file(client, world):
    AuthActions(client).login_as(world.worker)
    page = client.get(upload_url(world))
    token = form_values(page.get_data(as_text=True), "upload")["csrf_token"][0]
    response = client.post(upload_url(world), data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Please choose the file to upload." in response.get_data(as_text=True)


@pytest.mark.parametrize("created_at", ["0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"])
def test_an_impossible_entry_time_in_a_file_is_ignored_and_the_rest_is_stored(client, world, created_at):
    AuthActions(client).login_as(world.worker)
    response = upload(client, world, export_file(world, [dict(item(world), created_at=created_at), item(world)]))
    assert response.status_code == 200 and "Stored: 2. Already stored: 0." in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(when.year >= 2000 for when in db.session.scalars(select(Response.created_at)))


def test_a_file_nested_too_deeply_is_refused_clearly(client, world):
    AuthActions(client).login_as(world.worker)
    response = upload(client, world, b"[" * 200_000 + b"]" * 200_000)
    assert response.status_code == 422
    assert "This file is not an export of waiting responses." in response.get_data(as_text=True)
    assert stored_count() == 0


def test_a_lone_surrogate_in_a_files_uuid_is_shown_as_a_replacement_character(client, world):
    AuthActions(client).login_as(world.worker)
    content = json.dumps([item(world), {"uuid": "PLACEHOLDER"}]).replace("PLACEHOLDER", "\\ud800").encode()
    response = upload(client, world, content)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Stored: 1. Already stored: 0." in html and "\ufffd" in html
    assert stored_count() == 1
