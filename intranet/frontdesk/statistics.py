"""Figures of the desk over a period: complaints (顾客投诉情况统计分析) and appointments (预约统计分析).

The statistics page shows them by month; the managers' dashboard (frontdesk/figures.py) over its
period, with the same functions, so a figure cannot differ between the two.

Complaints count by the time they were received. A branch's complaints are those received there or
handed on to it (models.complaint_at_branch, as in the complaint list). Their on-time rate is over
the complaints whose outcome is known (models.answer_outcome): answered (on time when the first
answer came by the first promise), or still unanswered after that promise; those not yet due are
pending and left out. The average time to answer is the mean wall-clock time from receipt to the
first answer. Appointments count by their time; the no-show rate is no-shows over the bookings
whose outcome is known (arrived or no-show).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import zone
from intranet.frontdesk.models import (
    AnswerOutcome,
    Appointment,
    AppointmentStatus,
    Complaint,
    answer_outcome,
    complaint_at_branch,
)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time(0), tzinfo=zone()), datetime.combine(following, time(0), tzinfo=zone())


@dataclass
class ComplaintFigures:
    received: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    by_branch: Counter = field(default_factory=Counter)  # branch name -> complaints
    on_time: int = 0
    late: int = 0
    pending: int = 0
    answer_hours: list[float] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        known = self.on_time + self.late
        return self.on_time / known if known else None

    @property
    def average_hours_to_answer(self) -> float | None:
        return sum(self.answer_hours) / len(self.answer_hours) if self.answer_hours else None


def complaint_figures(
    actor, start: datetime, end: datetime, now: datetime, branch_id: int | None = None
) -> ComplaintFigures:
    """The complaints received from `start` to `end` (exclusive) within the actor's reach, as of `now`."""
    ensure(actor, "desk.manage")
    statement = select(
        Complaint.category,
        Complaint.channel,
        Complaint.branch_id,
        answer_outcome(now),
        Complaint.received_at,
        Complaint.first_answered_at,
    ).where(scoping.visible(actor, Complaint), Complaint.received_at >= start, Complaint.received_at < end)
    if branch_id:
        statement = statement.where(complaint_at_branch(branch_id))
    figures = ComplaintFigures()
    branch_names = _branch_names()
    for category, channel, complaint_branch, outcome, received_at, answered_at in db.session.execute(statement):
        figures.received += 1
        figures.by_category[category] += 1
        figures.by_channel[channel] += 1
        figures.by_branch[branch_names.get(complaint_branch, "?")] += 1
        if outcome == AnswerOutcome.ON_TIME:
            figures.on_time += 1
        elif outcome == AnswerOutcome.LATE:
            figures.late += 1
        else:
            figures.pending += 1
        if answered_at is not None:
            figures.answer_hours.append((answered_at - received_at).total_seconds() / 3600)
    return figures


@dataclass
class ServiceFigures:
    booked: int = 0
    arrived: int = 0
    no_show: int = 0
    cancelled: int = 0

    @property
    def no_show_rate(self) -> float | None:
        known = self.arrived + self.no_show
        return self.no_show / known if known else None

    def add(self, status: str, count: int = 1) -> None:
        self.booked += count
        if status == AppointmentStatus.ARRIVED:
            self.arrived += count
        elif status == AppointmentStatus.NO_SHOW:
            self.no_show += count
        elif status == AppointmentStatus.CANCELLED:
            self.cancelled += count


@dataclass
class AppointmentFigures:
    total: ServiceFigures = field(default_factory=ServiceFigures)
    by_service: dict[str, ServiceFigures] = field(default_factory=dict)


def appointment_figures(actor, start: datetime, end: datetime, branch_id: int | None = None) -> AppointmentFigures:
    """The bookings whose time falls from `start` to `end` (exclusive) within the actor's reach."""
    ensure(actor, "desk.manage")
    statement = (
        select(Appointment.service_type, Appointment.status, func.count())
        .where(scoping.visible(actor, Appointment), Appointment.starts_at >= start, Appointment.starts_at < end)
        .group_by(Appointment.service_type, Appointment.status)
    )
    if branch_id:
        statement = statement.where(Appointment.branch_id == branch_id)
    figures = AppointmentFigures()
    for service_type, status, count in db.session.execute(statement):
        figures.total.add(status, count)
        figures.by_service.setdefault(service_type, ServiceFigures()).add(status, count)
    return figures


def _branch_names() -> dict[int, str]:
    return {branch_id: name for branch_id, name in db.session.execute(select(Branch.id, Branch.name))}
