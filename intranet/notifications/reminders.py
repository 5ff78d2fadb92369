"""Reminders the schedule sends: callbacks due today, corrective actions due tomorrow or overdue, low stock,
tomorrow's bookings to their technicians.

Each reminder is told once: under a key per person and period (a notification's dedup_key), or, for
low stock, once per LowStock row (its notified_at). A run repeated within its period tells nobody twice.
"""

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from intranet.access.roles import Role
from intranet.extensions import db
from intranet.frontdesk.appointments import EXPECTED
from intranet.frontdesk.models import Appointment
from intranet.inspections.models import ActionStatus, CorrectiveAction
from intranet.jobs.models import Job, JobStatus
from intranet.notifications.about_frontdesk import tell_the_technician
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import of_branch, person
from intranet.notifications.service import link_to, notify
from intranet.parts.models import LowStock
from intranet.parts.quantities import fmt
from intranet.templating import format_moment
from intranet.timezones import local_to_utc, utc_to_local


def callbacks_due(now: datetime) -> int:
    """The front desk of each branch with customers to call back hears how many, once a day."""
    today = utc_to_local(now).date()
    due = db.session.execute(
        select(Job.branch_id, func.count())
        .where(Job.status == JobStatus.DONE, Job.callback_due_at <= now)
        .group_by(Job.branch_id)
    ).all()
    told = 0
    for branch_id, count in due:
        front_desk = of_branch(branch_id, Role.RECEPTIONIST) or of_branch(branch_id, Role.MANAGER)
        told += _tell_callbacks(front_desk, count, today.isoformat(), now)
    return told


def _tell_callbacks(front_desk, count: int, day: str, now: datetime) -> int:
    return notify(
        front_desk,
        NotificationKind.CALLBACKS_DUE,
        link_to("jobs.callbacks"),
        lambda: (
            ngettext("%(num)d customer to call back", "%(num)d customers to call back", count),
            _("Ask whether the repair solved the problem and how the visit went."),
        ),
        dedup_key=f"callbacks-due:{day}",
        now=now,
    )


def corrective_actions(now: datetime) -> int:
    """Owners of open corrective actions due tomorrow, and of overdue ones, are reminded once per due date."""
    today = utc_to_local(now).date()
    actions = db.session.scalars(
        select(CorrectiveAction).where(
            CorrectiveAction.status == ActionStatus.OPEN, CorrectiveAction.due_on <= today + timedelta(days=1)
        )
    )
    told = 0
    for action in actions:
        overdue = action.due_on < today
        if action.due_on == today and not overdue:
            continue  # reminded yesterday that it is due today; overdue from tomorrow
        told += _remind_owner(action, overdue, now)
    return told


def _remind_owner(action: CorrectiveAction, overdue: bool, now: datetime) -> int:
    due = action.due_on
    return notify(
        person(action.owner_id),
        NotificationKind.ACTION_DUE,
        link_to("inspections.actions"),
        lambda: (
            _("Corrective action overdue since %(due)s", due=format_moment(due, "date"))
            if overdue
            else _("Corrective action due tomorrow, %(due)s", due=format_moment(due, "date")),
            action.description,
        ),
        dedup_key=f"action-{'overdue' if overdue else 'due'}:{action.id}:{due.isoformat()}",
        now=now,
    )


def low_stock(now: datetime) -> int:
    """Storekeepers of the warehouse's branch hear of each part that fell under its minimum, once."""
    events = db.session.scalars(
        select(LowStock)
        .where(LowStock.notified_at.is_(None), LowStock.resolved_at.is_(None))
        .options(joinedload(LowStock.store), joinedload(LowStock.part))
        .order_by(LowStock.id)
    )
    told = 0
    for event in events:
        told += _tell_storekeepers(event, now)
        event.notified_at = now
    db.session.flush()
    return told


def _tell_storekeepers(event: LowStock, now: datetime) -> int:
    return notify(
        of_branch(event.store.branch_id, Role.STOREKEEPER),
        NotificationKind.LOW_STOCK,
        link_to("parts.low_stock"),
        lambda: (
            _("%(part)s is low in %(store)s", part=event.part.name, store=event.store.name),
            _("%(have)s on hand, the minimum is %(minimum)s.", have=fmt(event.quantity), minimum=fmt(event.minimum)),
        ),
        dedup_key=f"low-stock:{event.id}",
        now=now,
    )


def appointments_tomorrow(now: datetime) -> int:
    """The evening before: each technician hears of the customers booked with them for tomorrow, once
    (a booking made for tomorrow was told at once; the key is the same)."""
    tomorrow = utc_to_local(now).date() + timedelta(days=1)
    start = local_to_utc(datetime.combine(tomorrow, time.min))
    end = local_to_utc(datetime.combine(tomorrow + timedelta(days=1), time.min))
    bookings = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.status.in_([status.value for status in EXPECTED]),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.technician_id.is_not(None),
        )
        .options(joinedload(Appointment.customer), joinedload(Appointment.site))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return sum(tell_the_technician(appointment, None, now) for appointment in bookings)
