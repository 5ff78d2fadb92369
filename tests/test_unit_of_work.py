"""A request's one transaction: how it ends, seen from the database connection."""

import pytest
from sqlalchemy import event

from intranet.access.roles import Role
from intranet.extensions import db


@pytest.fixture
def endings(app):
    """How each transaction on the app's engine ended, in order: "commit" or "rollback"."""
    seen = []

    def on_commit(_connection):
        seen.append("commit")

    def on_rollback(_connection):
        seen.append("rollback")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield seen
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)


def test_a_page_that_only_reads_ends_its_transaction_with_a_commit(client, make_user, endings):
    # On PostgreSQL a rollback makes psycopg forget the statements it prepared on the connection:
    # every following page would be parsed and planned again (about a third of PostgreSQL's work).
    client.login(make_user(Role.TECHNICIAN))
    endings.clear()
    with client.application.app_context():
        assert client.get("/today").status_code == 200
        assert endings == ["commit"]


def test_a_refused_request_rolls_back_what_it_did(client, make_user, endings):
    client.login(make_user(Role.TECHNICIAN))
    endings.clear()
    with client.application.app_context():
        assert client.get("/customers/999999999").status_code in (403, 404)
        assert "commit" not in endings
