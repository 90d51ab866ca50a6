"""A priority response's rows written on the driver's cursor are the rows SQLAlchemy would write,
committed on a connection of their own or, with a transaction under way, in the session's."""
from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from tests.conftest import make_app
from tests.factories import make_campaign
from webapp.errors import database_unavailable
from webapp.extensions import db
from webapp.models import Answer, Need, Profile, Rating, Response
from webapp.services.response_writes import write_priority_rows

CREATED = dt.datetime(2026, 11, 3, 9, 30, 15, 123456, tzinfo=dt.timezone.utc)
PROFILE = {"place": "98118", "age_band": "35_44", "race_ethnicity": ["black", "latino"], "uninsured": True,
           "food_insecurity": False}


def response_columns(campaign, **changes) -> dict:
    return {"client_uuid": uuid.uuid4(), "content_hash": "a" * 64, "campaign_id": campaign.id,
            "instrument": "priority", "language": "es", "channel": "paper", "event_id": None, "entered_by_id": None,
            "paper_number": "A-17", "created_at": CREATED, "received_at": CREATED + dt.timedelta(seconds=5)} | changes


@pytest.fixture(params=["own connection", "session's transaction"])
def path(request) -> str:
    """Which way the rows go: the session is idle (a resident's POST), or has a transaction under way."""
    return request.param


def as_on(path: str) -> None:
    """Leave the session as ``path`` finds it (read every attribute a test needs first)."""
    if path == "own connection":
        db.session.commit()
    else:
        db.session.execute(text("SELECT 1"))
    assert db.session().in_transaction() == (path != "own connection")


def stored_as_is(response_id: int) -> dict:
    """Every column of the response and its rows as the database holds them (no type conversion)."""
    rows = {}
    for table, key in (("response", "id"), ("rating", "response_id"), ("answer", "response_id"),
                       ("profile", "response_id")):
        found = db.session.execute(text(f"SELECT * FROM {table} WHERE {key} = :id"), {"id": response_id})
        rows[table] = sorted(tuple((name, value) for name, value in row._mapping.items()
                                   if name not in ("id", "response_id", "client_uuid")) for row in found)
    return rows


def test_rows_are_stored_exactly_as_the_orm_stores_them(app, path):
    campaign = make_campaign(needs=("housing", "food"))
    housing, food = campaign.needs
    answers = [{"question": "barrier", "text": 'Rent <b> "alto" \\ الإيجار\nmucho', "language": "es"},
               {"question": "change", "text": "=1+1", "language": "und"}]
    columns = response_columns(campaign)
    ratings = [{"need_id": housing.id, "importance": 5, "top_three": True},
               {"need_id": food.id, "importance": 2, "top_three": False}]
    as_on(path)
    ours = write_priority_rows(columns, ratings, answers, PROFILE)
    theirs = Response(**response_columns(campaign, paper_number="A-18"))
    theirs.ratings = [Rating(need_id=housing.id, importance=5, top_three=True),
                      Rating(need_id=food.id, importance=2, top_three=False)]
    theirs.answers = [Answer(**answer) for answer in answers]
    theirs.profile = Profile(**PROFILE)
    db.session.add(theirs)
    db.session.commit()

    ours_stored, theirs_stored = stored_as_is(ours), stored_as_is(theirs.id)
    assert ours_stored["response"][0] != theirs_stored["response"][0]  # only the paper number differs
    ours_stored["response"] = theirs_stored["response"] = None
    assert ours_stored == theirs_stored

    db.session.expire_all()
    read = db.session.get(Response, ours)
    assert read.created_at == CREATED and read.created_at.tzinfo is not None
    assert read.profile.race_ethnicity == ["black", "latino"]
    assert (read.profile.uninsured, read.profile.food_insecurity, read.profile.disability) == (True, False, None)


def test_a_response_without_profile_answers_has_no_profile_row(app):
    campaign = make_campaign(needs=("housing",))
    response_id = write_priority_rows(response_columns(campaign),
                                      [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}],
                                      [], {})
    assert db.session.scalar(select(Profile).where(Profile.response_id == response_id)) is None
    assert db.session.scalars(select(Answer).where(Answer.response_id == response_id)).all() == []


def test_a_reused_uuid_is_sqlalchemys_integrity_error_and_nothing_of_it_is_kept(app, path):
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    columns = response_columns(campaign)
    write_priority_rows(columns, rating, [], {})
    as_on(path)
    with pytest.raises(IntegrityError):
        write_priority_rows(columns | {"paper_number": "B-1"}, rating, [], PROFILE)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Profile)) == 0


def test_a_lost_connection_is_an_operational_error_and_the_next_write_gets_a_new_one(app, backend):
    if backend != "postgresql":
        return  # an SQLite file has no connection to lose
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()  # the session keeps this connection
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(OperationalError) as raised:
        write_priority_rows(response_columns(campaign), rating, [], {})
    assert raised.value.connection_invalidated
    db.session.rollback()
    write_priority_rows(response_columns(campaign), rating, [], {})
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def test_a_connection_the_driver_knows_is_closed_is_sqlalchemys_disconnect_error(app):
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    first, second = response_columns(campaign), response_columns(campaign)
    db.session.connection().connection.driver_connection.close()  # refuses even to make a cursor
    with pytest.raises(DBAPIError) as raised:
        write_priority_rows(first, rating, [], {})
    assert raised.value.connection_invalidated and database_unavailable(raised.value)
    db.session.rollback()
    write_priority_rows(second, rating, [], {})
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def test_with_the_session_idle_the_rows_are_committed_on_a_connection_of_their_own(app, backend, monkeypatch):
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    columns = response_columns(campaign)
    db.session.commit()  # as in a resident's POST: the session has nothing under way
    drivers = []  # of the connections the write path takes from the pool
    raw_connection = db.engine.raw_connection

    def spied():
        pooled = raw_connection()
        drivers.append(pooled.driver_connection)
        return pooled

    monkeypatch.setattr(db.engine, "raw_connection", spied)
    write_priority_rows(columns, rating, [], PROFILE)
    assert len(drivers) == 1 and not db.session().in_transaction()  # the session took no part
    with db.engine.connect() as other:  # committed already, all of it
        assert other.execute(text("SELECT count(*) FROM profile")).scalar() == 1
    with pytest.raises(IntegrityError):
        write_priority_rows(columns, rating, [], {})
    if backend == "postgresql":  # each statement was its own transaction; handed back as SQLAlchemy expects
        assert not any(driver.autocommit for driver in drivers)
    assert db.session.scalar(select(db.func.count()).select_from(Rating)) == 1


def test_with_a_transaction_under_way_the_rows_are_committed_with_it(app):
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    columns = response_columns(campaign)
    db.session.add(Need(campaign_id=campaign.id, key="food", position=1))  # pending work of the same request
    write_priority_rows(columns, rating, [], {})
    with db.engine.connect() as other:
        assert other.execute(text("SELECT count(*) FROM need")).scalar() == 2
        assert other.execute(text("SELECT count(*) FROM response")).scalar() == 1


def test_a_pooled_connection_lost_since_its_last_use_fails_once_and_is_replaced(app, backend):
    if backend != "postgresql":
        return  # an SQLite file has no connection to lose
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    first, second = response_columns(campaign), response_columns(campaign)
    db.session.remove()
    db.engine.dispose()  # the pool now holds only the connection made next
    with db.engine.connect() as pooled:
        pid = pooled.execute(text("SELECT pg_backend_pid()")).scalar()
    killer = create_engine(db.engine.url, poolclass=NullPool)
    with killer.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    with pytest.raises(OperationalError) as raised:
        write_priority_rows(first, rating, [], {})
    assert raised.value.connection_invalidated and database_unavailable(raised.value)
    write_priority_rows(second, rating, [], {})
    assert db.session.scalar(select(Response.client_uuid)) == second["client_uuid"]


@pytest.mark.parametrize("unreachable", ["postgresql://postgres@127.0.0.1:1/chorus", "sqlite:///{tmp}/missing/chorus.db"])
def test_when_no_connection_can_be_had_the_write_fails_as_the_database_being_unavailable(unreachable, tmp_path):
    with make_app(unreachable.format(tmp=tmp_path)).app_context():
        with pytest.raises(OperationalError) as raised:
            write_priority_rows(response_columns(SimpleNamespace(id=1)),
                                [{"need_id": 1, "importance": 3, "top_three": False}], [], {})
        assert database_unavailable(raised.value)  # the resident is asked to send again
