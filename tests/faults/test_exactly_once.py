"""Exactly-once under faults: workers killed mid-request, the database restarted, retries and replays.

Every acknowledged response (a redirect to the thank-you page) must be stored exactly
once, whatever happened around it; nothing unacknowledged may be stored twice either.
"""
from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.faults.conftest import BACKENDS, POSTGRES_ONLY, FieldDevice, SurveyClient, WorkerKiller, create_account

pytestmark = pytest.mark.slow

#: CHORUS_FAULT_SUBMISSIONS may shrink it while developing; CI runs the full number
SUBMISSIONS = int(os.environ.get("CHORUS_FAULT_SUBMISSIONS", 5000))
REPLAYED_SHARE = 0.30
CLIENTS = 16
#: field items synced in batches of 25 while workers are killed
FIELD_ITEMS = int(os.environ.get("CHORUS_FAULT_FIELD_ITEMS", 1000))


def stored_uuids(database_url: str) -> list[str]:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            rows = conn.execute("SELECT client_uuid FROM response").fetchall()
        return [str(uuid.UUID(row[0])) for row in rows]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [str(row[0]) for row in conn.execute("SELECT client_uuid FROM response")]


def run_clients(client: SurveyClient, submissions: int, seed: int) -> tuple[set[str], set[str], int]:
    """Submit ``submissions`` responses from concurrent clients; 30% are sent again after acknowledgement.

    Returns (every UUID sent, the acknowledged ones, replays that were not acknowledged).
    """
    rng = random.Random(seed)
    plan = [(str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.random() < REPLAYED_SHARE,
             rng.randint(1, 5)) for _ in range(submissions)]
    acknowledged: set[str] = set()
    unacknowledged_replays = 0
    lock = threading.Lock()

    def one(item):
        nonlocal unacknowledged_replays
        client_uuid, replay, importance = item
        ok = client.submit(client_uuid, importance)
        again = client.submit(client_uuid, importance) if (ok and replay) else True
        with lock:
            if ok:
                acknowledged.add(client_uuid)
            if not again:
                unacknowledged_replays += 1

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(one, plan))
    return {p[0] for p in plan}, acknowledged, unacknowledged_replays


def assert_exactly_once(database_url: str, sent: set[str], acknowledged: set[str]) -> None:
    stored = stored_uuids(database_url)
    assert len(stored) == len(set(stored)), "a response was stored twice"
    assert acknowledged <= set(stored), f"{len(acknowledged - set(stored))} acknowledged responses were lost"
    assert set(stored) <= sent, "the database holds a response nobody sent"


@pytest.mark.parametrize("served_chorus", BACKENDS, indirect=True)
def test_acknowledged_responses_survive_killed_workers_exactly_once(served_chorus):
    url, master_pid, database_url, _backend = served_chorus
    client = SurveyClient(url)
    killer = WorkerKiller(master_pid, interval=1.0)
    killer.start()
    try:
        sent, acknowledged, lost_replays = run_clients(client, SUBMISSIONS, seed=1)
    finally:
        killer.stopped.set()
        killer.join()
    assert killer.kills >= 5, "the test did not kill enough workers to mean anything"
    assert len(acknowledged) == SUBMISSIONS and lost_replays == 0, client.statuses
    assert_exactly_once(database_url, sent, acknowledged)
    assert 500 not in client.statuses, client.statuses



@pytest.mark.parametrize("served_chorus", BACKENDS, indirect=True)
def test_field_queues_synced_while_workers_are_killed_are_stored_exactly_once(served_chorus):
    url, master_pid, database_url, _backend = served_chorus
    create_account(database_url, "worker@example.org", "a field worker's passphrase", "outreach", "demo")
    device = FieldDevice(url, "worker@example.org", "a field worker's passphrase")
    rng = random.Random(4)
    queue = [device.item(str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.randint(1, 5))
             for _ in range(FIELD_ITEMS)]
    batches = [queue[i:i + 25] for i in range(0, len(queue), 25)]
    replays = rng.sample(batches, k=int(len(batches) * REPLAYED_SHARE))  # a phone that sent its queue again
    killer = WorkerKiller(master_pid, interval=0.5)
    killer.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(device.sync_until_confirmed, batches + replays))
    finally:
        killer.stopped.set()
        killer.join()
    assert killer.kills >= 2, "the test did not kill enough workers to mean anything"
    assert all(len(statuses) == 25 for statuses in answers), "a batch was never confirmed"
    assert {s for statuses in answers for s in statuses} <= {"stored", "duplicate"}
    # a response stored by a request whose answer was cut off is confirmed later as a duplicate
    assert sum(statuses.count("stored") for statuses in answers) <= FIELD_ITEMS
    assert sorted(stored_uuids(database_url)) == sorted(item["uuid"] for item in queue)  # each once, none lost


def restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
                   check=True, capture_output=True, timeout=120)


@pytest.mark.restarts_postgres
@pytest.mark.parametrize("served_chorus", POSTGRES_ONLY, indirect=True)
def test_acknowledged_responses_survive_a_database_restart_exactly_once(served_chorus):
    url, _master_pid, database_url, _backend = served_chorus
    client = SurveyClient(url)
    results = {}
    worker = threading.Thread(target=lambda: results.update(zip(("sent", "ack", "lost"),
                                                                run_clients(client, 1500, seed=2))))
    worker.start()
    time.sleep(2)
    restart_postgres()
    worker.join()
    assert len(results["ack"]) == 1500 and results["lost"] == 0, client.statuses
    assert_exactly_once(database_url, results["sent"], results["ack"])
    assert 500 not in client.statuses, client.statuses


@pytest.mark.workers(4)
@pytest.mark.parametrize("served_chorus", ["sqlite"], indirect=True)
def test_sqlite_with_four_workers_writing_at_once_never_reports_locked(served_chorus, request):
    url, _master_pid, database_url, _backend = served_chorus
    client = SurveyClient(url)
    sent, acknowledged, _lost = run_clients(client, 2000, seed=3)
    assert client.statuses == {302: client.statuses[302]}, client.statuses  # no 503, no 500, no retry needed
    assert_exactly_once(database_url, sent, acknowledged)
