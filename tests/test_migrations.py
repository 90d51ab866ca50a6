"""The schema changes only through Alembic: models and migrations must agree, both ways."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import BACKENDS, create_postgres_database, drop_postgres_database, make_app, scratch_name
from webapp.extensions import db

SCRATCH_DATABASE = scratch_name("chorus_migration_check")


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """A brand-new, empty database (not the one the other tests share)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    yield create_postgres_database(SCRATCH_DATABASE)
    drop_postgres_database(SCRATCH_DATABASE)


def pending_changes(engine) -> list:
    """What autogenerate would still write: empty when the migrations match the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        assert pending_changes(db.engine) == []
        db.engine.dispose()


def test_upgrade_downgrade_to_base_and_upgrade_again(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"campaign", "need", "response", "rating", "answer", "profile"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
        db.engine.dispose()


def test_rebuilding_the_response_table_keeps_every_row_and_a_deleted_id_is_never_given_again(empty_database):
    from sqlalchemy import func, select

    from tests.factories import make_campaign, make_priority_response
    from webapp.models import Answer, Profile, Rating, Response
    from webapp.services.data_protection import delete_response

    def counts():
        return [db.session.scalar(select(func.count()).select_from(model)) for model in (Response, Rating, Answer, Profile)]

    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        campaign = make_campaign(slug="kept")
        for i in range(3):
            make_priority_response(campaign, {"housing": 4, "food": 2}, profile={"age_band": "18_24"},
                                   answers={"barrier": (f"answer {i}", "en")})
        before = counts()
        assert before == [3, 6, 3, 3]
        db.session.remove()
        downgrade(revision="0013_meeting_language")  # on SQLite, the table rebuilt both ways, foreign keys and all
        upgrade()
        assert counts() == before
        newest = db.session.scalar(select(func.max(Response.id)))
        delete_response(newest, actor=None)
        db.session.commit()
        assert counts() == [2, 4, 2, 2]  # its rows went with it, as before the rebuild
        later = make_priority_response(db.session.merge(campaign), {"housing": 1, "food": 1})
        assert later.id > newest  # the audit trail's "response <id> deleted" names only the one deleted
        db.session.remove()
        db.engine.dispose()
