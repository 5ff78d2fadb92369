"""Jobs from creation to closing: dispatch, the technician's day, the visit report, the callback.

Every change is written to the job's history (JobEvent) in the same transaction as the change.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from intranet.attachments import service as attachments
from intranet.auth.models import User
from intranet.auth.permissions import can, ensure, object_rule
from intranet.auth.roles import Role
from intranet.customers.models import Customer, Equipment, Site
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotFound
from intranet.extensions import db
from intranet.jobs.models import (
    Callback,
    CallbackOutcome,
    Job,
    JobEvent,
    JobSource,
    JobStatus,
    PartUsed,
    Priority,
    VisitReport,
    VisitResult,
)

REPORT_OWNER = "visit_report"
OPEN_FOR_WORK = (JobStatus.ASSIGNED, JobStatus.IN_PROGRESS)
MAX_PHOTOS = 8
MAX_PARTS = 30


def _same_branch(actor, job) -> bool:
    return actor.role == Role.ADMIN or job.branch_id == actor.branch_id


@object_rule("jobs.view")
def _may_view(actor, job) -> bool:
    if actor.role == Role.TECHNICIAN:
        return job.assigned_to_id == actor.id
    return _same_branch(actor, job)


@object_rule("jobs.work")
def _may_work(actor, job) -> bool:
    return job.assigned_to_id == actor.id


for _permission in ("jobs.create", "jobs.dispatch", "reports.correct", "callbacks.record", "jobs.resolve_attention"):
    object_rule(_permission)(_same_branch)


@attachments.access_rule(REPORT_OWNER)
def _may_see_report_files(actor, report_id: int) -> bool:
    report = db.session.get(VisitReport, report_id)
    return report is not None and can(actor, "jobs.view", report.job)


# Creating and dispatching


@dataclass
class JobData:
    site_id: int
    source: str
    priority: str
    fault_description: str
    due_at: datetime
    equipment_id: int | None = None
    assigned_to_id: int | None = None


def _record(job: Job, actor, kind: str, detail: str = "", at: datetime | None = None) -> None:
    db.session.add(JobEvent(job=job, actor_id=actor.id, kind=kind, detail=detail, at=at or utcnow()))


def technicians_of(branch_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.branch_id == branch_id, User.role == Role.TECHNICIAN, User.active.is_(True))
            .order_by(User.name)
        )
    )


def _technician(branch_id: int, user_id: int) -> User:
    technician = db.session.get(User, user_id)
    if technician is None or technician.role != Role.TECHNICIAN or technician.branch_id != branch_id:
        raise Invalid(_("Choose a technician of the job's branch."))
    if not technician.active:
        raise Invalid(_("%(name)s's account is deactivated.", name=technician.name))
    return technician


def create_job(actor, customer: Customer, data: JobData) -> Job:
    probe = Job(branch_id=customer.branch_id)
    ensure(actor, "jobs.create", probe)
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
    _record(job, actor, "created", Priority(data.priority).value)
    if technician:
        _record(job, actor, "assigned", technician.name)
    db.session.flush()
    return job


def assign_job(actor, job: Job, technician_id: int) -> Job:
    ensure(actor, "jobs.dispatch", job)
    if job.status not in (JobStatus.OPEN, JobStatus.ASSIGNED, JobStatus.IN_PROGRESS):
        raise Conflict(_("A job that is done cannot be dispatched again."))
    technician = _technician(job.branch_id, technician_id)
    if job.assigned_to_id == technician.id:
        return job
    job.assigned_to_id = technician.id
    if job.status == JobStatus.OPEN:
        job.status = JobStatus.ASSIGNED
    _record(job, actor, "assigned", technician.name)
    db.session.flush()
    return job


# Looking jobs up


def get_job(actor, job_id: int, permission: str = "jobs.view") -> Job:
    job = db.session.scalar(
        select(Job)
        .where(Job.id == job_id)
        .options(
            joinedload(Job.customer),
            joinedload(Job.site),
            joinedload(Job.equipment),
            joinedload(Job.assigned_to),
            selectinload(Job.events).joinedload(JobEvent.actor),
            selectinload(Job.callbacks).joinedload(Callback.caller),
            joinedload(Job.report).selectinload(VisitReport.parts),
        )
    )
    if job is None:
        raise NotFound(_("No such job."))
    ensure(actor, permission, job)
    return job


@dataclass
class JobFilters:
    status: str | None = None
    technician_id: int | None = None
    branch_id: int | None = None
    due_from: datetime | None = None
    due_before: datetime | None = None
    attention: bool = False


def list_jobs(actor, filters: JobFilters):
    """The front office's job list; everyone but an admin sees their own branch."""
    ensure(actor, "jobs.list")
    # selectinload keeps the main query a plain index walk; a join would make SQLite sort in a temp table.
    statement = select(Job).options(selectinload(Job.customer), selectinload(Job.assigned_to))
    branch_id = filters.branch_id if actor.role == Role.ADMIN else actor.branch_id
    if branch_id:
        statement = statement.where(Job.branch_id == branch_id)
    if filters.status:
        statement = statement.where(Job.status == filters.status)
    if filters.technician_id:
        statement = statement.where(Job.assigned_to_id == filters.technician_id)
    if filters.due_from:
        statement = statement.where(Job.due_at >= filters.due_from)
    if filters.due_before:
        statement = statement.where(Job.due_at < filters.due_before)
    if filters.attention:
        statement = statement.where(Job.needs_manager_attention.is_(True))
    return statement.order_by(Job.due_at.desc(), Job.id.desc())


def todays_jobs(actor, now: datetime, horizon: timedelta = timedelta(days=7)) -> list[Job]:
    """The technician's open jobs due before the horizon, by due time then priority."""
    ensure(actor, "today.view")
    return list(
        db.session.scalars(
            select(Job)
            .where(
                Job.assigned_to_id == actor.id,
                Job.status.in_([s.value for s in OPEN_FOR_WORK]),
                Job.due_at < now + horizon,
            )
            .options(joinedload(Job.customer), joinedload(Job.site), joinedload(Job.equipment))
            .order_by(Job.due_at, Job.priority_rank, Job.id)
            .limit(200)
        )
    )


# The technician's work


def start_job(actor, job: Job, now: datetime | None = None) -> Job:
    """The technician arrives: the job is in progress and the arrival time is kept."""
    ensure(actor, "jobs.work", job)
    if job.status == JobStatus.IN_PROGRESS:
        return job
    if job.status != JobStatus.ASSIGNED:
        raise Conflict(_("This job cannot be started: it is %(status)s.", status=job.status_enum.label))
    job.status = JobStatus.IN_PROGRESS
    job.started_at = now or utcnow()
    _record(job, actor, "started", at=job.started_at)
    db.session.flush()
    return job


@dataclass
class PartLine:
    part_code: str
    quantity: Decimal
    description: str = ""


@dataclass
class ReportData:
    client_id: str
    arrived_at: datetime
    left_at: datetime
    fault_found: str
    action_taken: str
    result: str
    satisfaction: int
    cause: str = ""
    customer_comment: str = ""
    follow_up_needed: bool = False
    parts: list[PartLine] = field(default_factory=list)


@dataclass
class Upload:
    data: bytes
    filename: str = ""


def _validate_report(data: ReportData, now: datetime) -> None:
    if data.left_at < data.arrived_at:
        raise Invalid(_("The time you left cannot be before the time you arrived."))
    if data.left_at > now + timedelta(minutes=15):
        raise Invalid(_("The time you left is in the future."))
    if data.left_at - data.arrived_at > timedelta(hours=24):
        raise Invalid(_("A visit cannot last more than 24 hours; check the dates."))
    if not 1 <= data.satisfaction <= 5:
        raise Invalid(_("Satisfaction is a mark from 1 to 5."))
    if data.result not in set(VisitResult):
        raise Invalid(_("Choose the result of the visit."))
    if len(data.parts) > MAX_PARTS:
        raise Invalid(_("At most %(n)d part lines.", n=MAX_PARTS))
    for line in data.parts:
        if not line.part_code.strip() or line.quantity is None or line.quantity <= 0:
            raise Invalid(_("Each part line needs a code and a quantity more than zero."))


def _existing_report(client_id: str) -> VisitReport | None:
    return db.session.scalar(select(VisitReport).where(VisitReport.client_id == client_id))


def _replayed(actor, job: Job, existing: VisitReport) -> VisitReport:
    """A resend of a submission we already hold: the original, or a conflict if it is not the same."""
    if existing.job_id != job.id or existing.technician_id != actor.id:
        raise Conflict(_("This submission's id is already used by another report."))
    return existing


def submit_visit_report(
    actor, job: Job, data: ReportData, photos: list[Upload], signature: Upload | None, now: datetime | None = None
) -> tuple[VisitReport, bool]:
    """File the visit report and mark the job done. Returns (report, created).

    The same client_id sent again (a retry after a lost answer, a replayed offline submission)
    returns the report already stored instead of making a second one, even when two copies race.
    """
    now = now or utcnow()
    existing = _existing_report(data.client_id)
    if existing is not None:
        return _replayed(actor, job, existing), False
    ensure(actor, "jobs.work", job)
    if job.report is not None or job.status not in OPEN_FOR_WORK:
        raise Conflict(_("This job already has a visit report."))
    _validate_report(data, now)
    if signature is None:
        raise Invalid(_("Ask the customer to sign before you submit."))
    if len(photos) > MAX_PHOTOS:
        raise Invalid(_("At most %(n)d photos per report.", n=MAX_PHOTOS))
    # Check every file before writing anything, so a bad photo saves nothing at all.
    for upload in [*photos, signature]:
        attachments.check_image(upload.data, upload.filename)
    from intranet.parts import part_requests  # the parts package builds on jobs, not the other way

    catalogue = part_requests.check_report_lines([(p.part_code, p.quantity) for p in data.parts])

    report = VisitReport(
        job_id=job.id,
        client_id=data.client_id,
        technician_id=actor.id,
        arrived_at=data.arrived_at,
        left_at=data.left_at,
        fault_found=data.fault_found.strip(),
        cause=data.cause.strip(),
        action_taken=data.action_taken.strip(),
        result=data.result,
        satisfaction=data.satisfaction,
        customer_comment=data.customer_comment.strip(),
        follow_up_needed=data.follow_up_needed,
        parts=[
            PartUsed(
                part_code=catalogue[p.part_code].code,
                part_id=catalogue[p.part_code].id,
                quantity=p.quantity,
                description=p.description.strip() or catalogue[p.part_code].name,
            )
            for p in data.parts
        ],
    )
    try:
        # The insert goes first, in a savepoint: when two copies race, the loser stops here.
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError:
        existing = _existing_report(data.client_id)
        if existing is not None:
            return _replayed(actor, job, existing), False
        raise Conflict(_("This job already has a visit report.")) from None

    # The parts leave the technician's van in this transaction: a short van refuses the whole report.
    part_requests.use_parts_on_job(actor, job, [(p.part_code, p.quantity) for p in data.parts])
    for upload in photos:
        attachments.store_image(actor, REPORT_OWNER, report.id, "photo", upload.data, upload.filename)
    report.signature_id = attachments.store_image(
        actor, REPORT_OWNER, report.id, "signature", signature.data, "signature.png"
    ).id

    if job.started_at is None:
        job.started_at = data.arrived_at
    job.status = JobStatus.DONE
    job.done_at = now
    job.callback_due_at = now + timedelta(days=current_app.config["CALLBACK_DELAY_DAYS"])
    _record(job, actor, "reported", VisitResult(data.result).value, at=now)
    if data.follow_up_needed:
        follow_up = _create_follow_up(actor, job, report, now)
        _record(job, actor, "follow_up_created", follow_up.reference, at=now)
    db.session.flush()
    return report, True


def _create_follow_up(actor, job: Job, report: VisitReport, now: datetime) -> Job:
    follow_up = Job(
        branch_id=job.branch_id,
        customer_id=job.customer_id,
        site_id=job.site_id,
        equipment_id=job.equipment_id,
        source=JobSource.FOLLOW_UP,
        priority=job.priority,
        priority_rank=job.priority_rank,
        fault_description=f"{job.reference}: {report.fault_found}\n{report.action_taken}",
        due_at=now + timedelta(days=1),
        status=JobStatus.ASSIGNED,
        assigned_to_id=actor.id,
        created_by_id=actor.id,
        follow_up_of_id=job.id,
    )
    db.session.add(follow_up)
    db.session.flush()
    _record(follow_up, actor, "created", job.reference, at=now)
    _record(follow_up, actor, "assigned", actor.name, at=now)
    return follow_up


@dataclass
class Correction:
    fault_found: str
    cause: str
    action_taken: str
    result: str
    reason: str
    version: int | None = None  # the report's version the correction was made on


def correct_report(actor, report: VisitReport, correction: Correction, now: datetime | None = None) -> VisitReport:
    """A manager's correction of a filed report; what changed and why goes into the history."""
    ensure(actor, "reports.correct", report.job)
    if correction.version is not None and correction.version != report.version:
        raise Conflict(
            _(
                "This report was changed by someone else after you opened it. Reload it, look at the changes, "
                "and correct it again."
            )
        )
    if correction.result not in set(VisitResult):
        raise Invalid(_("Choose the result of the visit."))
    if not correction.reason.strip():
        raise Invalid(_("Say why the report is corrected."))
    changed = [
        name
        for name in ("fault_found", "cause", "action_taken", "result")
        if getattr(report, name) != getattr(correction, name).strip()
    ]
    if not changed:
        raise Invalid(_("Nothing was changed."))
    for name in changed:
        setattr(report, name, getattr(correction, name).strip())
    report.corrected_at = now or utcnow()
    report.corrected_by_id = actor.id
    _record(
        report.job, actor, "corrected", f"{', '.join(changed)}: {correction.reason.strip()}", at=report.corrected_at
    )
    db.session.flush()
    return report


# Callbacks (回访)


def callbacks_due(actor, now: datetime) -> list[Job]:
    ensure(actor, "callbacks.record")
    statement = (
        select(Job)
        .where(Job.status == JobStatus.DONE, Job.callback_due_at <= now)
        .options(joinedload(Job.customer), joinedload(Job.assigned_to), joinedload(Job.report))
        .order_by(Job.callback_due_at, Job.id)
        .limit(200)
    )
    if actor.role != Role.ADMIN:
        statement = statement.where(Job.branch_id == actor.branch_id)
    return list(db.session.scalars(statement))


def record_callback(actor, job: Job, outcome: str, note: str = "", now: datetime | None = None) -> Callback:
    """Satisfied closes the job; not satisfied closes it flagged for a manager; unreachable retries tomorrow."""
    ensure(actor, "callbacks.record", job)
    now = now or utcnow()
    if outcome not in set(CallbackOutcome):
        raise Invalid(_("Choose how the call went."))
    if job.status != JobStatus.DONE:
        raise Conflict(_("Only a job that is done waits for a callback."))
    callback = Callback(job=job, caller_id=actor.id, outcome=outcome, note=note.strip(), at=now)
    db.session.add(callback)
    if outcome == CallbackOutcome.UNREACHABLE:
        job.callback_due_at = now + timedelta(days=1)
    else:
        job.status = JobStatus.CLOSED
        job.closed_at = now
        job.needs_manager_attention = outcome == CallbackOutcome.NOT_SATISFIED
    _record(job, actor, "callback", f"{outcome}: {note.strip()}".rstrip(": "), at=now)
    db.session.flush()
    return callback


def resolve_attention(actor, job: Job, note: str) -> Job:
    ensure(actor, "jobs.resolve_attention", job)
    if not job.needs_manager_attention:
        raise Conflict(_("This job is not waiting for a manager."))
    if not note.strip():
        raise Invalid(_("Say how the customer's dissatisfaction was handled."))
    job.needs_manager_attention = False
    _record(job, actor, "attention_resolved", note.strip())
    db.session.flush()
    return job
