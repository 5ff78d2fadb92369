"""Exactly once for every offline-capable POST: the one place that fingerprints, stores, replays, refuses.

A form opts in with a hidden `client_id` (a UUID the browser makes when the form opens) and its POST
view with @idempotent. Services never look a client_id up.

- First time: the key is stored before the view runs (a twin racing it waits on the unique key, then
  finds it), and the view's successful answer is stored with it in the same transaction. A refused
  attempt (4xx, an error) rolls the key back too, so the corrected form sent again is new.
- The same key with the same content (a retry after a lost answer, a replay from the outbox, two
  copies racing): the original answer, a 303 to where it led, marked `Idempotent-Replayed: true`.
- The same key with different content (a draft sent from two tabs, then edited): 409 Conflict.

The fingerprint is decided here once and mirrored by the outbox (static/js/outbox.js, `entriesOf`):
the path, then every field but csrf_token sorted by name (repeated names keep the order sent, line
ends as LF), then the bytes of every file that has a name or content. A file input left empty is sent
by the browser as an empty part with filename=""; it counts as absent, as the outbox stores no such file.
"""

import hashlib
import re
from functools import wraps

from flask import make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intranet.errorhandlers import error_response
from intranet.extensions import db
from intranet.offline.models import Submission

CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
IGNORED_FIELDS = {"csrf_token"}


def _field_part(name: str, value: str) -> bytes:
    return f"{name}\x00{value.replace(chr(13) + chr(10), chr(10))}\x00".encode()


def request_fingerprint() -> str:
    """SHA-256 of what was submitted, the same for every copy of one submission (see the module's rules)."""
    digest = hashlib.sha256(request.path.encode() + b"\x00")
    for name in sorted(request.form.keys()):
        if name in IGNORED_FIELDS:
            continue
        for value in request.form.getlist(name):
            digest.update(_field_part(name, value))
    for name in sorted(request.files.keys()):
        for storage in request.files.getlist(name):
            data = storage.stream.read()
            storage.stream.seek(0)
            if not storage.filename and not data:
                continue  # an empty file input: absent, as in the outbox's copy
            digest.update(f"{name}\x00".encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def submitted_key() -> str | None:
    """The request's client_id if it is a well-formed one."""
    key = (request.form.get("client_id") or "").strip().lower()
    return key if CLIENT_ID.match(key) else None


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
    """Make a POST view exactly-once per client_id (GET passes through)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        key = submitted_key()
        if key is None:
            return error_response(422, _("The form's id is damaged; reload the page."))
        fingerprint = request_fingerprint()
        stored = _stored(key)
        if stored is not None:
            return _answer_for(stored, fingerprint)
        submission = Submission(
            user_id=current_user.id, key=key, endpoint=request.endpoint or "", fingerprint=fingerprint, result_url=""
        )
        try:
            with db.session.begin_nested():
                db.session.add(submission)
                db.session.flush()
        except IntegrityError:
            # A twin of this request stored the key first: answer as it was answered.
            stored = _stored(key)
            if stored is None:
                raise
            return _answer_for(stored, fingerprint)
        response = make_response(view(*args, **kwargs))
        if response.status_code < 400:
            submission.result_url = response.location or url_for("main.index")
            db.session.flush()
        return response

    wrapper.idempotent = True  # tests find the offline-capable routes by it
    return wrapper
