"""The duty roster (值班): which manager of a branch is on duty each day; the close-out and escalations go to them."""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.frontdesk.models import DutyAssignment


def managers_of(branch_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.branch_id == branch_id, User.role == Role.MANAGER, User.active.is_(True))
            .order_by(User.name)
        )
    )


def duty_manager_of(branch_id: int, day: date) -> User | None:
    """The manager on the roster for that day, or None when nobody is (every manager of the branch then)."""
    return db.session.scalar(
        select(User)
        .join(DutyAssignment, DutyAssignment.manager_id == User.id)
        .where(DutyAssignment.branch_id == branch_id, DutyAssignment.day == day)
    )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of(branch_id: int, monday: date) -> list[tuple[date, User | None]]:
    days = [monday + timedelta(days=n) for n in range(7)]
    rows = db.session.scalars(
        select(DutyAssignment).where(DutyAssignment.branch_id == branch_id, DutyAssignment.day.in_(days))
    )
    on_duty = {row.day: row.manager for row in rows}
    return [(day, on_duty.get(day)) for day in days]


def save_week(actor, branch: Branch, monday: date, chosen: dict[date, int | None]) -> None:
    """Set (or clear, with None) the duty manager of each given day of the week starting `monday`."""
    ensure(actor, "desk.manage", branch)
    managers = {manager.id: manager for manager in managers_of(branch.id)}
    week = {monday + timedelta(days=n) for n in range(7)}
    for day, manager_id in chosen.items():
        if day not in week:
            raise Invalid(_("That day is not in the week shown."))
        if manager_id is not None and manager_id not in managers:
            raise Invalid(_("Choose a manager of the branch."))
        row = db.session.scalar(
            select(DutyAssignment).where(DutyAssignment.branch_id == branch.id, DutyAssignment.day == day)
        )
        if manager_id is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(DutyAssignment(branch_id=branch.id, day=day, manager_id=manager_id))
        else:
            row.manager_id = manager_id
    db.session.flush()
