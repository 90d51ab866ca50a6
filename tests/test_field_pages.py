"""Field pages: events are created and picked; the entry screen saves, counts and flags paper numbers."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.field_helpers import make_field_world, stored_count
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import Event, Response


@pytest.fixture
def world(app):
    return make_field_world()


@pytest.fixture
def worker_client(client, world):
    AuthActions(client).login_as(world.worker)
    return client


def entry_url(world) -> str:
    return f"/field/{world.campaign.slug}/events/{world.event.id}/entry"


def ratings(world, importance="4") -> dict:
    return {f"need_{need.key}": importance for need in world.campaign.active_needs()}


def test_staff_home_links_outreach_workers_to_field_mode(worker_client, world):
    html = worker_client.get("/staff/").get_data(as_text=True)
    assert f'href="/field/{world.campaign.slug}/"' in html


def test_a_worker_creates_an_event_and_lands_on_its_entry_screen(worker_client, world):
    response = fill_and_post(worker_client, f"/field/{world.campaign.slug}/",
                             {"name": "Health fair", "date": "2026-11-22", "place": "Library"}, form_id="event")
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.name == "Health fair"))
    assert event.campaign_id == world.campaign.id and event.created_by_id == world.worker.id
    assert response.headers["Location"].endswith(f"/events/{event.id}/entry")


@pytest.mark.parametrize("name", ["", "   "])
def test_an_event_needs_a_name_and_a_date(worker_client, world, name):
    response = fill_and_post(worker_client, f"/field/{world.campaign.slug}/", {"name": name, "date": ""},
                             form_id="event")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please give the event a name." in html and "Please give the date." in html


def test_the_event_list_offers_each_event_with_its_count(worker_client, world):
    html = worker_client.get(f"/field/{world.campaign.slug}/").get_data(as_text=True)
    assert "Pantry day" in html and entry_url(world) in html and "0 responses" in html


def test_each_event_has_one_entry_link_that_its_name_describes(worker_client, world):
    html = worker_client.get(f"/field/{world.campaign.slug}/").get_data(as_text=True)
    links = re.findall(rf'<a class="button-primary" href="{entry_url(world)}"\s+aria-describedby="([^"]+)">', html)
    assert len(links) == 1 and html.count(f'href="{entry_url(world)}"') == 1  # the name is not a second, smaller link
    assert f'<h3 id="{links[0]}">Pantry day</h3>' in html
