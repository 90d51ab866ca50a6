"""The demo: the County Health Rankings need list in eight languages, and a few hundred sample answers."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Answer, Campaign, Response


def test_seed_demo_is_idempotent(runner, app):
    first = runner.invoke(args=["seed-demo", "--responses", "40"])
    second = runner.invoke(args=["seed-demo", "--responses", "40"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "40 added" in first.output and "0 added, 40 already there" in second.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert db.session.scalar(select(func.count()).select_from(Response)) == 40


def test_demo_has_every_need_in_all_eight_languages(demo):
    assert len(demo.needs) == 14
    assert all(set(need.texts) == set(demo.languages) for need in demo.needs)
    assert len(demo.languages) == 8


def test_sample_answers_are_multilingual_and_written_in_the_response_language(runner, app):
    runner.invoke(args=["seed-demo", "--responses", "200"])
    languages = dict(db.session.execute(select(Response.language, func.count()).group_by(Response.language)).all())
    assert len(languages) >= 6 and languages["en"] < 150
    mismatched = db.session.scalar(
        select(func.count()).select_from(Answer).join(Response).where(Answer.language != Response.language))
    assert mismatched == 0
    channels = {c for (c,) in db.session.execute(select(Response.channel).distinct())}
    assert channels == {"web", "field", "paper"}
