"""Every route declares who may use it, and each role gets exactly that.

The test enumerates ``app.url_map``: a new route without ``@allow(RULE)`` fails here, and a
new route with a rule is checked for every role without touching this file (unless its
URL has a variable no sample below covers, or, when allowed, it answers with something
other than 200 — then say so in ALLOWED_OUTCOME).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from flask import Flask

from tests.conftest import AuthActions, make_app
from tests.factories import make_campaign, make_user
from webapp.access import PUBLIC, allow, rule_for
from webapp.extensions import db
from webapp.services.accounts import issue_reset_token
from webapp.services.field import create_event
from webapp.services.meetings import create_meeting

ROLES = ("anonymous", "outreach_a", "lead_a", "lead_b", "admin")

OK = "200"
LOGIN = "redirect to login"
FORBIDDEN = "403"
REDIRECT = "redirect elsewhere"

#: what each declared rule means for each role, written out independently of webapp.access
EXPECTED = {
    "public": {"anonymous": OK, "outreach_a": OK, "lead_a": OK, "lead_b": OK, "admin": OK},
    "staff": {"anonymous": LOGIN, "outreach_a": OK, "lead_a": OK, "lead_b": OK, "admin": OK},
    "leads": {"anonymous": LOGIN, "outreach_a": FORBIDDEN, "lead_a": OK, "lead_b": OK, "admin": OK},
    "admin": {"anonymous": LOGIN, "outreach_a": FORBIDDEN, "lead_a": FORBIDDEN, "lead_b": FORBIDDEN, "admin": OK},
    "campaign_lead": {"anonymous": LOGIN, "outreach_a": FORBIDDEN, "lead_a": OK, "lead_b": FORBIDDEN, "admin": OK},
    "campaign_field": {"anonymous": LOGIN, "outreach_a": OK, "lead_a": OK, "lead_b": FORBIDDEN, "admin": OK},
}

#: what an allowed request gets when it is not a plain 200 (POST-only actions redirect back)
ALLOWED_OUTCOME = {
    "auth.logout": REDIRECT,
    "admin.campaign_status": REDIRECT,
    "admin.move": REDIRECT,
    "admin.retire": REDIRECT,
    "admin.restore": REDIRECT,
    "field.sync_responses": "400",  # an empty form is not a JSON batch (tests/test_field_api.py sends real ones)
    "coalition.recompute": REDIRECT,
    "coalition.rename_theme": REDIRECT,
    "coalition.merge_themes": REDIRECT,
    "coalition.move_quote": REDIRECT,
}

#: what a signed-out request gets when it is not sent to sign in: an API answers 401 (JSON) it can act on
SIGNED_OUT_OUTCOME = {"field.sync_responses": "401"}

#: form data for POST-only actions, so an allowed request does what it is for
POST_DATA = {
    "admin.campaign_status": {"open": "0"},
    "admin.move": {"direction": "down"},
}


@dataclass
class World:
    """Two campaigns and one account per role; the URLs name campaign A and its objects."""

    campaign_a: object
    campaign_b: object
    users: dict
    reset_token: str
    meeting: object
    event: object


#: URL variable -> its value in World (every object belongs to campaign A)
SAMPLES = {
    "slug": lambda world: world.campaign_a.slug,
    "need_id": lambda world: world.campaign_a.needs[0].id,
    "user_id": lambda world: world.users["outreach_a"].id,
    "token": lambda world: world.reset_token,
    "language": lambda world: "es",
    "filename": lambda world: "css/chorus.css",
    "meeting_id": lambda world: world.meeting.id,
    "code": lambda world: world.meeting.code,
    "event_id": lambda world: world.event.id,
}


def _endpoints() -> list[str]:
    app = make_app("sqlite://")
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


ENDPOINTS = _endpoints()


@pytest.fixture
def route_app(app_with):
    """The app without form tokens (they are tested elsewhere), so POSTs reach the access check."""
    app = app_with(WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield app


@pytest.fixture
def world(route_app) -> World:
    campaign_a = make_campaign(slug="north", languages=("en", "es"))
    campaign_b = make_campaign(slug="south", languages=("en", "es"))
    users = {
        "outreach_a": make_user("outreach@example.org", "outreach", campaigns=[campaign_a]),
        "lead_a": make_user("lead-a@example.org", "lead", campaigns=[campaign_a]),
        "lead_b": make_user("lead-b@example.org", "lead", campaigns=[campaign_b]),
        "admin": make_user("admin@example.org", "admin"),
    }
    token = issue_reset_token(users["outreach_a"], actor=None)
    meeting = create_meeting(campaign_a, title="Partners", held_on=dt.date.today(), mode="online")
    event = create_event(campaign_a, name="Pantry day", date=dt.date.today())
    return World(campaign_a, campaign_b, users, token, meeting, event)


def outcome(response) -> str:
    """What a response amounts to, in the words of EXPECTED."""
    if response.status_code == 200:
        return OK
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 302:
        location = response.headers["Location"]
        return LOGIN if location.startswith("/login?next=") else REDIRECT
    return str(response.status_code)


def url_for_rule(app: Flask, rule, world: World) -> str:
    missing = [name for name in rule.arguments if name not in SAMPLES]
    assert not missing, f"{rule.endpoint}: add sample values for {missing} to SAMPLES"
    values = {name: SAMPLES[name](world) for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def request_as(app: Flask, role: str, world: World, method: str, url: str, data=None):
    client = app.test_client()
    if role != "anonymous":
        AuthActions(client).login_as(world.users[role])
    response = client.open(url, method=method, data=data or {})
    response.get_data()
    response.close()  # static files are streamed from an open file
    db.session.rollback()
    db.session.expire_all()  # an allowed action may have changed things; the next role starts afresh
    return response


def test_every_route_declares_an_access_rule():
    app = make_app("sqlite://")
    undeclared = [endpoint for endpoint in ENDPOINTS if rule_for(app, endpoint) is None]
    assert undeclared == [], f"routes without @allow(...): {undeclared}"


def test_every_declared_rule_has_expectations_for_every_role():
    app = make_app("sqlite://")
    for endpoint in ENDPOINTS:
        rule = rule_for(app, endpoint)
        assert rule.name in EXPECTED, f"{endpoint}: rule {rule.name!r} has no row in EXPECTED"
        assert set(EXPECTED[rule.name]) == set(ROLES)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_role_gets_exactly_what_the_rule_allows(route_app, world, endpoint):
    rules = [rule for rule in route_app.url_map.iter_rules() if rule.endpoint == endpoint]
    declared = rule_for(route_app, endpoint)
    mismatches = []
    for rule in rules:
        url = url_for_rule(route_app, rule, world)
        methods = rule.methods - {"HEAD", "OPTIONS"}
        for role in ROLES:
            expected = EXPECTED[declared.name][role]
            if expected == OK:
                expected = ALLOWED_OUTCOME.get(endpoint, OK)
            elif expected == LOGIN:
                expected = SIGNED_OUT_OUTCOME.get(endpoint, LOGIN)
            # GET when the route allows it; POST-only actions are POSTed
            method = "GET" if "GET" in methods else "POST"
            got = outcome(request_as(route_app, role, world, method, url, POST_DATA.get(endpoint)))
            if got != expected:
                mismatches.append(f"{method} {url} as {role}: expected {expected}, got {got}")
            # routes that also take POST refuse it just the same to those without the right
            if method == "GET" and "POST" in methods and expected in (LOGIN, FORBIDDEN):
                got = outcome(request_as(route_app, role, world, "POST", url))
                if got != expected:
                    mismatches.append(f"POST {url} as {role}: expected {expected}, got {got}")
    assert mismatches == []


def test_a_route_without_a_rule_is_refused_at_run_time_and_caught_here(route_app, world):
    app = make_app("sqlite://", WTF_CSRF_ENABLED=False)

    @app.route("/forgotten")
    def forgotten():
        return "residents' answers"

    @app.route("/declared")
    @allow(PUBLIC)
    def declared():
        return "fine"

    assert rule_for(app, "forgotten") is None and rule_for(app, "declared") is PUBLIC
    client = app.test_client()
    with app.app_context():
        assert client.get("/forgotten").status_code == 403
        assert client.get("/declared").status_code == 200


def test_an_unknown_campaign_is_403_for_leads_and_404_for_admins(route_app, world):
    for role, status in (("lead_a", 403), ("admin", 404)):
        response = request_as(route_app, role, world, "GET", "/admin/campaigns/nowhere/")
        assert response.status_code == status


def test_a_need_of_another_campaign_is_not_found_through_this_one(route_app, world):
    other_need = world.campaign_b.needs[0].id
    response = request_as(route_app, "lead_a", world, "POST", f"/admin/campaigns/north/needs/{other_need}/retire")
    assert response.status_code == 404
    assert world.campaign_b.needs[0].retired_at is None


def test_a_meeting_of_another_campaign_is_not_found_through_this_one(route_app, world):
    other = create_meeting(world.campaign_b, title="South partners", held_on=dt.date.today(), mode="online")
    response = request_as(route_app, "lead_a", world, "GET", f"/coalition/north/meetings/{other.id}")
    assert response.status_code == 404


def test_admin_routes_see_only_what_the_signed_in_lead_works_on(route_app, world):
    html = request_as(route_app, "lead_b", world, "GET", "/admin/").get_data(as_text=True)
    assert "/admin/campaigns/south/" in html and "/admin/campaigns/north/" not in html
