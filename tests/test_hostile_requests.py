"""Hostile requests found by probing the running app: odd query strings, a file where text
belongs, HEAD, a NUL byte or a newline in a campaign's address. None may answer 500."""
from __future__ import annotations

import importlib
import io
import pkgutil
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

import webapp.forms
from tests.factories import make_user, ratings_for
from tests.helpers import form_values
from webapp.extensions import db
from webapp.forms.fields import ChorusForm
from webapp.models import Campaign, Response


def switcher_links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'class="switcher-link" href="([^"]+)"', html)]


@pytest.mark.parametrize("url", [
    "/login?endpoint=x", "/s/demo/thanks?slug=x", "/s/demo/thanks?_anchor=x", "/s/demo/thanks?_method=GET",
    "/s/demo/thanks?_external=1&_scheme=ftp", "/s/nosuch?slug=x",
])
def test_query_keys_that_name_url_for_arguments_do_not_break_the_language_switcher(client, demo, url):
    response = client.get(url)
    assert response.status_code in (200, 404), response.status_code
    links = switcher_links(response.get_data(as_text=True))
    assert links, "the page shows the language switcher"
    path, query = url.split("?")
    for link in links:
        parts = urlsplit(link)
        assert parts.path == path and not parts.scheme and not parts.netloc
        sent = parse_qsl(query)
        assert parse_qsl(parts.query)[:len(sent)] == sent  # the page's own query, kept
        assert dict(parse_qsl(parts.query))["lang"]


def test_the_switcher_replaces_the_language_and_keeps_the_rest_of_the_query(client, demo):
    links = switcher_links(client.get("/s/demo/thanks?lang=en&src=flyer&src=qr").get_data(as_text=True))
    assert "/s/demo/thanks?src=flyer&src=qr&lang=es" in links


def test_a_file_sent_in_the_surveys_text_fields_is_refused_kindly_and_the_rest_kept(client, demo):
    data = form_values(client.get("/s/demo").get_data(as_text=True))
    data |= {k: [v] for k, v in ratings_for(demo).items()} | {"change": ["An evening clinic"]}
    data["barrier"] = [(io.BytesIO(b"not text"), "notes.txt")]
    data["website"] = [(io.BytesIO(b""), "honeypot.txt")]
    response = client.post("/s/demo", data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 422), response.status_code  # the file is as if nothing was sent
    if response.status_code == 422:
        assert "An evening clinic" in response.get_data(as_text=True)
    else:  # stored, without the file's bytes in any answer
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_file_sent_as_the_sign_in_email_gets_the_forms_own_message(client):
    token = form_values(client.get("/login").get_data(as_text=True), "login")["csrf_token"]
    response = client.post("/login", content_type="multipart/form-data",
                           data={"csrf_token": token, "email": (io.BytesIO(b"a@b.c"), "e.txt"), "password": "x"})
    assert response.status_code in (200, 422), response.status_code


def test_a_file_in_a_staff_forms_text_fields_is_refused_with_its_message(client, auth):
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    data = form_values(client.get("/admin/campaigns/new").get_data(as_text=True), "campaign")
    data |= {"slug": [(io.BytesIO(b"x"), "slug.txt")], "title": ["T"]}
    response = client.post("/admin/campaigns/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Please choose a web address." in response.get_data(as_text=True)  # as if none was sent
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize("url", ["/s/demo", "/members/demo"])
def test_head_on_a_public_form_answers_as_get_does(client, demo, url):
    assert client.head(url).status_code == client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/s/%00", "/s/demo%00", "/members/%00", "/s/demo%00/thanks"])
def test_a_nul_byte_in_a_campaigns_address_is_not_found(client, demo, url):
    assert client.get(url).status_code == 404  # on PostgreSQL, text with NUL cannot even be compared


def test_a_nul_byte_in_a_campaigns_address_is_not_found_by_staff_either(client, auth, demo):
    auth.login_as(make_user(email="admin@example.org", role="admin"))
    for url in ("/coalition/%00/summary", "/admin/campaigns/%00/", "/field/%00/"):
        assert client.get(url).status_code in (403, 404), url


def test_every_form_reads_files_only_for_its_file_fields(app):
    for module in pkgutil.iter_modules(webapp.forms.__path__):  # every form class made at import
        importlib.import_module(f"webapp.forms.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = [cls.__qualname__ for cls in subclasses(FlaskForm)
              if cls.__module__.startswith("webapp.") and not issubclass(cls, ChorusForm)]
    assert strays == []


@pytest.mark.parametrize("body", [b"not json", b"5", b"[1, 2]", b'"ab"', b'{"change": 5, "barrier": [1, 2]}'])
@pytest.mark.parametrize("with_token", [False, True])
def test_a_json_body_posted_to_a_form_is_as_if_nothing_was_sent(client, demo, body, with_token):
    page = client.get("/s/demo").get_data(as_text=True)
    headers = {"X-CSRFToken": form_values(page)["csrf_token"][0]} if with_token else {}
    response = client.post("/s/demo?lang=es", data=body, content_type="application/json", headers=headers)
    assert response.status_code in (200, 400, 422), response.status_code  # not a 500 from reading JSON as the form
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_json_sent_to_the_sign_in_form_gets_the_forms_own_message(client):
    token = form_values(client.get("/login").get_data(as_text=True), "login")["csrf_token"][0]
    response = client.post("/login", data=b'{"email": 5, "password": 7}', content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code in (200, 422), response.status_code


class MalformedChunkedBody:
    """The request body as gunicorn hands it over when the client's chunked encoding is broken:
    the first read raises, later ones find nothing."""

    def __init__(self):
        self.failed = False

    def read(self, *_size):
        from gunicorn.http.errors import InvalidChunkSize

        if self.failed:
            return b""
        self.failed = True
        raise InvalidChunkSize(b"zz")


@pytest.mark.parametrize("url", ["/s/demo", "/members/demo", "/login"])
def test_a_body_the_server_cannot_read_is_refused_with_400(client, demo, url):
    response = client.post(url, content_type="application/x-www-form-urlencoded", environ_overrides={
        "wsgi.input": MalformedChunkedBody(), "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    assert response.status_code == 400, response.status_code


@pytest.mark.parametrize("host", ["a..b", "a" * 64 + ".org"])
def test_a_host_header_that_is_no_host_name_gets_a_400_with_the_security_headers(client, demo, host):
    response = client.get("/s/demo?lang=es", headers={"Host": host})
    assert response.status_code == 400, response.status_code
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "No pudimos usar lo que se envió." in response.get_data(as_text=True)  # the message, translated
