"""The leads' member directory shows every language a listed member gave."""
from __future__ import annotations

import uuid

import pytest

from tests.factories import make_campaign
from webapp.services.members import MemberSubmission, store_member_assessment


def add_member(campaign, **values):
    values.setdefault("sector", "resident")
    values.setdefault("involvement", "active")
    store_member_assessment(campaign, MemberSubmission(uuid.uuid4(), "en", **values))


@pytest.fixture
def campaign(app):
    return make_campaign(slug="north")


def directory_card(client, query: str) -> str:
    html = client.get("/coalition/north/members", query_string={"q": query}).get_data(as_text=True)
    directory = html[html.index('id="directory"'):]
    return directory[:directory.index("</li>")]


def test_a_language_typed_in_other_languages_shows_on_the_card_without_a_ticked_one(client, lead, campaign):
    add_member(campaign, directory_consent=True, name="Wang Xiaoming", other_languages="粤语, Somali")
    card = directory_card(client, "Somali")  # the search finds the member by it ...
    assert "Wang Xiaoming" in card
    assert "<dt>Languages</dt><dd><bdi>粤语, Somali</bdi></dd>" in card  # ... and the card says why


def test_a_language_the_member_interprets_shows_on_the_card_as_the_languages_table_counts_it(client, lead, campaign):
    add_member(campaign, directory_consent=True, name="Ana Ruiz", other_languages="Mixteco",
               choices={"skill": ["translation"], "language": ["es"], "translation_language": ["vi"]})
    card = directory_card(client, "Ana")
    assert "<dt>Languages</dt><dd>Spanish, Vietnamese, <bdi>Mixteco</bdi></dd>" in card
