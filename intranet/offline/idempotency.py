"""One helper for every offline-capable POST: the browser's client_id makes it exactly-once.

- The same key with the same content again (a retry after a lost answer, a replay from the outbox,
  two copies racing): the original result, marked `Idempotent-Replayed: true`, never a duplicate.
- The same key with different content (a draft sent from two tabs, then edited): 409 Conflict.

A view opts in with @idempotent and calls remember_result(url) before it commits its change, so
the key and the change are stored in one transaction.
"""

import hashlib
import re
from functools import wraps

from flask import g, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intranet.errorhandlers import error_response
from intranet.extensions import db
from intranet.offline.models import Submission

CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
IGNORED_FIELDS = {"csrf_token"}


def request_fingerprint() -> str:
    """SHA-256 over the address, the submitted fields (not the CSRF token) and the bytes of every file."""
    digest = hashlib.sha256(request.path.encode() + b"\x00")
    for name in sorted(request.form.keys()):
        if name in IGNORED_FIELDS:
            continue
        for value in request.form.getlist(name):
            digest.update(f"{name}\x00{value}\x00".encode())
    for name in sorted(request.files.keys()):
        for storage in request.files.getlist(name):
            data = storage.stream.read()
            storage.stream.seek(0)
            digest.update(f"{name}\x00".encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _stored(key: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.user_id == current_user.id, Submission.key == key))


def _answer_for(stored: Submission, fingerprint: str):
    if stored.fingerprint != fingerprint:
        return error_response(
            409,
            _(
                "This form was already sent with different content (from another tab or device?). "
                "Open it again to see what was saved."
            ),
        )
    response = redirect(stored.result_url, code=303)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = (request.form.get("client_id") or "").lower()
        if request.method != "POST" or not CLIENT_ID.match(key):
            return view(*args, **kwargs)
        fingerprint = request_fingerprint()
        stored = _stored(key)
        if stored is not None:
            return _answer_for(stored, fingerprint)
        g.pending_submission = (key, fingerprint)
        try:
            return view(*args, **kwargs)
        except IntegrityError:
            # A twin of this request committed first: answer as it was answered.
            db.session.rollback()
            stored = _stored(key)
            if stored is None:
                raise
            return _answer_for(stored, fingerprint)

    return wrapper


def remember_result(result_url: str) -> None:
    """Store the key with the result, in the transaction the view is about to commit."""
    pending = g.pop("pending_submission", None)
    if pending is None:
        return
    key, fingerprint = pending
    db.session.add(
        Submission(
            user_id=current_user.id,
            key=key,
            endpoint=request.endpoint or "",
            fingerprint=fingerprint,
            result_url=result_url,
        )
    )
    db.session.flush()
