"""A forked worker (gunicorn --preload) never uses a database connection its parent pooled."""
from __future__ import annotations

import json
import os

from sqlalchemy import text

from webapp.database import WalCheckpointer
from webapp.extensions import db


def _identity(connection, backend: str):
    """Which connection this is, as the database sees it (PostgreSQL) or as Python does (SQLite)."""
    if backend == "postgresql":
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return id(connection.connection.dbapi_connection)


def _in_a_fork(report) -> dict:
    """Run ``report()`` in a forked child; return what it returned (JSON over a pipe)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.write(write_end, json.dumps(report()).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        body = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child failed"
    return json.loads(body)


def test_a_forked_process_starts_with_an_empty_pool_and_connects_for_itself(app, backend):
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            parent = _identity(connection, backend)
        assert engine.pool.checkedin() == 1  # pooled, as it would be in a --preload master

        def child():
            pooled_at_start = db.engine.pool.checkedin()
            with db.engine.connect() as connection:
                return {"pooled_at_start": pooled_at_start, "identity": _identity(connection, backend),
                        "works": connection.execute(text("SELECT 1")).scalar_one()}

        seen = _in_a_fork(child)
        assert seen["pooled_at_start"] == 0
        assert seen["works"] == 1
        if backend == "postgresql":
            assert seen["identity"] != parent  # its own server session
        with engine.connect() as connection:  # the parent's connection was left alone
            assert _identity(connection, backend) == parent
            assert connection.execute(text("SELECT 1")).scalar_one() == 1


def test_a_forked_process_forgets_the_parents_checkpointers_and_their_lock(monkeypatch):
    parents = {(os.getpid(), "/srv/chorus.db"): WalCheckpointer("/srv/chorus.db")}  # never started
    monkeypatch.setattr(WalCheckpointer, "_running", parents)
    WalCheckpointer._lock.acquire()  # as if one of the parent's threads held it at the fork
    try:
        seen = _in_a_fork(lambda: {"locked": WalCheckpointer._lock.locked(), "running": len(WalCheckpointer._running)})
    finally:
        WalCheckpointer._lock.release()
    assert seen == {"locked": False, "running": 0}
