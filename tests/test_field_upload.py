"""Uploading an exported queue file: every response goes through the same exactly-once path."""
from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.field_helpers import item, make_field_world, stored_count
from tests.helpers import form_values
from webapp.extensions import db
from webapp.models import Response
from webapp.services.data_protection import reference_code


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


def upload_large(client, world, content: bytes):
    """``upload``, with the multipart body built here: the test client would spool a large body to a
    temporary file it never closes (a ResourceWarning, an error here, in whichever test comes next)."""
    page = client.get(upload_url(world))
    token = form_values(page.get_data(as_text=True), "upload")["csrf_token"][0]
    boundary = "chorus-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="queue_file"; filename="queue.json"\r\n'
            "Content-Type: application/json\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(upload_url(world), data=body, content_type=f"multipart/form-data; boundary={boundary}")


def reference(queued: dict) -> str:
    """The short reference code the upload results name a response by (its hyphens do not break a line)."""
    return reference_code(uuid.UUID(queued["uuid"])).replace("-", "\u2011")


def result_row(html: str, queued: dict) -> str:
    """The results table's rows of ``queued``: its result, and its problems if any."""
    groups = re.findall(r"<tbody class=\"result-.*?</tbody>", html, re.S)
    return next(rows for rows in groups if reference(queued) in rows)


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


def test_a_file_with_no_responses_says_so(client, world):
    AuthActions(client).login_as(world.worker)
    response = upload(client, world, export_file(world, []))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "This file has no responses in it" in html and "Stored: 0" not in html


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


def test_a_file_that_is_not_an_export_says_which_file_to_choose(client, world):
    AuthActions(client).login_as(world.worker)
    html = upload(client, world, b"not json", filename="photo.jpg").get_data(as_text=True)
    assert "Choose the file the entry screen saved (its name begins with chorus-) and upload it." in html


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


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_file_saved_again_by_an_editor_with_a_bom_or_as_utf16_is_read(client, world, encoding):
    AuthActions(client).login_as(world.worker)
    content = json.dumps({"responses": [item(world, barrier="الحافلة لا تأتي"), item(world)]}, ensure_ascii=False)
    response = upload(client, world, content.encode(encoding))
    assert response.status_code == 200 and "Stored: 2. Already stored: 0." in response.get_data(as_text=True)
    assert stored_count() == 2


def test_a_file_of_long_answers_larger_than_other_requests_may_be_is_uploaded(client, world, app):
    AuthActions(client).login_as(world.worker)
    long_answer = "الحافلة لا تأتي إلى حينا " * 76  # about 1,900 characters, 3,500 bytes
    content = export_file(world, [item(world, barrier=long_answer, change=long_answer) for _n in range(200)])
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    response = upload_large(client, world, content)
    assert response.status_code == 200 and "Stored: 200. Already stored: 0." in response.get_data(as_text=True)
    assert stored_count() == 200


def test_a_file_too_large_even_for_the_upload_page_is_refused_on_the_page(client, world):
    from webapp.field.api import MAX_UPLOAD_BYTES

    AuthActions(client).login_as(world.worker)
    response = upload_large(client, world, b" " * MAX_UPLOAD_BYTES)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "This file is too large. Please upload at most 500 responses at a time." in html
    assert 'id="upload"' in html and stored_count() == 0


def test_a_row_with_problems_names_its_paper_form_and_its_question_in_the_workers_language(client, world):
    AuthActions(client).login_as(world.worker)
    client.get(upload_url(world) + "?lang=es")
    bad = item(world, paper_number="A-017", need_housing="9")
    response = upload(client, world, export_file(world, [bad, dict(item(world), event_id=world.event.id + 1000)]))
    html = response.get_data(as_text=True)
    row = result_row(html, bad)
    assert "A-017" in row and "housing [es]:" in row and "need_housing" not in row
    assert "event_id" not in html
    assert stored_count() == 0


def test_a_row_names_its_paper_form_when_the_entry_screen_saved_it_as_a_list(client, world):
    # the entry screen's export keeps each field as the list of values a form posts: {"paper_number": ["A-017"]}
    AuthActions(client).login_as(world.worker)
    bad = item(world, paper_number=["A-017"], need_housing=["9"])
    good = item(world, paper_number=["B-2"])
    html = upload(client, world, export_file(world, [bad, good])).get_data(as_text=True)
    assert "A-017" in result_row(html, bad) and "B-2" in result_row(html, good)
    assert stored_count() == 1


def test_the_results_name_each_response_by_its_short_reference_with_its_problems_across_the_table(client, world):
    """At 360 px a 36-character UUID left the problems a word a line: a response's row holds its paper number,
    its short reference code and its result; its problems take a row of their own beneath, the table's width."""
    AuthActions(client).login_as(world.worker)
    bad, good = item(world, paper_number="A-017", respondent_language=None), item(world)
    html = upload(client, world, export_file(world, [bad, good])).get_data(as_text=True)
    assert bad["uuid"] not in html and good["uuid"] not in html
    assert re.search(r"<th[^>]*>Response</th><th[^>]*>Result</th></tr>", html)  # two columns
    rows = result_row(html, bad)
    assert 'dir="ltr">A-017</bdi>' in rows and "<td>Not stored</td>" in rows
    assert re.search(r'<td colspan="2"[^>]*><p class="field-error">Language the person answered in: Please', rows)
    assert "colspan" not in result_row(html, good)  # stored: no row of problems


def test_an_identifier_that_is_no_uuid_is_shown_cut_short(client, world):
    AuthActions(client).login_as(world.worker)
    html = upload(client, world, export_file(world, [dict(item(world), uuid="x" * 300)])).get_data(as_text=True)
    assert "x" * 13 + "…" in html and "x" * 14 not in html
