"""Jobs created, dispatched and looked up: the front office's list and the technician's day.

The visit and its report live in visits.py, the call to the customer afterwards in callbacks.py.
Every change is written to the job's history (history.py) in the same transaction as the change.
"""

from dataclasses import astuple, dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.customers.models import Customer, Equipment, Site
from intranet.db_types import MAX_ID, utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.jobs.events import JobDispatched
from intranet.jobs.filters import CallbackFilters, JobFilters, ReportFilters
from intranet.jobs.history import record
from intranet.jobs.models import Callback, Job, JobEvent, JobSource, JobStatus, Priority, VisitReport, job_reference
from intranet.listing import Rows, prepared, read_rows

OPEN_FOR_WORK = (JobStatus.ASSIGNED, JobStatus.IN_PROGRESS)
DISPATCHABLE = (JobStatus.OPEN, JobStatus.ASSIGNED, JobStatus.IN_PROGRESS)


@dataclass
class JobData:
    site_id: int
    source: str
    priority: str
    fault_description: str
    due_at: datetime
    equipment_id: int | None = None
    assigned_to_id: int | None = None


def technicians_of(branch_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.branch_id == branch_id, User.role == Role.TECHNICIAN, User.active.is_(True))
            .order_by(User.name)
        )
    )


def _technician(branch_id: int, user_id: int) -> User:
    technician = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if technician is None or technician.role != Role.TECHNICIAN or technician.branch_id != branch_id:
        raise Invalid(_("Choose a technician of the job's branch."))
    if not technician.active:
        raise Invalid(_("%(name)s's account is deactivated.", name=technician.name))
    return technician


def create_job(actor, customer: Customer, data: JobData) -> Job:
    ensure(actor, "jobs.create", customer)
    site = db.session.get(Site, data.site_id)
    if site is None or site.customer_id != customer.id:
        raise Invalid(_("Choose one of the customer's sites."))
    if data.equipment_id is not None:
        equipment = db.session.get(Equipment, data.equipment_id)
        if equipment is None or equipment.site_id != site.id:
            raise Invalid(_("The equipment must be at the chosen site."))
    if data.source not in set(JobSource) or data.priority not in set(Priority):
        raise Invalid(_("Unknown source or priority."))
    if not data.fault_description.strip():
        raise Invalid(_("Describe the fault as the customer reported it."))
    technician = _technician(customer.branch_id, data.assigned_to_id) if data.assigned_to_id else None
    job = Job(
        branch_id=customer.branch_id,
        customer_id=customer.id,
        site_id=site.id,
        equipment_id=data.equipment_id,
        source=data.source,
        priority=data.priority,
        priority_rank=Priority(data.priority).rank,
        fault_description=data.fault_description.strip(),
        due_at=data.due_at,
        status=JobStatus.ASSIGNED if technician else JobStatus.OPEN,
        assigned_to_id=technician.id if technician else None,
        created_by_id=actor.id,
    )
    db.session.add(job)
    record(job, actor, "created", Priority(data.priority).value)
    if technician:
        record(job, actor, "assigned", technician.name)
    db.session.flush()
    if technician:
        events.publish(JobDispatched(actor, job))
    return job


def assign_job(actor, job: Job, technician_id: int) -> Job:
    ensure(actor, "jobs.dispatch", job)
    if job.status not in DISPATCHABLE:
        raise Conflict(_("A job that is done cannot be dispatched again."))
    technician = _technician(job.branch_id, technician_id)
    if job.assigned_to_id == technician.id:
        return job
    job.assigned_to = technician
    if job.status == JobStatus.OPEN:
        job.status = JobStatus.ASSIGNED
    record(job, actor, "assigned", technician.name)
    db.session.flush()
    events.publish(JobDispatched(actor, job))
    return job


def open_follow_up(actor, job: Job, description: str, technician: User | None, now: datetime) -> Job:
    """Another visit to the same customer, site and equipment, due the next day, linked to the job."""
    follow_up = Job(
        branch_id=job.branch_id,
        customer_id=job.customer_id,
        site_id=job.site_id,
        equipment_id=job.equipment_id,
        source=JobSource.FOLLOW_UP,
        priority=job.priority,
        priority_rank=job.priority_rank,
        fault_description=description,
        due_at=now + timedelta(days=1),
        status=JobStatus.ASSIGNED if technician else JobStatus.OPEN,
        assigned_to_id=technician.id if technician else None,
        created_by_id=actor.id,
        follow_up_of_id=job.id,
    )
    db.session.add(follow_up)
    db.session.flush()
    record(follow_up, actor, "created", job.reference, at=now)
    if technician:
        record(follow_up, actor, "assigned", technician.name, at=now)
    record(job, actor, "follow_up_created", follow_up.reference, at=now)
    return follow_up


# Looking jobs up

DETAIL = (
    joinedload(Job.customer),
    joinedload(Job.site),
    joinedload(Job.equipment),
    joinedload(Job.assigned_to),
    selectinload(Job.events).joinedload(JobEvent.actor),
    selectinload(Job.callbacks).joinedload(Callback.caller),
    joinedload(Job.report).selectinload(VisitReport.parts),
)


def get_job(actor, job_id: int, permission: str = "jobs.view") -> Job:
    return scoping.get(actor, Job, job_id, permission, options=DETAIL)


OPEN_STATUSES = (JobStatus.OPEN, JobStatus.ASSIGNED, JobStatus.IN_PROGRESS)


def has_follow_up():
    """SQL: another visit was opened as this job's follow-up."""
    follow_up = aliased(Job)
    return exists().where(follow_up.follow_up_of_id == Job.id)


class JobRow(NamedTuple):
    """A row of the job list."""

    id: int
    customer_name: str
    due_at: datetime
    priority: str
    technician_name: str | None
    status: str
    needs_manager_attention: bool

    @property
    def reference(self) -> str:
        return job_reference(self.id)


JOB_ROWS = Rows(
    columns=lambda statement: (
        statement.with_only_columns(
            Job.id,
            Customer.name,
            Job.due_at,
            Job.priority,
            User.name,
            Job.status,
            Job.needs_manager_attention,
            maintain_column_froms=True,
        )
        .join(Customer, Customer.id == Job.customer_id)
        .outerjoin(User, User.id == Job.assigned_to_id)
    ),
    make=JobRow._make,
)


def list_jobs(actor, filters: JobFilters, now: datetime | None = None):
    """The front office's job list: the jobs within the actor's reach, filtered."""
    ensure(actor, "jobs.list")
    if filters.overdue:  # compared with the moment: a statement of its own
        return _job_list(actor, filters, now)
    key = ("list_jobs", actor.id, actor.role, actor.branch_id, *astuple(filters))
    return prepared(key, lambda: _job_list(actor, filters, None))


def _job_list(actor, filters: JobFilters, now: datetime | None):
    # selectinload keeps the main query a plain index walk; a join would make SQLite sort in a temp table.
    statement = (
        select(Job)
        .where(scoping.visible(actor, Job))
        .options(selectinload(Job.customer), selectinload(Job.assigned_to))
    )
    if filters.branch_id:
        statement = statement.where(Job.branch_id == filters.branch_id)
    if filters.status:
        statement = statement.where(Job.status == filters.status)
    if filters.technician_id:
        statement = statement.where(Job.assigned_to_id == filters.technician_id)
    for column, start, before in (
        (Job.due_at, filters.due_from, filters.due_before),
        (Job.created_at, filters.created_from, filters.created_before),
        (Job.done_at, filters.done_from, filters.done_before),
    ):
        if start:
            statement = statement.where(column >= start)
        if before:
            statement = statement.where(column < before)
    if filters.attention:
        statement = statement.where(Job.needs_manager_attention.is_(True))
    if filters.open or filters.overdue:
        statement = statement.where(Job.status.in_([s.value for s in OPEN_STATUSES]))
    if filters.overdue:
        statement = statement.where(Job.due_at < (now or utcnow()))
    if filters.first_visit:
        statement = statement.where(Job.source != JobSource.FOLLOW_UP)
    if filters.followed_up is not None:
        statement = statement.where(has_follow_up() if filters.followed_up else ~has_follow_up())
    return statement.order_by(Job.due_at.desc(), Job.id.desc())


def list_reports(actor, filters: ReportFilters):
    """Visit reports of the jobs within reach, newest job done first."""
    ensure(actor, "jobs.list")
    statement = (
        select(VisitReport)
        .join(Job, Job.id == VisitReport.job_id)
        .where(scoping.visible(actor, VisitReport))
        .options(
            selectinload(VisitReport.job).selectinload(Job.customer),
            selectinload(VisitReport.technician),
        )
    )
    if filters.branch_id:
        statement = statement.where(Job.branch_id == filters.branch_id)
    if filters.technician_id:
        statement = statement.where(VisitReport.technician_id == filters.technician_id)
    if filters.done_from:
        statement = statement.where(Job.done_at >= filters.done_from)
    if filters.done_before:
        statement = statement.where(Job.done_at < filters.done_before)
    if filters.satisfaction:
        statement = statement.where(VisitReport.satisfaction == filters.satisfaction)
    return statement.order_by(Job.done_at.desc(), VisitReport.id.desc())


def list_callbacks(actor, filters: CallbackFilters):
    """Callbacks made (the log), newest first."""
    ensure(actor, "callbacks.record")
    statement = (
        select(Callback)
        .join(Job, Job.id == Callback.job_id)
        .where(scoping.visible(actor, Callback))
        .options(
            selectinload(Callback.job).selectinload(Job.customer),
            selectinload(Callback.caller),
            selectinload(Callback.follow_up_job),
        )
    )
    if filters.branch_id:
        statement = statement.where(Callback.branch_id == filters.branch_id)
    if filters.outcome:
        statement = statement.where(Callback.outcome == filters.outcome)
    if filters.called_from:
        statement = statement.where(Callback.at >= filters.called_from)
    if filters.called_before:
        statement = statement.where(Callback.at < filters.called_before)
    return statement.order_by(Callback.at.desc(), Callback.id.desc())


# What a card on Today shows: the job, its customer's name, its site and equipment; not the
# customer's branch, which the customer would otherwise bring along.
TODAY_CARD = (
    joinedload(Job.customer).lazyload(Customer.branch),
    joinedload(Job.site),
    joinedload(Job.equipment),
)


def _open_work(actor):
    """SQL: the actor's jobs waiting for their work, in the order of the day."""
    return (
        select(Job)
        .where(Job.assigned_to_id == actor.id, Job.status.in_([s.value for s in OPEN_FOR_WORK]))
        .options(*TODAY_CARD)
        .order_by(Job.due_at, Job.priority_rank, Job.id)
    )


def todays_jobs(actor, now: datetime, horizon: timedelta = timedelta(days=7)) -> list[Job]:
    """The technician's open jobs due before the horizon, by due time then priority."""
    ensure(actor, "today.view")
    return list(db.session.scalars(_open_work(actor).where(Job.due_at < now + horizon).limit(200)))


class TodayCard(NamedTuple):
    """What a card on Today shows of a job: read as columns, not as four ORM objects per card (loading
    those cost Today four times what its SQL does)."""

    id: int
    status: str
    priority: str
    due_at: datetime
    fault_description: str
    equipment_id: int | None
    customer_name: str
    site_address: str | None
    contact_name: str | None
    contact_phone: str | None
    equipment_model: str | None
    equipment_serial: str | None

    @property
    def reference(self) -> str:
        return job_reference(self.id)


def _cards():
    return (
        select(
            Job.id,
            Job.status,
            Job.priority,
            Job.due_at,
            Job.fault_description,
            Job.equipment_id,
            Customer.name,
            Site.address,
            Site.contact_name,
            Site.contact_phone,
            Equipment.model,
            Equipment.serial,
        )
        .join(Customer, Customer.id == Job.customer_id)
        .outerjoin(Site, Site.id == Job.site_id)
        .outerjoin(Equipment, Equipment.id == Job.equipment_id)
    )


def _open_cards():
    """SQL: the cards of a technician's (`technician_id`) jobs waiting for their work, in the order of the day."""
    return (
        _cards()
        .where(Job.assigned_to_id == bindparam("technician_id"), Job.status.in_([s.value for s in OPEN_FOR_WORK]))
        .order_by(Job.due_at, Job.priority_rank, Job.id)
    )


@dataclass
class DayPlan:
    due: list[TodayCard]  # due before the end of today, overdue ones first
    later: list[TodayCard]  # the first few due after today, within the horizon
    more_later: int  # and how many more follow them


def day_plan(
    actor, now: datetime, end_of_today: datetime, later_shown: int, horizon: timedelta = timedelta(days=7)
) -> DayPlan:
    """Today's page: the jobs of the day in full, and only a glance at the days ahead.

    The days ahead come as their first `later_shown` jobs and a count (a window over the same query),
    not as every row of the week.
    """
    ensure(actor, "today.view")
    values = {"technician_id": actor.id, "end_of_today": end_of_today, "horizon": now + horizon}
    due = prepared(("today_due",), lambda: _open_cards().where(Job.due_at < bindparam("end_of_today")).limit(200))
    ahead = prepared(
        ("today_ahead", later_shown),
        lambda: (
            _open_cards()
            .add_columns(func.count().over())
            .where(Job.due_at >= bindparam("end_of_today"), Job.due_at < bindparam("horizon"))
            .limit(later_shown)
        ),
    )
    due_cards = [TodayCard._make(row) for row in read_rows(due, values)]
    rows = read_rows(ahead, values).all()
    later = [TodayCard._make(row[:-1]) for row in rows]
    return DayPlan(due=due_cards, later=later, more_later=rows[0][-1] - len(rows) if rows else 0)


def today_card(actor, job: Job) -> TodayCard:
    """One job's card, as Today shows it (after "Start", the card is shown again in its new state)."""
    ensure(actor, "jobs.work", job)
    statement = prepared(("today_card",), lambda: _cards().where(Job.id == bindparam("job_id")))
    return TodayCard._make(read_rows(statement, {"job_id": job.id}).one())
