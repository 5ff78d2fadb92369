"""Complaints (投诉) under the first-contact rule (首问负责制): received, handed on, answered, closed, reopened.

Whoever receives a complaint owns it until it is closed, whoever works on it meanwhile (a manager,
another branch, a job's technician). The answer time promised to the customer is counted on the
branch's working calendar; the instants to warn the owner and to alert the duty manager are stored
with the complaint, so a scheduler can fire at the very moment (deadlines.py), while pages compute
"overdue" live from the time they are shown.
"""

from dataclasses import astuple, dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.access.roles import FRONT_OFFICE, Role
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers import service as customers
from intranet.customers.models import Customer
from intranet.db_types import MAX_ID
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import calendar_of, settings_of
from intranet.frontdesk.events import (
    ComplaintAnswered,
    ComplaintClosed,
    ComplaintHandedOn,
    ComplaintJobCreated,
    ComplaintReceived,
    ComplaintReopened,
)
from intranet.frontdesk.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintStatus,
    CustomerResponse,
    Severity,
    answer_outcome,
    answer_time_state,
    complaint_at_branch,
)
from intranet.jobs import service as jobs
from intranet.jobs.models import Job, JobSource
from intranet.listing import Rows, one_of, prepared

ACTIVE = (ComplaintStatus.OPEN, ComplaintStatus.HANDED_ON)


@dataclass
class ComplaintData:
    channel: str
    category: str
    severity: str
    description: str
    customer_id: int | None = None  # an existing customer; else a new one is recorded from the contact
    contact_name: str = ""
    contact_phone: str = ""


def record_event(complaint: Complaint, actor, kind: str, detail: str = "", at: datetime | None = None) -> None:
    complaint.events.append(
        ComplaintEvent(actor_id=actor.id if actor is not None else None, kind=kind, detail=detail, at=at)
    )


def promise(branch_id: int, start: datetime) -> tuple[datetime, datetime]:
    """(answer due, warn at): the branch's answer time from `start` in working time, and the instant
    when only the branch's warning share of it is left."""
    settings = settings_of(branch_id)
    calendar = calendar_of(branch_id)
    answer_time = timedelta(minutes=settings.answer_minutes)
    due = calendar.add_working_time(start, answer_time)
    warn = calendar.add_working_time(start, answer_time * (100 - settings.warn_percent_left) / 100)
    return due, warn


def _customer_for(actor, data: ComplaintData) -> Customer:
    if data.customer_id is not None:
        return customers.get_customer(actor, data.customer_id)
    name = data.contact_name.strip()
    if not name or not data.contact_phone.strip():
        raise Invalid(_("Choose the customer, or give the caller's name and phone number to record a new one."))
    return customers.create_customer(
        actor, customers.CustomerData(name=name, kind="person", phone=data.contact_phone.strip())
    )


def receive_complaint(actor, data: ComplaintData, now: datetime) -> Complaint:
    """Record a complaint owned by `actor`, who receives it, with the answer time to tell the customer."""
    ensure(actor, "desk.work")
    if actor.branch_id is None:
        raise Invalid(_("A complaint is received at a branch: sign in with an account of the branch."))
    if data.channel not in set(ComplaintChannel) or data.category not in set(ComplaintCategory):
        raise Invalid(_("Choose the channel and the category."))
    if data.severity not in set(Severity):
        raise Invalid(_("Choose how serious it is."))
    if not data.description.strip():
        raise Invalid(_("Describe the complaint in the customer's words."))
    customer = _customer_for(actor, data)
    due, warn = promise(actor.branch_id, now)
    complaint = Complaint(
        branch_id=actor.branch_id,
        customer=customer,
        contact_name=data.contact_name.strip() or customer.name,
        contact_phone=data.contact_phone.strip() or customer.phone,
        channel=data.channel,
        category=data.category,
        severity=data.severity,
        description=data.description.strip(),
        status=ComplaintStatus.OPEN,
        owner_id=actor.id,
        received_at=now,
        answer_due_at=due,
        warn_at=warn,
        first_due_at=due,
    )
    db.session.add(complaint)
    record_event(complaint, actor, "received", "", now)
    db.session.flush()
    events.publish(ComplaintReceived(actor, complaint, actor, complaint.branch, due))
    return complaint


def _ensure_not_closed(complaint: Complaint) -> None:
    if complaint.status == ComplaintStatus.CLOSED:
        raise Conflict(_("This complaint is closed. Reopen it first."))


def handler_choices(actor) -> list[User]:
    """Who a complaint can be handed to: front-office people of every branch (a manager, another branch's desk)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.branch_id.is_not(None),
                User.role.in_([role.value for role in FRONT_OFFICE - {Role.ADMIN}]),
                User.id != actor.id,
            )
            .options(joinedload(User.branch))
            .order_by(User.branch_id != actor.branch_id, User.branch_id, User.role, User.name)
        )
    )


def hand_on(actor, complaint: Complaint, handler_id: int, note: str, now: datetime) -> Complaint:
    """Give the work to `handler`; the owner stays the owner."""
    ensure(actor, "desk.work", complaint)
    _ensure_not_closed(complaint)
    handler = db.session.get(User, handler_id) if 0 < handler_id <= MAX_ID else None
    if handler is None or not handler.active or handler.branch_id is None or handler.role not in FRONT_OFFICE:
        raise Invalid(_("Hand it to a manager or a receptionist of a branch."))
    if handler.id == complaint.handler_id:
        raise Conflict(_("%(name)s already handles this complaint.", name=handler.name))
    # The objects, not their ids: a relationship loaded before would keep the former handler (and its branch).
    complaint.handler = handler
    complaint.handler_branch = handler.branch
    if complaint.status == ComplaintStatus.OPEN:
        complaint.status = ComplaintStatus.HANDED_ON
    detail = f"{handler.name} ({handler.branch.name})" + (f": {note.strip()}" if note.strip() else "")
    record_event(complaint, actor, "handed_on", detail, now)
    db.session.flush()
    events.publish(
        ComplaintHandedOn(actor, complaint, complaint.owner, handler, complaint.branch, complaint.handler_branch)
    )
    return complaint


def create_job(actor, complaint: Complaint, data: jobs.JobData, now: datetime) -> Job:
    """A job for the complaint's customer, linked both ways (the job's page lists the complaint)."""
    ensure(actor, "desk.work", complaint)
    _ensure_not_closed(complaint)
    if complaint.job_id is not None:
        raise Conflict(_("This complaint already has job %(ref)s.", ref=complaint.job.reference))
    data.source = JobSource.COMPLAINT
    job = jobs.create_job(actor, complaint.customer, data)
    complaint.job_id = job.id
    record_event(complaint, actor, "job", job.reference, now)
    db.session.flush()
    events.publish(ComplaintJobCreated(actor, complaint, complaint.owner, job, complaint.branch))
    return job


def answer(actor, complaint: Complaint, reply: str, response: str, note: str, now: datetime) -> Complaint:
    """Record what the customer was told, and how they took it; the answer time stops."""
    ensure(actor, "desk.work", complaint)
    _ensure_not_closed(complaint)
    if not reply.strip():
        raise Invalid(_("Write what the customer was told."))
    if response not in set(CustomerResponse):
        raise Invalid(_("Say how the customer took the answer."))
    complaint.reply = reply.strip()
    complaint.customer_response = response
    complaint.response_note = note.strip()
    if complaint.is_open:
        complaint.answered_at = now
    if complaint.first_answered_at is None:
        complaint.first_answered_at = now
    on_time = now <= complaint.answer_due_at
    complaint.status = ComplaintStatus.ANSWERED
    record_event(complaint, actor, "answered", CustomerResponse(response).value, now)
    db.session.flush()
    events.publish(ComplaintAnswered(actor, complaint, complaint.owner, complaint.handler, complaint.branch, on_time))
    return complaint


def close(actor, complaint: Complaint, resolution: str, now: datetime) -> Complaint:
    """Close with the resolution; a complaint closed before any recorded answer counts as answered now."""
    ensure(actor, "desk.work", complaint)
    _ensure_not_closed(complaint)
    if not resolution.strip():
        raise Invalid(_("A complaint closes with its resolution: what was done about it."))
    complaint.resolution = resolution.strip()
    if complaint.answered_at is None:
        complaint.answered_at = now
    if complaint.first_answered_at is None:
        complaint.first_answered_at = now
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_at = now
    record_event(complaint, actor, "closed", resolution.strip(), now)
    db.session.flush()
    events.publish(ComplaintClosed(actor, complaint, complaint.owner, complaint.handler, complaint.branch))
    return complaint


def reopen(actor, complaint: Complaint, reason: str, now: datetime) -> Complaint:
    """Back to work with a new promise; the history and the first answer's figures are kept."""
    ensure(actor, "desk.work", complaint)
    if complaint.is_open:
        raise Conflict(_("This complaint is still open."))
    if not reason.strip():
        raise Invalid(_("Say why the complaint is reopened."))
    due, warn = promise(complaint.branch_id, now)
    complaint.status = ComplaintStatus.HANDED_ON if complaint.handler_id else ComplaintStatus.OPEN
    complaint.reopened_count += 1
    complaint.closed_at = None
    complaint.answered_at = None
    complaint.answer_due_at, complaint.warn_at = due, warn
    complaint.warned_at = complaint.overdue_alerted_at = None
    record_event(complaint, actor, "reopened", reason.strip(), now)
    db.session.flush()
    events.publish(ComplaintReopened(actor, complaint, complaint.owner, complaint.handler, complaint.branch, due))
    return complaint


# Looking complaints up

DETAIL = (
    joinedload(Complaint.customer),
    joinedload(Complaint.owner),
    joinedload(Complaint.handler),
    joinedload(Complaint.job),
    selectinload(Complaint.events).joinedload(ComplaintEvent.actor),
)


def get_complaint(actor, complaint_id: int) -> Complaint:
    return scoping.get(actor, Complaint, complaint_id, "desk.work", options=DETAIL)


@dataclass
class ComplaintFilters:
    status: str | None = None  # a ComplaintStatus, or "active" (open or handed on)
    overdue: bool = False
    mine: bool = False  # owned or handled by the actor
    category: str | None = None
    channel: str | None = None
    branch_id: int | None = None
    received_from: datetime | None = None  # received from this instant (the start of a local day)
    received_before: datetime | None = None
    outcome: str | None = None  # an AnswerOutcome: how its first promise went (the on-time rate's rows)


class ComplaintRow(NamedTuple):
    """A row of the complaint list."""

    id: int
    customer_name: str
    category: str
    received_at: datetime
    answer_due_at: datetime
    warn_at: datetime
    status: str
    owner_name: str
    handler_name: str | None

    @property
    def reference(self) -> str:
        return Complaint.reference_of(self.id)

    def is_overdue(self, now: datetime) -> bool:
        return self.status in ACTIVE and answer_time_state(self.answer_due_at, self.warn_at, now) == "overdue"


def _complaint_rows(statement):
    owner, handler = aliased(User), aliased(User)
    return (
        statement.with_only_columns(
            Complaint.id,
            Customer.name,
            Complaint.category,
            Complaint.received_at,
            Complaint.answer_due_at,
            Complaint.warn_at,
            Complaint.status,
            owner.name,
            handler.name,
            maintain_column_froms=True,
        )
        .join(Customer, Customer.id == Complaint.customer_id)
        .join(owner, owner.id == Complaint.owner_id)
        .outerjoin(handler, handler.id == Complaint.handler_id)
    )


COMPLAINT_ROWS = Rows(columns=_complaint_rows, make=ComplaintRow._make)


def list_complaints(actor, filters: ComplaintFilters, now: datetime):
    """The complaints in the actor's reach, filtered: still-running ones by deadline, others newest first."""
    ensure(actor, "desk.work")
    if filters.outcome or filters.overdue:  # compared with the moment: a statement of its own
        return _complaint_list(actor, filters, now)
    key = ("list_complaints", actor.id, actor.role, actor.branch_id, *astuple(filters))
    return prepared(key, lambda: _complaint_list(actor, filters, now))


def _complaint_list(actor, filters: ComplaintFilters, now: datetime):
    statement = (
        select(Complaint)
        .where(scoping.visible(actor, Complaint))
        .options(selectinload(Complaint.customer), selectinload(Complaint.owner), selectinload(Complaint.handler))
    )
    if filters.branch_id:
        statement = statement.where(complaint_at_branch(filters.branch_id))
    if filters.received_from:
        statement = statement.where(Complaint.received_at >= filters.received_from)
    if filters.received_before:
        statement = statement.where(Complaint.received_at < filters.received_before)
    if filters.outcome:
        statement = statement.where(answer_outcome(now) == filters.outcome)
    running = filters.status == "active" or filters.overdue
    if running:
        statement = statement.where(Complaint.status.in_([s.value for s in ACTIVE]))
    elif filters.status:
        statement = statement.where(Complaint.status == filters.status)
    if filters.overdue:
        statement = statement.where(Complaint.answer_due_at <= now)
    if filters.mine:
        statement = statement.where(or_(Complaint.owner_id == actor.id, Complaint.handler_id == actor.id))
    if filters.category:
        statement = statement.where(Complaint.category == filters.category)
    if filters.channel:
        statement = statement.where(Complaint.channel == filters.channel)
    if running or filters.status in ACTIVE:
        return statement.order_by(Complaint.answer_due_at, Complaint.id)
    return statement.order_by(Complaint.received_at.desc(), Complaint.id.desc())


def running_complaints(actor, branch_id: int | None = None, limit: int = 30) -> list[Complaint]:
    """The desk's list: complaints still waiting for their answer, by deadline, so the overdue come first."""
    ensure(actor, "desk.work")

    def build():
        statement = select(Complaint).where(
            scoping.visible(actor, Complaint), Complaint.status.in_([s.value for s in ACTIVE])
        )
        if branch_id is not None:
            statement = statement.where(complaint_at_branch(branch_id))
        # One query: the names shown, without the branches their rows would join by default.
        names = (
            joinedload(Complaint.customer).lazyload(Customer.branch),
            joinedload(Complaint.owner).lazyload(User.branch),
            joinedload(Complaint.handler).lazyload(User.branch),
        )
        return statement.options(*names).order_by(Complaint.answer_due_at, Complaint.id).limit(limit)

    key = ("running_complaints", actor.id, actor.role, actor.branch_id, branch_id, limit)
    return list(db.session.scalars(prepared(key, build)))


class DeskComplaint(NamedTuple):
    """A line of the desk's list: the few columns it shows, and where the answer time stands."""

    id: int
    reference: str
    customer: str
    answer_due_at: datetime
    owner: str
    handler: str | None
    state: str  # answer_time_state(): "overdue", "near" or ""


def desk_complaints_statement(actor, branch_id: int, limit: int):
    """running_complaints() as the desk of `branch_id` shows them: the first `limit` by answer time, the
    arguments of desk_complaint() but `now`, in no order (the desk reads it with its other lists, and a
    UNION ALL keeps no order: desk_lists sorts). An administrator's desk shows the branch's; anyone else's their
    whole reach, which also holds the complaints they received elsewhere and those handed to their branch."""
    ensure(actor, "desk.work")
    at_branch = branch_id if scoping.sees_every_branch(actor) else None

    def build():
        # The complaints first, then the names of only those shown: joined before the limit, the
        # customers and people were read whole to name every running complaint. Only the columns used:
        # the desk reads this with its other lists in one statement.
        running = (
            select(
                Complaint.id,
                Complaint.customer_id,
                Complaint.answer_due_at,
                Complaint.owner_id,
                Complaint.handler_id,
                Complaint.warn_at,
            )
            .where(scoping.visible(actor, Complaint), one_of(Complaint.status, [s.value for s in ACTIVE]))
            .order_by(Complaint.answer_due_at, Complaint.id)
            .limit(limit)
        )
        if at_branch is not None:
            running = running.where(complaint_at_branch(at_branch))
        shown = running.subquery()
        owner, handler = aliased(User), aliased(User)
        return (
            select(shown.c.id, Customer.name, shown.c.answer_due_at, owner.name, handler.name, shown.c.warn_at)
            .join(Customer, Customer.id == shown.c.customer_id)
            .join(owner, owner.id == shown.c.owner_id)
            .outerjoin(handler, handler.id == shown.c.handler_id)
        )

    return prepared(("desk_complaints", actor.id, actor.role, actor.branch_id, at_branch, limit), build)


def desk_complaint(
    id_: int, customer: str, due: datetime, owner: str, handler: str | None, warn: datetime, now: datetime
) -> DeskComplaint:
    return DeskComplaint(
        id_, Complaint.reference_of(id_), customer, due, owner, handler, answer_time_state(due, warn, now)
    )


def complaints_of_job(actor, job: Job) -> list[Complaint]:
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.job_id == job.id, scoping.visible(actor, Complaint))
            .order_by(Complaint.id)
        )
    )


def open_at_close(branch: Branch, now: datetime) -> list[Complaint]:
    """Every complaint of the branch (received or handled there) still waiting for its answer."""
    return list(
        db.session.scalars(
            select(Complaint)
            .where(
                complaint_at_branch(branch.id),
                Complaint.status.in_([s.value for s in ACTIVE]),
                Complaint.received_at <= now,
            )
            .options(selectinload(Complaint.customer), selectinload(Complaint.owner), selectinload(Complaint.handler))
            .order_by(Complaint.answer_due_at, Complaint.id)
        )
    )
