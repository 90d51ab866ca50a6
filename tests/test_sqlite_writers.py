"""SQLite writers on one host queue for a lock the kernel hands on, across processes and threads."""
from __future__ import annotations

import os
import threading

from sqlalchemy import create_engine

from webapp.database import SqliteWriters

WAIT = 5.0  #: seconds a test waits for something that should happen at once


def test_a_writer_in_another_process_waits_until_the_first_lets_go(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'chorus.db'}")
    with SqliteWriters.one_at_a_time(engine):  # the parent opens its lock file before forking, as a preloading master may
        pass
    held, release = os.pipe(), os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: takes the lock, says so, holds it until told to let go
        status = 1
        try:
            with SqliteWriters.one_at_a_time(engine):
                os.write(held[1], b"x")
                os.read(release[0], 1)
            status = 0
        finally:
            os._exit(status)
    try:
        assert os.read(held[0], 1) == b"x"
        acquired = threading.Event()

        def parent_writer():
            with SqliteWriters.one_at_a_time(engine):
                acquired.set()

        waiting = threading.Thread(target=parent_writer, daemon=True)
        waiting.start()
        assert not acquired.wait(0.3)  # the child's lock holds the parent off, though the parent's file came first
        os.write(release[1], b"x")
        assert acquired.wait(WAIT)
        waiting.join(WAIT)
    finally:
        os.write(release[1], b"x")  # never leave the child waiting
        _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_threads_of_one_process_take_turns(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'chorus.db'}")
    inside, most = [0], [0]
    guard = threading.Lock()

    def write():
        for _ in range(200):
            with SqliteWriters.one_at_a_time(engine):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert most[0] == 1


def test_nothing_is_locked_for_a_database_in_memory_or_when_the_lock_file_cannot_be_opened(tmp_path, caplog):
    with SqliteWriters.one_at_a_time(create_engine("sqlite://")):
        pass
    (tmp_path / "chorus.db-writer.lock").mkdir()  # in its place, something that cannot be opened for writing
    engine = create_engine(f"sqlite:///{tmp_path / 'chorus.db'}")
    for _ in range(2):
        with SqliteWriters.one_at_a_time(engine):  # the write goes ahead; SQLite's busy handler does the waiting
            pass
    assert [record.getMessage().startswith("no writer lock beside") for record in caplog.records] == [True]
