"""The complaint alarms: warn the owner before the answer time, alert the duty manager when it passes.

Each complaint stores the two instants (warn_at, answer_due_at), so a scheduler can wake at exactly
the next one (`next_alarm_at`) rather than sweep hourly; `fire_due_alarms(now)` fires whatever is
due at `now`. Each alarm fires once: a conditional UPDATE claims it, so running the function twice,
or on two servers at once, publishes every event once.
"""

from datetime import datetime

from sqlalchemy import func, select, update

from intranet import events
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import local_day
from intranet.frontdesk.complaints import ACTIVE, record_event
from intranet.frontdesk.events import AnswerTimeNear, AnswerTimePassed
from intranet.frontdesk.models import Complaint
from intranet.frontdesk.roster import duty_manager_of

_RUNNING = [status.value for status in ACTIVE]


def _claim(complaint_id: int, column, now: datetime) -> bool:
    """Mark one alarm as fired; False when it already was (by an earlier or a concurrent run)."""
    claimed = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint_id, column.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def fire_due_alarms(now: datetime) -> tuple[int, int]:
    """Publish AnswerTimeNear and AnswerTimePassed for every alarm due at `now`; (warned, overdue)."""
    warned = overdue = 0
    due_warnings = db.session.scalars(
        select(Complaint.id).where(
            Complaint.warned_at.is_(None), Complaint.warn_at <= now, Complaint.status.in_(_RUNNING)
        )
    ).all()
    for complaint_id in due_warnings:
        if _claim(complaint_id, Complaint.warned_at, now):
            complaint = db.session.get(Complaint, complaint_id, populate_existing=True)
            if complaint.answer_due_at > now:  # a warning after the deadline says nothing the alert does not
                record_event(complaint, None, "warned", "", now)
                events.publish(
                    AnswerTimeNear(
                        complaint, complaint.owner, complaint.handler, complaint.branch, complaint.answer_due_at
                    )
                )
                warned += 1
    due_alerts = db.session.scalars(
        select(Complaint.id).where(
            Complaint.overdue_alerted_at.is_(None), Complaint.answer_due_at <= now, Complaint.status.in_(_RUNNING)
        )
    ).all()
    for complaint_id in due_alerts:
        if _claim(complaint_id, Complaint.overdue_alerted_at, now):
            complaint = db.session.get(Complaint, complaint_id, populate_existing=True)
            duty_manager = duty_manager_of(complaint.branch_id, local_day(complaint.answer_due_at))
            record_event(complaint, None, "overdue", duty_manager.name if duty_manager else "", now)
            events.publish(
                AnswerTimePassed(
                    complaint,
                    complaint.owner,
                    complaint.handler,
                    complaint.branch,
                    duty_manager,
                    complaint.answer_due_at,
                )
            )
            overdue += 1
    db.session.flush()
    return warned, overdue


def next_alarm_at() -> datetime | None:
    """The next instant an alarm is due: when a scheduler should call fire_due_alarms next."""
    next_warning = db.session.scalar(
        select(func.min(Complaint.warn_at)).where(Complaint.warned_at.is_(None), Complaint.status.in_(_RUNNING))
    )
    next_alert = db.session.scalar(
        select(func.min(Complaint.answer_due_at)).where(
            Complaint.overdue_alerted_at.is_(None), Complaint.status.in_(_RUNNING)
        )
    )
    pending = [moment for moment in (next_warning, next_alert) if moment is not None]
    return min(pending) if pending else None
