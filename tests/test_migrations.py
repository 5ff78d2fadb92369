"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, create_engine, inspect, text

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


def check_constraints_of(metadata) -> set[tuple[str, str]]:
    return {
        (table.name, constraint.name)
        for table in metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }


def check_constraints_in(engine) -> set[tuple[str, str]]:
    inspector = inspect(engine)
    return {
        (table, constraint["name"])
        for table in inspector.get_table_names()
        if table != "alembic_version" and not is_search_table(table)
        for constraint in inspector.get_check_constraints(table)
    }


def test_upgrade_matches_the_models_and_downgrades_cleanly(empty_database_url):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            assert compare_metadata(context, db.metadata) == []
        # Alembic's comparison leaves CHECK constraints out: the rules the database itself keeps.
        assert check_constraints_in(db.engine) == check_constraints_of(db.metadata)
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_the_migrated_sqlite_search_table_is_the_one_the_search_code_expects(tmp_path):
    """Migration 0007 writes its FTS5 table out instead of importing it: both must still agree."""

    def search_tables(engine):
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'kb_fts%'"))
            return dict(rows.all())

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite'}"})
    with app.app_context():
        upgrade()
        migrated = search_tables(db.engine)
        db.engine.dispose()
    created = create_engine(f"sqlite:///{tmp_path / 'created.sqlite'}")
    db.metadata.create_all(created)
    assert "kb_fts" in migrated
    assert migrated == search_tables(created)
    created.dispose()


def test_sqlite_database_is_created_in_instance_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/instance/intranet.sqlite")


def test_postgres_urls_use_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal/intranet")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.internal/intranet"
    assert create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).dialect.driver == "psycopg"
