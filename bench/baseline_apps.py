"""The framework's own ceiling, served with the same gunicorn settings as Chorus.

``hello``: a bare Flask "hello world". ``insert``: a bare Flask app that inserts one row
per POST into the same kind of database Chorus uses (SQLAlchemy Core, one table).
``csrf_page``: a bare Flask page that carries a Flask-WTF CSRF token, so also sets the
signed session cookie that holds its other half: what every form page of a Flask app pays
before any work of its own (for reading the survey's GET figure; it has no target).
Run as ``gunicorn 'bench.baseline_apps:hello_app()'``, ``…:insert_app()`` (with
``DATABASE_URL`` set) or ``…:csrf_page_app()`` (with ``SECRET_KEY`` set).
"""
from __future__ import annotations

import os
import uuid

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

metadata = MetaData()
rows = Table("bench_row", metadata, Column("id", Integer, primary_key=True),
             Column("client_uuid", String(36), unique=True), Column("body", String(4000)))


def hello_app() -> Flask:
    app = Flask(__name__)

    @app.route("/")
    def hello():
        return "Hello, World!"

    return app


#: about the compressed size of the survey page, so that both send as many bytes
CSRF_PAGE_FILLER = "<p>" + "x" * 5_000 + "</p>"


def csrf_page_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    CSRFProtect(app)

    @app.route("/")
    def page():
        return f'<form method="post"><input type="hidden" name="csrf_token" value="{generate_csrf()}"></form>' \
               + CSRF_PAGE_FILLER

    return app


def _engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def pragmas(conn, _record):
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA synchronous=NORMAL")

        return engine
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=5)


def insert_app() -> Flask:
    app = Flask(__name__)
    engine = _engine(os.environ["DATABASE_URL"])
    metadata.create_all(engine)
    # gunicorn --preload forks the workers from this process: a pooled connection made here
    # would be shared by them all, and their statements would interleave on one socket
    # ("received 0 results from command 'COMMIT'"); each worker connects for itself.
    engine.dispose()

    @app.route("/", methods=["POST"])
    def add():
        with engine.begin() as conn:
            conn.execute(insert(rows).values(client_uuid=str(uuid.uuid4()), body=request.get_data(as_text=True)[:4000]))
        return "stored", 201

    return app
