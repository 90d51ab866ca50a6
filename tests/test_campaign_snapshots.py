"""What a worker reads about a campaign on residents' requests: kept briefly, dropped on an edit."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from webapp.extensions import db
from webapp.models import Campaign
from webapp.services import campaigns
from webapp.services.campaign_edits import set_campaign_open
from webapp.services.campaigns import campaign_snapshot, find_campaign


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(campaigns, "monotonic", clock)
    return clock


def test_an_edit_committed_by_this_worker_is_seen_at_once(client, demo, clock):
    assert b'name="response_id"' in client.get("/s/demo").data
    set_campaign_open(find_campaign("demo"), False, actor=None)
    page = client.get("/s/demo")
    assert b'name="response_id"' not in page.data  # the closed page, with no time passed


def test_an_edit_rolled_back_keeps_the_snapshot(app, demo, clock):
    before = campaign_snapshot("demo")
    demo.is_open = False
    db.session.flush()
    db.session.rollback()
    assert campaign_snapshot("demo") is before


def test_an_edit_made_elsewhere_is_seen_once_the_cache_time_passes(app, client, demo, clock):
    """Another worker or host changed the row: this worker reads it again within CAMPAIGN_CACHE_SECONDS."""
    assert app.config["CAMPAIGN_CACHE_SECONDS"] == 1
    assert campaign_snapshot("demo").is_open
    with db.engine.begin() as conn:  # not through this worker's session, as another process would
        conn.execute(update(Campaign).where(Campaign.slug == "demo").values(is_open=False))
    clock.now += 0.9
    assert campaign_snapshot("demo").is_open
    assert b'name="response_id"' in client.get("/s/demo").data
    clock.now += 0.2
    assert not campaign_snapshot("demo").is_open
    assert b'name="response_id"' not in client.get("/s/demo").data


def test_zero_seconds_reads_the_campaign_on_every_request(app_with):
    app = app_with(CAMPAIGN_CACHE_SECONDS=0)
    with app.app_context():
        from webapp.services.demo import seed_demo_campaign

        seed_demo_campaign()
        assert campaign_snapshot("demo").is_open
        with db.engine.begin() as conn:
            conn.execute(update(Campaign).where(Campaign.slug == "demo").values(is_open=False))
        assert not campaign_snapshot("demo").is_open


def test_unknown_slugs_are_not_kept(app, client, demo):
    for number in range(50):
        assert client.get(f"/s/made-up-{number}").status_code == 404
    assert set(app.extensions["campaign_snapshots"]) <= {"demo"}
