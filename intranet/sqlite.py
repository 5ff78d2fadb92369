"""SQLite set up for a web app: real transactions with savepoints, WAL, a busy timeout, foreign keys.

Python's sqlite3 module opens transactions lazily and on its own terms, which breaks SAVEPOINT
(a savepoint opened before any write silently commits on release). SQLAlchemy's documented
remedy: turn the driver's handling off and emit BEGIN ourselves.

Which BEGIN: in WAL mode a transaction that read first and writes later fails at once
(SQLITE_BUSY_SNAPSHOT, no waiting) when another writer committed in between. Our requests only
write on POST, so a POST takes the write lock up front (BEGIN IMMEDIATE: concurrent writers queue
behind busy_timeout) and everything else reads in a plain deferred transaction. Queued tasks read
then write, beside the web server's writers: they too take the lock up front (g.writes_first).
"""

import sqlite3

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute("PRAGMA busy_timeout=5000")  # a second writer waits instead of failing at once
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection):
    if connection.dialect.name == "sqlite":
        writing = (has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")) or (
            has_app_context() and g.get("writes_first", False)  # a queued task (see task_queue.py)
        )
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
