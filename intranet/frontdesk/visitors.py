"""The visitor log (来访登记): who came, for whom and why; who is in the building now; signing out.

Of an identity document only its kind and last four characters are ever stored: the service takes
whatever the desk typed and keeps the tail, so a full ID number never reaches the database. Nobody
is signed out silently: at closing time the visitors still in are listed for the desk to sign out.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.auth.models import User
from intranet.db_types import MAX_ID
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk.events import VisitorSignedIn, VisitorSignedOut
from intranet.frontdesk.models import IdKind, Visitor
from intranet.listing import prepared
from intranet.templating import format_moment

_ID_CHARACTERS = re.compile(r"[^0-9A-Za-z]")


def id_tail(number: str) -> str:
    """The last 4 letters or digits of an ID number (spaces and dashes dropped), upper case."""
    return _ID_CHARACTERS.sub("", number or "")[-4:].upper()


@dataclass
class VisitorData:
    name: str
    purpose: str
    host_id: int
    id_kind: str
    id_number: str  # as typed: only its last 4 characters are kept
    company: str = ""
    badge: str = ""


def hosts(branch_id: int) -> list[User]:
    """The people a visitor can come to see: the branch's active staff."""
    return list(
        db.session.scalars(
            select(User).where(User.branch_id == branch_id, User.active.is_(True)).order_by(User.role, User.name)
        )
    )


def sign_in(actor, data: VisitorData, now: datetime) -> Visitor:
    ensure(actor, "desk.work")
    if actor.branch_id is None:
        raise Invalid(_("Visitors are signed in at a branch: sign in with an account of the branch."))
    if not data.name.strip() or not data.purpose.strip():
        raise Invalid(_("Write the visitor's name and the purpose of the visit."))
    if data.id_kind not in set(IdKind):
        raise Invalid(_("Choose the kind of identity document shown."))
    tail = id_tail(data.id_number)
    if len(tail) < 4:
        raise Invalid(_("Check the identity document: type at least its last 4 characters."))
    host = db.session.get(User, data.host_id) if data.host_id and 0 < data.host_id <= MAX_ID else None
    if host is None or host.branch_id != actor.branch_id or not host.active:
        raise Invalid(_("Choose the person visited among the branch's staff."))
    visitor = Visitor(
        branch_id=actor.branch_id,
        name=data.name.strip(),
        company=data.company.strip(),
        purpose=data.purpose.strip(),
        host_id=host.id,
        id_kind=data.id_kind,
        id_last4=tail,
        badge=data.badge.strip(),
        signed_in_at=now,
        signed_in_by_id=actor.id,
    )
    db.session.add(visitor)
    db.session.flush()
    events.publish(VisitorSignedIn(actor, visitor, host, visitor.branch))
    return visitor


def get_visitor(actor, visitor_id: int) -> Visitor:
    return scoping.get(actor, Visitor, visitor_id, "desk.work", options=(joinedload(Visitor.host),))


def sign_out(actor, visitor: Visitor, now: datetime) -> Visitor:
    """Sign a visitor out; a second sign-out (another desk, a double click) is refused, the first time kept."""
    ensure(actor, "desk.work", visitor)
    signed = db.session.execute(
        update(Visitor)
        .where(Visitor.id == visitor.id, Visitor.signed_out_at.is_(None))
        .values(signed_out_at=now, signed_out_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(visitor)
    if signed.rowcount != 1:
        raise Conflict(
            _(
                "%(name)s was already signed out at %(time)s.",
                name=visitor.name,
                time=format_moment(visitor.signed_out_at) if visitor.signed_out_at else "—",
            )
        )
    events.publish(VisitorSignedOut(actor, visitor, visitor.host, visitor.branch))
    return visitor


def in_building(actor, branch_id: int) -> list[Visitor]:
    ensure(actor, "desk.work")
    statement = prepared(
        ("in_building", actor.id, actor.role, actor.branch_id, branch_id),
        lambda: (
            select(Visitor)
            .where(scoping.visible(actor, Visitor), Visitor.branch_id == branch_id, Visitor.signed_out_at.is_(None))
            .options(joinedload(Visitor.host).lazyload(User.branch))
            .order_by(Visitor.signed_in_at)
            .limit(200)
        ),
    )
    return list(db.session.scalars(statement))


class VisitorInside(NamedTuple):
    """A line of the desk's "in the building": the columns it shows."""

    id: int
    name: str
    badge: str
    host: str  # the name of the person visited
    signed_in_at: datetime


def inside_now_statement(actor, branch_id: int):
    """Who is in the building as the desk lists them: the columns of VisitorInside (the desk reads it with its
    other lists)."""
    ensure(actor, "desk.work")
    return prepared(
        ("inside_now", actor.id, actor.role, actor.branch_id, branch_id),
        lambda: (
            select(Visitor.id, Visitor.name, Visitor.badge, User.name, Visitor.signed_in_at)
            .join(User, User.id == Visitor.host_id)
            .where(scoping.visible(actor, Visitor), Visitor.branch_id == branch_id, Visitor.signed_out_at.is_(None))
            .order_by(Visitor.signed_in_at, Visitor.id)
            .limit(200)
        ),
    )


def visitor_register(actor, branch_id: int | None, start: datetime, end: datetime):
    """The visitors signed in from `start` to `end` in the actor's reach (at one branch, or every one), newest first."""
    ensure(actor, "desk.work")
    statement = (
        select(Visitor)
        .where(scoping.visible(actor, Visitor), Visitor.signed_in_at >= start, Visitor.signed_in_at < end)
        .options(joinedload(Visitor.host))
        .order_by(Visitor.signed_in_at.desc(), Visitor.id.desc())
    )
    return statement.where(Visitor.branch_id == branch_id) if branch_id is not None else statement


def visitors_between(actor, branch_id: int, start: datetime, end: datetime) -> list[Visitor]:
    return list(db.session.scalars(visitor_register(actor, branch_id, start, end).limit(500)))


def still_in(branch_id: int) -> list[Visitor]:
    """The visitors of a branch not signed out (for the close-out)."""
    return list(
        db.session.scalars(
            select(Visitor)
            .where(Visitor.branch_id == branch_id, Visitor.signed_out_at.is_(None))
            .order_by(Visitor.signed_in_at)
        )
    )
