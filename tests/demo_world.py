"""The demo data (several branches of every kind of record) behind an app, on SQLite or PostgreSQL.

Generated tests (scoping, hostile input) play its people: every password is TEST_PASSWORD, and one
person of every role but admin has no branch at all ("nobranch.<role>").
"""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from intranet import create_app
from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.demo import seed
from intranet.extensions import db
from tests.conftest import FAST_HASH, TEST_PASSWORD, Client
from tests.databases import PostgresDatabase

BRANCHLESS_ROLES = [Role.MANAGER, Role.RECEPTIONIST, Role.TECHNICIAN, Role.STOREKEEPER]


def demo_world(database: str, tmp_path_factory, prefix: str, **config):
    """Yield an app over a fresh demo database; drop it afterwards."""
    if database == "sqlite":
        url, postgres = f"sqlite:///{tmp_path_factory.mktemp(prefix) / 'demo.sqlite'}", None
    else:
        postgres = PostgresDatabase(prefix=f"intranet_{prefix}")
        url = postgres.url
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": f"{prefix}-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": FAST_HASH,
            **config,
        }
    )
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        seed()
        for role in BRANCHLESS_ROLES:
            db.session.add(User(login=f"nobranch.{role}", name=f"无分站 {role}", role=role, password_hash="x"))
        password_hash = generate_password_hash(TEST_PASSWORD, method=FAST_HASH)
        for user in db.session.scalars(select(User)):
            user.password_hash = password_hash
        db.session.commit()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    if postgres is not None:
        postgres.drop()
