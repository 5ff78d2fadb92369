"""Test databases: a throwaway SQLite file, and a PostgreSQL database created and dropped per run."""

import os
import uuid

import psycopg
from sqlalchemy.engine import make_url

# The maintenance database of the server the test databases are created on.
POSTGRES_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _plain(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresDatabase:
    """A fresh database on the test server. If the server cannot be reached this raises: no silent skip."""

    def __init__(self, prefix: str = "intranet_test"):
        self.admin_url = make_url(POSTGRES_ADMIN_URL)
        self.name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        try:
            self._admin = psycopg.connect(_plain(self.admin_url), autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            raise RuntimeError(
                f"PostgreSQL is required by the test suite and could not be reached at {POSTGRES_ADMIN_URL!r} "
                "(set TEST_DATABASE_URL, or start the server: see .ci/run)"
            ) from error
        self._admin.execute(f'CREATE DATABASE "{self.name}"')
        self.url = _plain(self.admin_url.set(database=self.name))

    def drop(self) -> None:
        self._admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (self.name,),
        )
        self._admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._admin.close()
