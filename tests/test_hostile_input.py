"""Hostile input: whatever is sent, no 500, no partial write, a clear message, inert output."""
from __future__ import annotations

import logging

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import PASSWORD, make_user, ratings_for
from tests.helpers import form_values
from webapp.extensions import db
from webapp.models import Answer, Profile, Rating, Response
from webapp.security import CONTENT_SECURITY_POLICY, SecurityHeaders

pytestmark = pytest.mark.slow

#: text that tries to be script, markup, a spreadsheet formula or SQL
PAYLOADS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "=HYPERLINK(\"http://evil\")",
            "'; DROP TABLE response; --", "\u0000\u202e\ufeff", "{{ 7*7 }}", "%(x)s %s %d", "\\x00\\u0000",
            "\x1b]0;owned\x07\x1b[8mhidden\x1b[0m\x9b2J\x7f\tend\nلا\u200f"]
any_text = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=300), st.text(min_size=1990, max_size=2100))
field_value = st.one_of(any_text, st.integers(-10, 10).map(str), st.sampled_from(["", "1", "5", "6", "none"]))
FIELDS = ["need_affordable_housing", "need_childcare", "top_three", "barrier", "change", "text_language", "place",
          "age_band", "race_ethnicity", "income_band", "primary_language", "hardships", "website", "lang",
          "response_id", "show_errors", "switch_lang", "unexpected_field"]


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Response, Rating, Answer, Profile))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(FIELDS), st.lists(field_value, min_size=0, max_size=5), max_size=8),
       complete=st.booleans())
def test_any_survey_post_is_answered_without_error_or_partial_write(client, demo, changes, complete):
    page = client.get("/s/demo").get_data(as_text=True)
    data = form_values(page) | ({k: [v] for k, v in ratings_for(demo).items()} if complete else {})
    data.update(changes)
    before = counts()
    response = client.post("/s/demo", data=data)
    assert response.status_code in (200, 302, 413, 422), response.status_code
    after = counts()
    new_responses = after[0] - before[0]
    assert new_responses in (0, 1)
    if new_responses == 0:
        assert after == before  # nothing half-written
    else:
        assert after[1] - before[1] == len(demo.active_needs())  # every rating, or nothing
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "onerror=alert(1)>" not in body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_free_text_are_stored_verbatim_and_shown_inert(client, demo, payload):
    page = client.get("/s/demo").get_data(as_text=True)
    data = form_values(page) | {k: [v] for k, v in ratings_for(demo).items()} | {"barrier": [payload],
                                                                               "change": ["x" * 2001]}
    shown = client.post("/s/demo", data=data).get_data(as_text=True)  # refused (too long), payload re-shown
    assert "<script>alert(1)</script>" not in shown and "<img src=x" not in shown
    data["change"] = ["ok"]
    assert client.post("/s/demo", data=data).status_code == 302
    stored = db.session.scalars(select(Answer.text).where(Answer.question == "barrier")).one()
    assert stored == as_typed(payload)  # everything typed, minus the control characters nobody types


def as_typed(payload: str) -> str:
    """``payload`` without NUL and the other control characters no keyboard types (ESC, BEL, DEL, C1);
    tabs, line ends and the invisible marks of right-to-left text are typed, and kept."""
    return "".join(c for c in payload if c in "\t\n\r" or not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F))


def test_a_terminal_escape_is_stored_without_its_control_characters(client, demo):
    data = form_values(client.get("/s/demo").get_data(as_text=True)) | {k: [v] for k, v in ratings_for(demo).items()}
    data["barrier"] = [PAYLOADS[-1]]
    assert client.post("/s/demo", data=data).status_code == 302
    stored = db.session.scalars(select(Answer.text).where(Answer.question == "barrier")).one()
    assert stored == "]0;owned[8mhidden[0m2J\tend\nلا\u200f"  # the tab, the line end and the RLM stay


def test_sql_metacharacters_in_urls_are_harmless(client, demo):
    for path in ("/s/demo' OR '1'='1", "/s/%27%3B%20DROP%20TABLE%20campaign%3B--", "/s/demo?lang=es'--"):
        assert client.get(path).status_code in (200, 404)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert client.get("/s/demo").status_code == 200


def test_oversized_bodies_get_413(client, demo):
    response = client.post("/s/demo", data={"barrier": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_every_response_carries_the_security_headers(client, demo):
    for path in ("/s/demo", "/s/demo/thanks", "/healthz", "/login", "/nope", "/static/css/chorus.css"):
        response = client.get(path)
        headers = response.headers
        assert "unsafe-inline" not in headers["Content-Security-Policy"], path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        response.close()


def test_hsts_is_sent_only_behind_tls(client, demo):
    assert "Strict-Transport-Security" not in client.get("/s/demo").headers
    secure = client.get("/s/demo", base_url="https://chorus.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_security_header_a_view_sets_itself_is_kept():
    tiny = Flask("tiny")
    tiny.add_url_rule("/", view_func=lambda: ("x", 200, {"Content-Security-Policy": "default-src 'none'"}))
    tiny.wsgi_app = SecurityHeaders(tiny.wsgi_app)
    response = tiny.test_client().get("/")
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_behind_a_trusted_proxy_that_ends_tls(app_with):
    proxied = app_with(TRUST_PROXY_HEADERS=1).test_client()
    assert "Strict-Transport-Security" not in proxied.get("/healthz").headers
    response = proxied.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers.getlist("Content-Security-Policy") == [CONTENT_SECURITY_POLICY]  # each header once


def test_secrets_and_passwords_never_reach_the_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    make_user("lead@example.org", role="lead")
    page = client.get("/login").get_data(as_text=True)
    for password in (PASSWORD, "wrong-password-123456"):
        client.post("/login", data=form_values(page, "login") | {"email": ["lead@example.org"],
                                                                  "password": [password]})
    logged = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    assert PASSWORD not in logged and "wrong-password-123456" not in logged
    assert app.config["SECRET_KEY"] not in logged
