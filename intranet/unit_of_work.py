"""A request commits once, here: after its view answered with success; anything else rolls back.

Services flush and never commit; views neither commit nor roll back. A view that wants to show a
form again after a domain error runs the service through `attempt`, whose savepoint undoes the
service's half-done work while the request goes on. CLI commands and background tasks wrap their
work in `transaction()`, the same rule outside a request. Work that must only happen once the data
is safely stored (a counter, handing a task to the queue) is queued with `after_commit`.
"""

from collections.abc import Callable
from contextlib import contextmanager

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from intranet.errors import DomainError
from intranet.extensions import db


class TransactionalFlask(Flask):
    """Flask whose every view runs in one transaction: committed after a 1xx-3xx answer, else rolled back.

    The commit happens inside dispatch, so a failing commit (a unique key raced by a twin request)
    reaches the app's error handlers like any other error instead of becoming a bare 500.
    """

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        if response.status_code < 400 or g.pop("keep_despite_error", False):
            if has_written(db.session()):
                db.session.commit()
            else:
                _end_reading()
            _run_after_commit()
        else:
            db.session.rollback()
        return response


def _end_reading() -> None:
    """End a read-only request's transaction with a COMMIT, keeping the objects the page loaded.

    Not left to the session's close at teardown: that ends it with a ROLLBACK, after which psycopg
    forgets every statement it prepared on the connection, so PostgreSQL would parse and plan each
    of the next request's statements again (a third of its work on the desk page)."""
    session = db.session()
    if not session.in_transaction():
        return
    session.expire_on_commit = False  # after_request hooks still read the user the page loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if not state.is_select:  # an UPDATE, DELETE, INSERT or text(): counted as a write
        state.session.info["wrote"] = True


def has_written(session) -> bool:
    """Whether the request changed anything: flushed, executed a statement other than a SELECT, or holds
    objects added, changed or deleted and not yet flushed."""
    return bool(session.info.get("wrote") or session.new or session.dirty or session.deleted)


@contextmanager
def transaction():
    """Outside a request (flask commands, tasks): commit the block's work, or roll it all back.

    The block is meant to write: on SQLite its transaction takes the write lock up front (sqlite.py),
    so a read-then-write beside the web server's or the queue's writers waits instead of failing."""
    writes_first = g.get("writes_first", False)
    g.writes_first = True
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        g.pop("after_commit", None)
        raise
    finally:
        g.writes_first = writes_first
    _run_after_commit()


def attempt(form, action: Callable):
    """Run a service call in a savepoint; a domain error undoes it and becomes the form's message.

    Returns the call's result, or None after an error, so the view shows the form again (with the
    error's status, see forms.form_status) while nothing of the failed attempt is kept.
    """
    try:
        with db.session.begin_nested():
            return action()
    except DomainError as error:
        form.form_errors.append(error.message)
        form.error_status = error.status_code
        return None


def keep_despite_error() -> None:
    """The answer will be an error, but what the request recorded stands (a failed sign-in counts)."""
    g.keep_despite_error = True


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's (or transaction's) data is committed; dropped on rollback."""
    g.setdefault("after_commit", []).append(callback)


def after_commit_once(callback: Callable[[], None]) -> None:
    """`after_commit`, unless this very callback is already waiting for the same commit."""
    if callback not in g.get("after_commit", []):
        after_commit(callback)


def _run_after_commit() -> None:
    if not has_app_context():
        return
    for callback in g.pop("after_commit", []):
        try:
            callback()
            db.session.commit()
        except Exception:  # follow-up work is best effort: the request's own data is already safe
            db.session.rollback()
            current_app.logger.exception("work after commit failed")
