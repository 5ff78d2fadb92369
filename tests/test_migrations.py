"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from intranet import create_app
from intranet.extensions import db
from intranet.kb.search.sqlite_fts import is_search_table
from tests.databases import PostgresDatabase


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    database = PostgresDatabase(prefix="intranet_migrations")
    yield database.url
    database.drop()


def include_name(name, type_, parent_names):
    """Tables the models cannot describe (SQLite's full-text index) are not compared."""
    return not (type_ == "table" and is_search_table(name))


def test_upgrade_matches_the_models_and_downgrades_cleanly(empty_database_url):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_sqlite_database_is_created_in_instance_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/instance/intranet.sqlite")


def test_postgres_urls_use_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal/intranet")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.internal/intranet"
    assert create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).dialect.driver == "psycopg"
