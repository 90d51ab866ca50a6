"""A priority response's rows written in as few steps as the database allows: the busiest write path.

Each resident's answers make a ``response`` row, a ``rating`` per need, an ``answer`` per
open question and perhaps a ``profile``. Sent through SQLAlchemy's ``execute``, setting
up each statement costs more than the database spends writing its rows, so here:

* on PostgreSQL, one statement (a data-modifying ``WITH``) writes every row, as a
  transaction of its own: one round trip instead of one per statement and per rating,
  with BEGIN and COMMIT besides;
* on SQLite, each INSERT is compiled once and runs on the driver's own cursor, its values
  converted by the column types' own ``bind_processor`` as SQLAlchemy would;
* unless the session is in a transaction already, none of it goes through the ORM session.

Either way the rows are the ones SQLAlchemy would write, all or none of them, and the
unique client UUID still turns a replay into an ``IntegrityError``.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

from webapp.database import SqliteWriters
from webapp.extensions import db
from webapp.models import Answer, Profile, Rating, Response

RESPONSE_COLUMNS = ("client_uuid", "content_hash", "campaign_id", "instrument", "language", "channel", "event_id",
                    "entered_by_id", "paper_number", "created_at", "received_at")
RATING_COLUMNS = ("response_id", "need_id", "importance", "top_three")
ANSWER_COLUMNS = ("response_id", "question", "text", "language")
PROFILE_COLUMNS = tuple(column.name for column in Profile.__table__.columns)


class DriverInsert:
    """An INSERT of fixed columns, compiled once per dialect and run on the driver's cursor."""

    def __init__(self, table: Table, columns: Sequence[str], returning: str | None = None):
        self.table = table
        self.columns = tuple(columns)
        self.returning = returning
        self._plans: dict[str, tuple[str, Callable, tuple[tuple[int, Callable], ...], tuple[str, ...] | None]] = {}

    def _plan(self, dialect: Dialect):
        """(SQL, a getter of a row's values in order, the converters by position, the names of a
        named paramstyle or None) for ``dialect``, made once."""
        plan = self._plans.get(dialect.name)
        if plan is None:
            statement = insert(self.table).values({name: bindparam(name) for name in self.columns})
            if self.returning:
                statement = statement.returning(self.table.c[self.returning])
            compiled = statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup) if compiled.positional else self.columns
            converters = ((position, self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                          for position, name in enumerate(names))
            plan = self._plans[dialect.name] = (
                compiled.string, itemgetter(*names), tuple((p, c) for p, c in converters if c is not None),
                None if compiled.positional else names,
            )
        return plan

    def parameters(self, dialect: Dialect, rows: Iterable[dict[str, Any]]) -> tuple[str, list]:
        """The SQL and each row's parameters, converted for the driver (every row has every column)."""
        sql, values_of, converters, names = self._plan(dialect)
        converted = []
        for row in rows:
            values = list(values_of(row)) if len(self.columns) > 1 else [values_of(row)]
            for position, convert in converters:
                values[position] = convert(values[position])
            converted.append(tuple(values) if names is None else dict(zip(names, values)))
        return sql, converted


_RESPONSE = DriverInsert(Response.__table__, RESPONSE_COLUMNS, returning="id")
_RATINGS = DriverInsert(Rating.__table__, RATING_COLUMNS)
_ANSWERS = DriverInsert(Answer.__table__, ANSWER_COLUMNS)
_PROFILE = DriverInsert(Profile.__table__, PROFILE_COLUMNS)

#: Every row of a response in one statement, for PostgreSQL. The ratings and answers go as one JSON text
#: each, read back into rows by the server: psycopg adapts one string far faster than six typed arrays.
_POSTGRESQL_ROWS = """
WITH new_response AS (
    INSERT INTO response (client_uuid, content_hash, campaign_id, instrument, language, channel, event_id,
                          entered_by_id, paper_number, created_at, received_at)
    VALUES (%(client_uuid)s, %(content_hash)s, %(campaign_id)s, %(instrument)s, %(language)s, %(channel)s,
            %(event_id)s, %(entered_by_id)s, %(paper_number)s, %(created_at)s, %(received_at)s)
    RETURNING id
), new_ratings AS (
    INSERT INTO rating (response_id, need_id, importance, top_three)
    SELECT new_response.id, r.need_id, r.importance, r.top_three
    FROM new_response, json_to_recordset(%(ratings)s::json) AS r(need_id integer, importance smallint, top_three boolean)
), new_answers AS (
    INSERT INTO answer (response_id, question, text, language)
    SELECT new_response.id, a.question, a.text, a.language
    FROM new_response, json_to_recordset(%(answers)s::json) AS a(question varchar, text text, language varchar)
), new_profile AS (
    INSERT INTO profile (response_id, place, age_band, race_ethnicity, income_band, primary_language, uninsured,
                         food_insecurity, housing_instability, disability, transportation_barrier)
    SELECT new_response.id, %(place)s, %(age_band)s, %(race_ethnicity)s::json, %(income_band)s,
           %(primary_language)s, %(uninsured)s, %(food_insecurity)s, %(housing_instability)s, %(disability)s,
           %(transportation_barrier)s
    FROM new_response WHERE %(has_profile)s
)
SELECT id FROM new_response
"""


def write_priority_rows(response: dict[str, Any], ratings: list[dict[str, Any]], answers: list[dict[str, Any]],
                        profile: dict[str, Any]) -> int:
    """Insert a response and its rows and commit them; return the response's id.

    ``response`` holds the ``response`` columns; ``ratings`` and ``answers`` their rows
    without ``response_id``; ``profile`` the answered profile columns (empty: no profile row).
    When the request's session has a transaction under way (a sync that looked up its
    field worker, say), the rows join it and the session is committed. Otherwise (a
    resident's answers) they go on a pooled connection of their own, which spares the ORM
    session's bookkeeping around a write it has no part in (about a tenth of such a
    request), on SQLite one writer at a time (see ``SqliteWriters``). On an error nothing
    of the rows is kept; the session is left for the caller to roll back.
    """
    registry = db.session.registry  # a request that has not used the session has none: none is made here
    if registry.has() and registry().in_transaction():
        session = registry()
        conn = session.connection()
        response_id = _insert_rows(conn.dialect, conn.connection, conn.invalidate, False,
                                   response, ratings, answers, profile)
        session.commit()
        return response_id
    engine = db.engine
    dialect = engine.dialect
    try:
        pooled = engine.raw_connection()
    except dialect.loaded_dbapi.Error as error:  # no connection to be had (the server is restarting, say)
        raise _as_sqlalchemy_error(dialect, error, dialect.is_disconnect(error, None, None)) from error
    try:
        with SqliteWriters.one_at_a_time(engine):
            return _insert_rows(dialect, pooled, pooled.invalidate, True, response, ratings, answers, profile)
    finally:
        pooled.close()  # back to the pool, rolled back if anything was left; dropped if invalidated


def _insert_rows(dialect: Dialect, pooled: PoolProxiedConnection, invalidate: Callable[[Exception], None],
                 own_transaction: bool, response, ratings, answers, profile) -> int:
    """Insert the rows on ``pooled``, and commit them when it is ``own_transaction`` (on PostgreSQL,
    one statement is that transaction). A driver error is raised as SQLAlchemy raises it."""
    driver = pooled.driver_connection
    cursor = None
    try:
        cursor = driver.cursor()  # refused by the driver when it already knows the link is gone
        if dialect.name == "postgresql":
            return _insert_in_one_statement(driver, cursor, own_transaction, response, ratings, answers, profile)
        response_id = _insert_on_cursor(dialect, cursor, response, ratings, answers, profile)
        if own_transaction:
            driver.commit()
        return response_id
    except dialect.loaded_dbapi.Error as error:
        disconnected = dialect.is_disconnect(error, pooled.dbapi_connection, cursor)
        if disconnected:
            invalidate(error)
        raise _as_sqlalchemy_error(dialect, error, disconnected) from error
    finally:
        if cursor is not None:
            cursor.close()


def _as_sqlalchemy_error(dialect: Dialect, error: Exception, disconnected: bool) -> DBAPIError:
    """The driver's error as SQLAlchemy raises it: an ``IntegrityError`` for a reused UUID, an
    ``OperationalError`` for a lost or refused connection (``connection_invalidated`` when lost)."""
    return DBAPIError.instance("INSERT (a priority response's rows)", None, error, dialect.loaded_dbapi.Error,
                               connection_invalidated=disconnected, dialect=dialect)


def _insert_on_cursor(dialect: Dialect, cursor, response, ratings, answers, profile) -> int:
    sql, (values,) = _RESPONSE.parameters(dialect, [response])
    cursor.execute(sql, values)
    response_id = cursor.fetchone()[0]
    sql, rows = _RATINGS.parameters(dialect, ({"response_id": response_id, **rating} for rating in ratings))
    cursor.executemany(sql, rows)
    if answers:
        sql, rows = _ANSWERS.parameters(dialect, ({"response_id": response_id, **answer} for answer in answers))
        cursor.executemany(sql, rows)
    if profile:
        row = {column: profile.get(column) for column in PROFILE_COLUMNS} | {"response_id": response_id}
        sql, (values,) = _PROFILE.parameters(dialect, [row])
        cursor.execute(sql, values)
    return response_id


def _insert_in_one_statement(driver, cursor, own_transaction: bool, response, ratings, answers, profile) -> int:
    """Run the one statement; with ``own_transaction``, as a transaction by itself (a statement is
    atomic: no BEGIN and COMMIT round trips are needed around it)."""
    if not own_transaction:
        return _execute_rows_statement(cursor, response, ratings, answers, profile)
    driver.autocommit = True
    try:
        return _execute_rows_statement(cursor, response, ratings, answers, profile)
    finally:
        if driver.info.transaction_status == TransactionStatus.IDLE:  # not when the link broke
            driver.autocommit = False


def _execute_rows_statement(cursor, response, ratings, answers, profile) -> int:
    race_ethnicity = profile.get("race_ethnicity")
    cursor.execute(_POSTGRESQL_ROWS, {
        **response,
        "ratings": json.dumps(ratings, ensure_ascii=False),
        "answers": json.dumps(answers, ensure_ascii=False),
        **{column: profile.get(column) for column in PROFILE_COLUMNS if column != "response_id"},
        "race_ethnicity": None if race_ethnicity is None else json.dumps(race_ethnicity),
        "has_profile": bool(profile),
    })
    return cursor.fetchone()[0]
