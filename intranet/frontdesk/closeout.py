"""The day's close-out (站长留言本): what is still open when a branch's day ends, signed by the duty manager.

`close_days(now)` makes the page of every branch whose working day has ended (the `flask
frontdesk-close-day` command, run at or after closing time; running it twice makes nothing twice).
The page lists every complaint still waiting for its answer, marking the overdue, and every visitor
not signed out. The duty manager reads it, writes what was done, and signs.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.errors import Conflict, Invalid, NotAllowed
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import calendar_of, local_day
from intranet.frontdesk.complaints import open_at_close
from intranet.frontdesk.events import CloseOutSigned, DayClosedOut
from intranet.frontdesk.models import CloseOut, CloseOutEntry, Complaint, Visitor
from intranet.frontdesk.roster import duty_manager_of
from intranet.frontdesk.visitors import still_in
from intranet.templating import format_moment


def closing_time(branch_id: int, day: date) -> datetime | None:
    return calendar_of(branch_id).closing_time(day)


def _existing(branch_id: int, day: date) -> CloseOut | None:
    return db.session.scalar(select(CloseOut).where(CloseOut.branch_id == branch_id, CloseOut.day == day))


def close_day(branch: Branch, day: date, now: datetime) -> CloseOut | None:
    """Make the day's close-out if the day was worked and has ended; None otherwise or if it exists."""
    closes_at = closing_time(branch.id, day)
    if closes_at is None or closes_at > now or _existing(branch.id, day) is not None:
        return None
    complaints = open_at_close(branch, closes_at)
    visitors = still_in(branch.id)
    close_out = CloseOut(
        branch_id=branch.id, day=day, closes_at=closes_at, made_at=now, duty_manager=duty_manager_of(branch.id, day)
    )
    close_out.entries = [
        CloseOutEntry(complaint=complaint, overdue=complaint.answer_due_at <= closes_at) for complaint in complaints
    ] + [CloseOutEntry(visitor=visitor) for visitor in visitors]
    try:
        with db.session.begin_nested():  # a concurrent run made it first: theirs stands, no second event
            db.session.add(close_out)
            db.session.flush()
    except IntegrityError:
        return None
    overdue = tuple(entry.complaint for entry in close_out.entries if entry.complaint and entry.overdue)
    events.publish(
        DayClosedOut(close_out, branch, day, close_out.duty_manager, tuple(complaints), overdue, tuple(visitors))
    )
    return close_out


def close_days(now: datetime) -> int:
    """Close out every active branch's working day that has ended, today's and (run late) yesterday's."""
    made = 0
    today = local_day(now)
    for branch in db.session.scalars(select(Branch).where(Branch.active.is_(True)).order_by(Branch.id)):
        for day in (today - timedelta(days=1), today):
            if close_day(branch, day, now) is not None:
                made += 1
    db.session.flush()
    return made


def next_closing_at(now: datetime) -> datetime | None:
    """The next end of a working day at any active branch (when a scheduler should close out next)."""
    closings = []
    for branch in db.session.scalars(select(Branch).where(Branch.active.is_(True))):
        calendar = calendar_of(branch.id)
        for offset in range(14):
            closes_at = calendar.closing_time(local_day(now) + timedelta(days=offset))
            if closes_at is not None and closes_at > now:
                closings.append(closes_at)
                break
    return min(closings) if closings else None


@dataclass
class CloseOutPage:
    branch: Branch
    day: date
    closes_at: datetime | None  # None: the branch did not work that day
    close_out: CloseOut | None  # None: not made yet (the day runs, or the command has not run): shown live
    complaints: list[tuple[Complaint, bool]]  # (complaint, overdue)
    visitors: list[Visitor]
    duty_manager: object

    def ended(self, now: datetime) -> bool:
        return self.closes_at is not None and self.closes_at <= now


def close_out_page(actor, branch: Branch, day: date, now: datetime) -> CloseOutPage:
    """The day's page: its close-out if made, else what is open now (reading it changes nothing)."""
    ensure(actor, "desk.manage", branch)
    close_out = _existing(branch.id, day)
    closes_at = closing_time(branch.id, day)
    if close_out is not None:
        close_out = db.session.scalar(
            select(CloseOut)
            .where(CloseOut.id == close_out.id)
            .options(
                selectinload(CloseOut.entries).joinedload(CloseOutEntry.complaint).joinedload(Complaint.customer),
                selectinload(CloseOut.entries).joinedload(CloseOutEntry.visitor).joinedload(Visitor.host),
                joinedload(CloseOut.signed_by),
            )
        )
        complaints = [(entry.complaint, entry.overdue) for entry in close_out.entries if entry.complaint]
        visitors = [entry.visitor for entry in close_out.entries if entry.visitor]
    else:
        complaints = [(complaint, complaint.is_overdue(now)) for complaint in open_at_close(branch, now)]
        visitors = still_in(branch.id)
    duty_manager = close_out.duty_manager if close_out else duty_manager_of(branch.id, day)
    return CloseOutPage(branch, day, closes_at, close_out, complaints, visitors, duty_manager)


def recent_close_outs(actor, branch: Branch, limit: int = 14) -> list[CloseOut]:
    ensure(actor, "desk.manage", branch)
    return list(
        db.session.scalars(
            select(CloseOut)
            .where(CloseOut.branch_id == branch.id, scoping.visible(actor, CloseOut))
            .options(selectinload(CloseOut.entries), joinedload(CloseOut.signed_by))
            .order_by(CloseOut.day.desc())
            .limit(limit)
        )
    )


def ensure_unsigned(close_out: CloseOut | None) -> None:
    if close_out is not None and close_out.signed_at is not None:
        raise Conflict(_("This day was already signed by %(name)s.", name=close_out.signed_by.name))


def ensure_day_unsigned(branch_id: int, day: date) -> None:
    """Refuses a second signature before the form is read: the page no longer shows the form."""
    ensure_unsigned(_existing(branch_id, day))


def sign(actor, branch: Branch, day: date, note: str, now: datetime) -> CloseOut:
    """The duty manager (or, with nobody on the roster, a manager of the branch) signs the day with a note."""
    ensure(actor, "desk.manage", branch)
    if not note.strip():
        raise Invalid(_("Write the day's note: what was done about what is still open."))
    closes_at = closing_time(branch.id, day)
    if closes_at is None:
        raise Invalid(_("The branch did not work on %(day)s: there is nothing to sign.", day=day.isoformat()))
    if now < closes_at:
        raise Conflict(_("The day closes at %(time)s: sign it after closing.", time=format_moment(closes_at)))
    duty_manager = duty_manager_of(branch.id, day)
    if duty_manager is not None and duty_manager.id != actor.id and not scoping.sees_every_branch(actor):
        raise NotAllowed(_("%(name)s is the duty manager of the day: they sign it.", name=duty_manager.name))
    close_out = _existing(branch.id, day) or close_day(branch, day, now)
    if close_out is None:
        raise Conflict(_("Someone is making this day's close-out at the same time. Reload the page."))
    ensure_unsigned(close_out)
    close_out.signed_at = now
    close_out.signed_by_id = actor.id
    close_out.note = note.strip()
    db.session.flush()
    events.publish(CloseOutSigned(actor, close_out, branch, day))
    return close_out
