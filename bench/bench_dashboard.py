"""Coalition summary: with 100,000 responses the page renders in < 1 s (the analysis runs beforehand).

100,000 demo-like responses (14 needs, profiles, open answers in eight languages) are
bulk-inserted into a fresh SQLite database; the analysis runs once as ``flask analyze``
would (timed and reported, not held to the page target); then the summary page is
fetched through the test client as a signed-in lead, and the median of several GETs is
held to the target. The page never recomputes: it reads the stored run.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid

from sqlalchemy import insert

TARGET_SECONDS = 1.0


def _bulk_responses(campaign, n: int) -> None:
    """Insert ``n`` responses like the demo's (ratings, profiles, answers) with executemany."""
    from webapp.extensions import db
    from webapp.models import Answer, Profile, Rating, Response, utcnow
    from webapp.services.demo import _demo_events, _load_demo_answers, demo_submission

    needs = {need.key: need.id for need in campaign.needs}
    bank = _load_demo_answers()
    events = _demo_events(campaign)
    now = utcnow()
    for start in range(0, n, 5000):
        batch = [demo_submission(i, 7, list(needs), bank, events, now)[0] for i in range(start, min(n, start + 5000))]
        ids = range(start + 1, start + 1 + len(batch))
        db.session.execute(insert(Response), [
            {"id": rid, "client_uuid": uuid.uuid4(), "content_hash": "0" * 64, "campaign_id": campaign.id,
             "instrument": "priority", "language": s.language, "channel": s.channel, "event_id": s.event_id,
             "created_at": s.created_at, "received_at": now} for rid, s in zip(ids, batch)])
        db.session.execute(insert(Rating), [
            {"response_id": rid, "need_id": needs[key], "importance": value, "top_three": key in s.top_three}
            for rid, s in zip(ids, batch) for key, value in s.ratings.items()])
        profiles = []
        for rid, s in zip(ids, batch):
            if s.profile:
                profiles.append({"response_id": rid, **{k: v for k, v in s.profile.items()}})
        columns = {c.name for c in Profile.__table__.columns}
        db.session.execute(insert(Profile), [{k: v for k, v in p.items() if k in columns} for p in profiles])
        answers = [{"response_id": rid, "question": q, "text": text, "language": lang}
                   for rid, s in zip(ids, batch) for q, (text, lang) in s.answers.items()]
        if answers:
            db.session.execute(insert(Answer), answers)
        db.session.commit()


def run(quick: bool) -> dict:
    """Seed, analyse once, time the summary page; return the figures."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db
    from webapp.services.analysis_runs import run_now
    from webapp.services.demo import seed_demo_campaign

    n, n_bootstrap, gets = (10_000, 100, 5) if quick else (100_000, 1000, 7)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"CHORUS_ENV": "testing", "SECRET_KEY": "bench", "TESTING": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(folder, 'bench.db')}"})
        with app.app_context():
            upgrade()
            campaign, _ = seed_demo_campaign()
            started = time.perf_counter()
            _bulk_responses(campaign, n)
            seed_seconds = time.perf_counter() - started
            started = time.perf_counter()
            result = run_now(campaign, n_bootstrap=n_bootstrap)
            analysis_seconds = time.perf_counter() - started
            if result.status != "done":
                raise RuntimeError(f"the analysis failed: {result.error}")
            themes = result.results["themes"]
            from tests.factories import make_user

            lead = make_user("bench-lead@example.org", "lead", campaigns=[campaign])
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = lead.get_id(), True
            assert client.get("/coalition/demo/summary").status_code == 200  # warm up templates and caches
            times = []
            for emphasis in ("1", "2", "0", "0.5") * 2:
                started = time.perf_counter()
                response = client.get(f"/coalition/demo/summary?emphasis={emphasis}")
                response.get_data()
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            times = times[:gets]
            exports = {}
            for name, url in (("csv_ratings", "/coalition/demo/export.csv?table=ratings"),
                              ("xlsx", "/coalition/demo/export.xlsx")):
                started = time.perf_counter()
                response = client.get(url)
                size = sum(len(chunk) for chunk in response.response)
                response.close()
                exports[name] = (time.perf_counter() - started, size)
            db.session.remove()
            db.engine.dispose()
    median = statistics.median(times)
    note = (f"{n:,} responses x 14 needs, {themes['assigned']:,} open answers in {themes['themes']} themes; "
            f"{n_bootstrap} resamples x 4 emphasis values; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}; "
            f"GETs {', '.join(f'{t:.3f}' for t in times)} s")
    return {
        "summary_page_seconds": {
            "value": round(median, 3), "unit": "s (median GET)",
            "target": f"< {TARGET_SECONDS:g} s with 100,000 responses" + (" (quick run: smaller)" if quick else ""),
            "ok": median < TARGET_SECONDS, "notes": note,
        },
        "analysis_seconds": {"value": round(analysis_seconds, 1), "unit": "s", "target": "reported (off the page)",
                             "ok": None, "notes": "flask analyze: gather, 4 priority reports, weights, themes"},
        **{f"export_{name}_seconds": {
            "value": round(seconds, 1), "unit": "s", "target": "reported (streamed download)", "ok": None,
            "notes": f"{size / 1e6:.1f} MB"} for name, (seconds, size) in exports.items()},
        "seed_seconds": {"value": round(seed_seconds, 1), "unit": "s", "target": "reported", "ok": None},
    }
