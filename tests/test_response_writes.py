"""A priority response's rows written on the driver's cursor are the rows SQLAlchemy would write."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from tests.factories import make_campaign
from webapp.errors import database_unavailable
from webapp.extensions import db
from webapp.models import Answer, Profile, Rating, Response
from webapp.services.response_writes import insert_priority_rows

CREATED = dt.datetime(2026, 11, 3, 9, 30, 15, 123456, tzinfo=dt.timezone.utc)
PROFILE = {"place": "98118", "age_band": "35_44", "race_ethnicity": ["black", "latino"], "uninsured": True,
           "food_insecurity": False}


def response_columns(campaign, **changes) -> dict:
    return {"client_uuid": uuid.uuid4(), "content_hash": "a" * 64, "campaign_id": campaign.id,
            "instrument": "priority", "language": "es", "channel": "paper", "event_id": None, "entered_by_id": None,
            "paper_number": "A-17", "created_at": CREATED, "received_at": CREATED + dt.timedelta(seconds=5)} | changes


def stored_as_is(response_id: int) -> dict:
    """Every column of the response and its rows as the database holds them (no type conversion)."""
    rows = {}
    for table, key in (("response", "id"), ("rating", "response_id"), ("answer", "response_id"),
                       ("profile", "response_id")):
        found = db.session.execute(text(f"SELECT * FROM {table} WHERE {key} = :id"), {"id": response_id})
        rows[table] = sorted(tuple((name, value) for name, value in row._mapping.items()
                                   if name not in ("id", "response_id", "client_uuid")) for row in found)
    return rows


def test_rows_are_stored_exactly_as_the_orm_stores_them(app):
    campaign = make_campaign(needs=("housing", "food"))
    housing, food = campaign.needs
    answers = [{"question": "barrier", "text": "Rent <b>", "language": "es"},
               {"question": "change", "text": "=1+1", "language": "und"}]
    ours = insert_priority_rows(response_columns(campaign),
                                [{"need_id": housing.id, "importance": 5, "top_three": True},
                                 {"need_id": food.id, "importance": 2, "top_three": False}],
                                answers, PROFILE)
    db.session.commit()
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
    response_id = insert_priority_rows(response_columns(campaign),
                                       [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}],
                                       [], {})
    db.session.commit()
    assert db.session.scalar(select(Profile).where(Profile.response_id == response_id)) is None
    assert db.session.scalars(select(Answer).where(Answer.response_id == response_id)).all() == []


def test_a_reused_uuid_is_sqlalchemys_integrity_error_and_nothing_of_it_is_kept(app):
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    columns = response_columns(campaign)
    insert_priority_rows(columns, rating, [], {})
    db.session.commit()
    with pytest.raises(IntegrityError):
        insert_priority_rows(columns | {"paper_number": "B-1"}, rating, [], PROFILE)
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
        insert_priority_rows(response_columns(campaign), rating, [], {})
    assert raised.value.connection_invalidated
    db.session.rollback()
    insert_priority_rows(response_columns(campaign), rating, [], {})
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def test_a_connection_the_driver_knows_is_closed_is_sqlalchemys_disconnect_error(app):
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    first, second = response_columns(campaign), response_columns(campaign)
    db.session.connection().connection.driver_connection.close()  # refuses even to make a cursor
    with pytest.raises(DBAPIError) as raised:
        insert_priority_rows(first, rating, [], {})
    assert raised.value.connection_invalidated and database_unavailable(raised.value)
    db.session.rollback()
    insert_priority_rows(second, rating, [], {})
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def test_on_postgresql_a_write_on_a_fresh_connection_is_its_own_transaction(app, backend):
    if backend != "postgresql":
        return
    campaign = make_campaign(needs=("housing",))
    rating = [{"need_id": campaign.needs[0].id, "importance": 3, "top_three": False}]
    columns = response_columns(campaign)
    db.session.commit()  # as in a request: the session has not used its connection yet
    driver = db.session.connection().connection.driver_connection
    insert_priority_rows(columns, rating, [], PROFILE)
    assert driver.autocommit is False  # handed back as SQLAlchemy expects it
    with db.engine.connect() as other:  # committed already, all of it
        assert other.execute(text("SELECT count(*) FROM profile")).scalar() == 1
    db.session.commit()
    with pytest.raises(IntegrityError):
        insert_priority_rows(columns, rating, [], {})
    assert driver.autocommit is False
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Rating)) == 1
