"""Backend-specific connection settings: SQLite's checkpoints kept off the request path and its
writers queued, database servers' idle connections checked before use, and a broken link never
turned into a 500."""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from time import monotonic

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError

from webapp.extensions import db

log = logging.getLogger(__name__)

#: Pages the write-ahead log may hold before a commit checkpoints it itself (SQLite's default is
#: 1,000). The background checkpointer keeps it far below this; the limit is the backstop.
WAL_BACKSTOP_PAGES = 8000
#: How often the background checkpointer copies the log into the database.
CHECKPOINT_INTERVAL_SECONDS = 0.25
#: Past this many pages the checkpointer also restarts the log from its beginning. Under steady
#: writes some connection is nearly always inside a transaction, and SQLite starts the log over
#: only when none is: without a restart the log grows to the backstop and every commit checkpoints.
RESTART_PAGES = 1000
#: How long a restart may hold up new writers while the transactions under way finish.
RESTART_WAIT_MS = 100


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, a busy timeout for writers, and enforced foreign keys."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
    path = cursor.execute("PRAGMA database_list").fetchone()[2]
    cursor.close()
    if path:  # not an in-memory database
        WalCheckpointer.ensure_running(os.path.realpath(path))


class WalCheckpointer(threading.Thread):
    """Copies a SQLite database's write-ahead log into the database from a background thread.

    Left to itself, SQLite checkpoints inside the commit that fills the log past its limit:
    that one resident waits while pages are copied and the disk is synced twice (tens of
    milliseconds on a slow disk), and the worker serves nobody meanwhile. Here one daemon
    thread per process and database does it every ``CHECKPOINT_INTERVAL_SECONDS`` with a
    PASSIVE checkpoint, which never waits for, nor holds up, readers and writers, and
    restarts the log once it is long (see ``RESTART_PAGES``); the sqlite3 module lets
    other threads run while SQLite works and syncs. Stopping (the
    engine disposed, the file gone) ends the thread; the next connection starts another.
    """

    _running: dict[tuple[int, str], WalCheckpointer] = {}
    _lock = threading.Lock()

    def __init__(self, path: str):
        super().__init__(name=f"wal-checkpointer {os.path.basename(path)}", daemon=True)
        self.path = path
        self.stopped = threading.Event()

    @classmethod
    def ensure_running(cls, path: str) -> None:
        """Start the checkpointer of ``path`` in this process unless it runs already."""
        key = (os.getpid(), path)  # threads are not inherited by a fork (see _forget_after_fork)
        with cls._lock:
            running = cls._running.get(key)
            if running is not None and running.is_alive() and not running.stopped.is_set():
                return
            cls._running[key] = checkpointer = cls(path)
        checkpointer.start()

    @classmethod
    def stop_all(cls, path: str | None = None) -> None:
        """Stop this process's checkpointers (of ``path`` only, when given)."""
        with cls._lock:
            for (pid, running_path), checkpointer in list(cls._running.items()):
                if pid == os.getpid() and path in (None, running_path):
                    checkpointer.stopped.set()
                    del cls._running[(pid, running_path)]

    @classmethod
    def _forget_after_fork(cls) -> None:
        """In a forked child: no checkpointer thread came along, and the lock may have been held
        by one of the parent's threads at the fork."""
        cls._lock = threading.Lock()
        cls._running = {}

    def run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            connection.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
            while not self.stopped.wait(CHECKPOINT_INTERVAL_SECONDS):
                if not os.path.exists(self.path):
                    break
                busy, pages, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if not busy and pages >= RESTART_PAGES:
                    connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        except sqlite3.Error as error:  # the commits' own checkpoints take over
            log.warning("background checkpoints of %s stopped: %s", self.path, error)
        finally:
            connection.close()


os.register_at_fork(after_in_child=WalCheckpointer._forget_after_fork)


def _stop_checkpointer(engine: Engine) -> None:
    """engine_disposed: the engine's database may be about to go away (tests, restores)."""
    if engine.url.database:
        WalCheckpointer.stop_all(os.path.realpath(engine.url.database))


class SqliteWriters:
    """One writer at a time per SQLite database on this host, queued by the kernel.

    A writer that finds an SQLite database locked sleeps and tries again (1, 2, 5, 10… ms,
    SQLite's busy handler), though the lock it waits for is held for well under a
    millisecond. Under a rush, two workers storing residents' answers keep finding each
    other's lock: each collision costs a sleep many times longer than the write, with the
    CPUs idle meanwhile. Writers that take this lock first wait in ``flock`` instead, which
    hands the lock to the next one the moment it is released. (The ``filelock`` package
    polls with sleeps, which is what this avoids.) SQLite's own locking still decides
    everything; a writer that does not take this lock only waits as before.

    The lock is an exclusive ``flock`` on a file beside the database, opened once per process
    (an open file is shared across a fork, and so would be its lock), and a thread lock for
    the threads of one process. Hold it only around a short write that starts with no SQLite
    lock held: a writer holding one while it waits here could wait for itself.
    """

    _files: dict[str, int | None] = {}  #: database path as given -> this process's open lock file (None: none)
    _threads = threading.Lock()

    @classmethod
    @contextlib.contextmanager
    def one_at_a_time(cls, engine: Engine) -> Iterator[None]:
        """Hold the writer lock of ``engine``'s database (nothing to hold for a server or in memory)."""
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        if not path or path == ":memory:":
            yield
            return
        with cls._threads:
            lock_file = cls._lock_file(path)
            if lock_file is None:
                yield
                return
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    @classmethod
    def _lock_file(cls, path: str) -> int | None:
        if path not in cls._files:
            try:
                cls._files[path] = os.open(f"{os.path.realpath(path)}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as error:  # a read-only folder, say: SQLite's busy handler does the waiting
                log.warning("no writer lock beside %s: %s", path, error)
                cls._files[path] = None
        return cls._files[path]

    @classmethod
    def _forget_after_fork(cls) -> None:
        """In a forked child: the parent's lock files stay the parent's, and the thread lock may have
        been held by one of its threads at the fork."""
        for lock_file in cls._files.values():
            if lock_file is not None:
                os.close(lock_file)
        cls._files = {}
        cls._threads = threading.Lock()


os.register_at_fork(after_in_child=SqliteWriters._forget_after_fork)


#: A pooled server connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 10.0


def ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection before use when it sat idle long enough to have been closed.

    A server restart or an idle timeout closes pooled connections without the pool knowing.
    ``pool_pre_ping`` would find out with a round trip before every use, which on the busiest
    path (one statement per response) would double the round trips. A connection used
    moments ago is alive in practice; one idle for ``PING_AFTER_IDLE_SECONDS`` is pinged,
    and if the ping fails the pool drops it and connects afresh. A connection that dies in
    between fails its statement: SQLAlchemy then drops every connection of the pool, and the
    resident is asked to send again (nothing is stored twice: see ``submissions``).
    """
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection, record) -> None:
        record.info["idle_since"] = monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is not None and monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection was closed") from error


#: engines already given ``fresh_pool_after_fork`` (held weakly)
_FRESH_AFTER_FORK: weakref.WeakSet = weakref.WeakSet()


def fresh_pool_after_fork(engine: Engine) -> None:
    """Give a forked process (a worker of ``gunicorn --preload``) an empty pool of its own.

    A connection pooled before the fork would be shared by every worker: their statements
    would interleave on one socket or one SQLite handle (seen in the benchmark's bare-insert
    app: "received 0 results from command 'COMMIT'"). The child forgets the inherited pool
    without closing its connections, which still belong to the parent (SQLAlchemy's advice
    for ``os.fork()``); the engine is held weakly, so apps made and dropped (tests) go away.
    """
    if engine in _FRESH_AFTER_FORK:
        return
    _FRESH_AFTER_FORK.add(engine)
    engine_ref = weakref.ref(engine)

    def forget_inherited_connections() -> None:
        inherited = engine_ref()
        if inherited is not None:
            inherited.dispose(close=False)

    os.register_at_fork(after_in_child=forget_inherited_connections)


def _end_transaction(end) -> None:
    """Run ``end`` (a rollback, or closing the session); when it fails because the link to the
    database broke under it (a server restart), SQLAlchemy has dropped the connection, and
    running ``end`` again finishes without a word to the server."""
    try:
        end()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("the database link broke as a transaction ended: %s", error.__class__.__name__)
        end()


def rollback_or_drop() -> None:
    """Roll back the request's session, even when the link to the database broke."""
    _end_transaction(db.session.rollback)


def _release_session(_error) -> None:
    """teardown: end the request's session before Flask-SQLAlchemy's own teardown does.

    Ending it rolls back over the network; when the server went away after the response was
    made, that rollback fails in the teardown, and gunicorn would answer 500 in place of the
    response (seen under a database restart).
    """
    if db.session.registry.has():
        _end_transaction(db.session.remove)


def init_database(app: Flask) -> None:
    """Attach the SQLite pragmas and the checkpointer, or the idle-connection ping, to the engine,
    and end each request's session without failing it (teardowns run last registered first)."""
    app.teardown_appcontext(_release_session)
    with app.app_context():
        engine: Engine = db.engine
        fresh_pool_after_fork(engine)
        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            ping_idle_connections(engine)
        elif not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "engine_disposed", _stop_checkpointer)
