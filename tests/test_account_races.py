"""Accounts changed by two people at the same moment: each test runs two real transactions at once, each in
its own thread, app context and database connection, and holds both where the change is decided but not yet
stored, so that without a lock both would store it."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from tests.factories import make_user
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import AuditEvent, User
from webapp.services import audit
from webapp.services.accounts import AccountError, active_admin_count, get_user, issue_reset_token, update_user
from webapp.services.passwords import verify_password

#: how long each transaction waits at the hold for the other (with the locks, the other never comes)
HOLD_SECONDS = 2.0


@pytest.fixture
def at_once(app, monkeypatch):
    """Run callables together, each in its own thread and app context; return what each returned or raised.

    Each waits, when it records an audit action of ``hold_at`` (its change decided, not yet committed), for the
    others to get there too, for at most HOLD_SECONDS.
    """
    def run(*calls, hold_at: str | tuple[str, ...]) -> list:
        holds = {hold_at} if isinstance(hold_at, str) else set(hold_at)
        start = threading.Barrier(len(calls))
        decided = threading.Barrier(len(calls), timeout=HOLD_SECONDS)
        unheld = audit.record

        def held(action, *args, **kwargs):
            if action in holds:
                try:
                    decided.wait()
                except threading.BrokenBarrierError:  # the other is held by a lock, as it should be
                    pass
            return unheld(action, *args, **kwargs)

        monkeypatch.setattr(audit, "record", held)
        outcomes: list = [None] * len(calls)

        def in_thread(number, call):
            with app.app_context():
                start.wait()
                try:
                    outcomes[number] = call()
                except Exception as error:  # noqa: BLE001 — the test looks at it
                    outcomes[number] = error
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=in_thread, args=(n, call)) for n, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        db.session.expire_all()
        return outcomes

    return run


# --- one-time links --------------------------------------------------------------------------------


def test_two_posts_of_one_link_at_the_same_moment_set_the_password_once(app, at_once):
    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    passwords = ["the first long passphrase", "the second long passphrase"]
    tabs, forms = [app.test_client(), app.test_client()], []
    for tab, password in zip(tabs, passwords):
        form = form_values(tab.get(f"/reset/{token}").get_data(as_text=True), "reset")
        forms.append(form | {"new_password": [password], "confirm": [password]})
    first, second = at_once(*(lambda tab=tab, form=form: tab.post(f"/reset/{token}", data=form)
                              for tab, form in zip(tabs, forms)), hold_at="password.reset_used")
    assert sorted([first.status_code, second.status_code]) == [302, 410]
    winner, loser = (0, 1) if first.status_code == 302 else (1, 0)
    # the other post gets the page a link used before gets
    assert "This link has expired or has already been used." in (first, second)[loser].get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, passwords[winner])
    used = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "password.reset_used")
    assert db.session.scalar(used) == 1


def test_a_link_used_up_while_its_form_was_being_sent_gets_the_used_link_page_in_the_readers_language(
        app, monkeypatch):
    from webapp.auth import routes

    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    tab, other_tab = app.test_client(), app.test_client()
    mine = form_values(tab.get(f"/reset/{token}?lang=es").get_data(as_text=True), "reset")
    mine |= {"new_password": ["the first long passphrase"], "confirm": ["the first long passphrase"]}
    other = form_values(other_tab.get(f"/reset/{token}").get_data(as_text=True), "reset")
    other |= {"new_password": ["the second long passphrase"], "confirm": ["the second long passphrase"]}
    found_unused = routes.find_reset_token

    def then_used_in_the_other_tab(value):
        stored = found_unused(value)
        monkeypatch.setattr(routes, "find_reset_token", found_unused)
        statuses = []
        with_its_own_context = threading.Thread(target=lambda: statuses.append(
            other_tab.post(f"/reset/{token}", data=other).status_code))
        with_its_own_context.start()
        with_its_own_context.join(timeout=60)
        assert statuses == [302]
        return stored

    monkeypatch.setattr(routes, "find_reset_token", then_used_in_the_other_tab)
    response = tab.post(f"/reset/{token}?lang=es", data=mine)
    assert response.status_code == 410
    assert "Este enlace venció o ya se usó." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, "the second long passphrase")


def test_a_password_change_and_a_link_used_at_the_same_moment_both_end_cleanly(app, at_once):
    """Both lock the link and the account: in the same order, so neither waits on the other forever (on
    PostgreSQL one would be aborted as a deadlock, a 500 for someone setting their password)."""
    from tests.factories import PASSWORD
    from webapp.services.accounts import change_password, use_reset_token

    user = make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=None)
    outcomes = at_once(lambda: change_password(get_user(user.id), PASSWORD, "the changed long passphrase"),
                       lambda: use_reset_token(token, "the link's long passphrase"),
                       hold_at=("password.changed", "password.reset_used"))
    assert not isinstance(outcomes[0], Exception), outcomes
    assert isinstance(outcomes[1], User) or (isinstance(outcomes[1], AccountError)
                                             and outcomes[1].code == "invalid_link"), outcomes
    db.session.refresh(user)
    assert verify_password(user.password_hash, "the changed long passphrase") or (
        isinstance(outcomes[1], User) and verify_password(user.password_hash, "the link's long passphrase"))


def test_an_account_deactivated_as_its_link_is_used_ends_cleanly_and_inactive(app, at_once):
    from webapp.services.accounts import use_reset_token

    admin, user = make_user(email="admin@example.org", role="admin"), make_user(email="worker@example.org")
    token = issue_reset_token(user, actor=admin)
    outcomes = at_once(lambda: update_user(get_user(user.id), actor=get_user(admin.id), is_active=False),
                       lambda: use_reset_token(token, "the link's long passphrase"),
                       hold_at=("user.deactivated", "password.reset_used"))
    assert outcomes[0] == ["user.deactivated"], outcomes
    assert isinstance(outcomes[1], User) or (isinstance(outcomes[1], AccountError)
                                             and outcomes[1].code == "invalid_link"), outcomes
    db.session.refresh(user)
    assert not user.is_active


# --- the last active admin -------------------------------------------------------------------------


def admins(first="a@example.org", second="b@example.org") -> tuple[int, int]:
    return make_user(email=first, role="admin").id, make_user(email=second, role="admin").id


def change(user_id: int, actor_id: int, **changes):
    return lambda: update_user(get_user(user_id), actor=get_user(actor_id), **changes)


def assert_one_change_refused_as_the_last_admin(outcomes: list) -> None:
    refused = [o for o in outcomes if isinstance(o, AccountError)]
    assert len(refused) == 1 and refused[0].code == "last_admin", outcomes
    assert active_admin_count() == 1


def test_two_admins_demoting_each_other_at_the_same_moment_leave_one_admin(app, at_once):
    a, b = admins()
    outcomes = at_once(change(b, a, role="lead"), change(a, b, role="lead"), hold_at="user.role_changed")
    assert_one_change_refused_as_the_last_admin(outcomes)


def test_two_admins_deactivating_each_other_at_the_same_moment_leave_one_admin(app, at_once):
    a, b = admins()
    outcomes = at_once(change(b, a, is_active=False), change(a, b, is_active=False), hold_at="user.deactivated")
    assert_one_change_refused_as_the_last_admin(outcomes)


def test_one_admin_demoted_while_the_other_is_deactivated_leaves_one_admin(app, at_once):
    a, b = admins()
    outcomes = at_once(change(b, a, role="outreach"), change(a, b, is_active=False),
                       hold_at=("user.role_changed", "user.deactivated"))
    assert_one_change_refused_as_the_last_admin(outcomes)


def test_an_account_changed_since_it_was_loaded_is_judged_as_it_is_now(app):
    a = make_user(email="a@example.org", role="admin").id
    stale = make_user(email="b@example.org", role="lead")
    with db.engine.begin() as other:  # after it was loaded here, another request made it the only admin
        other.execute(update(User).where(User.id == stale.id).values(role="admin"))
        other.execute(update(User).where(User.id == a).values(role="lead"))
    with pytest.raises(AccountError) as refused:
        update_user(stale, actor=get_user(a), role="outreach")
    assert refused.value.code == "last_admin"
    assert active_admin_count() == 1


def test_the_last_admin_demoting_themselves_is_told_why_and_stays_admin(client, auth):
    me = make_user(email="me@example.org", role="admin")
    auth.login_as(me)
    response = fill_and_post(client, f"/admin/users/{me.id}", {"role": "lead"}, form_id="user")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This is the last active administrator. Make another administrator first." in html
    assert "me@example.org" in html  # the page still shows the account after the refusal
    assert active_admin_count() == 1 and client.get("/admin/users").status_code == 200
