"""Callbacks (回访): the front desk calls the customer after the visit and asks the questionnaire.

The rules (callback_rules.py): an unreachable customer is tried the next day, the last allowed try
closes the callback as unreachable; a customer reached closes the job, and one not satisfied (the
problem not solved, or a mark below 3) leaves it waiting for a manager, who is told; a problem not
solved also opens a follow-up job for the technician who did the visit.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.customers.models import Customer
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.jobs import callback_rules
from intranet.jobs.events import CallbackRecorded, JobDispatched
from intranet.jobs.history import record
from intranet.jobs.models import Callback, CallbackOutcome, Job, JobStatus, job_reference
from intranet.jobs.service import open_follow_up
from intranet.jobs.survey import MARKS, QUESTIONS, STAFF_NAMED_LENGTH, SUGGESTIONS_LENGTH, StaffRemark
from intranet.listing import prepared
from intranet.templating import format_moment

NOTE_LENGTH = 1000


def _due(actor, now: datetime, branch_id: int | None):
    statement = select(Job).where(Job.status == JobStatus.DONE, Job.callback_due_at <= now, scoping.visible(actor, Job))
    return statement.where(Job.branch_id == branch_id) if branch_id is not None else statement


def callbacks_due(actor, now: datetime, limit: int = 200) -> list[Job]:
    """Done jobs whose callback is due, oldest first, with their technician and report."""
    ensure(actor, "callbacks.record")
    key = ("callbacks_due", actor.id, actor.role, actor.branch_id, limit)
    statement = prepared(
        key,
        lambda: (
            _due(actor, bindparam("now"), None)
            .options(joinedload(Job.customer), joinedload(Job.assigned_to), joinedload(Job.report))
            .order_by(Job.callback_due_at, Job.id)
            .limit(limit)
        ),
    )
    return list(db.session.scalars(statement, {"now": now}))


class DueCallback(NamedTuple):
    """A line of a short list of callbacks due: whom to call, about which job."""

    id: int
    customer_name: str
    customer_phone: str | None

    @property
    def reference(self) -> str:
        return job_reference(self.id)


def callbacks_due_lines_statement(actor, branch_id: int, limit: int):
    """The branch's callbacks due, oldest first, as names and numbers: the columns of DueCallback, then the
    time the callback was due; `now` is bound when it runs (the desk reads it with its other lists)."""
    ensure(actor, "callbacks.record")
    return prepared(
        ("callbacks_due_lines", actor.id, actor.role, actor.branch_id, branch_id, limit),
        lambda: (
            _due(actor, bindparam("now"), branch_id)
            .with_only_columns(Job.id, Customer.name, Customer.phone, Job.callback_due_at, maintain_column_froms=True)
            .join(Customer, Customer.id == Job.customer_id)
            .order_by(Job.callback_due_at, Job.id)
            .limit(limit)
        ),
    )


@dataclass
class CallbackAnswers:
    """What the customer said (or that they could not be reached); marks by question name, None unanswered."""

    reached: bool
    problem_solved: bool | None = None
    marks: dict[str, int | None] = field(default_factory=dict)
    staff_named: str = ""
    staff_remark: str | None = None
    suggestions: str = ""
    note: str = ""


def _checked(answers: CallbackAnswers) -> CallbackAnswers:
    """The answers trimmed and checked; an unreachable call keeps only its note."""
    note = (answers.note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise Invalid(_("The note is at most %(n)d characters.", n=NOTE_LENGTH))
    if not answers.reached:
        return CallbackAnswers(reached=False, note=note)
    if answers.problem_solved is None:
        raise Invalid(_("Ask whether the problem is solved."))
    unknown = set(answers.marks) - {q.name for q in QUESTIONS}
    if unknown or any(mark is not None and mark not in MARKS for mark in answers.marks.values()):
        raise Invalid(_("Each answer is a mark from 1 to 5, or none."))
    named, suggestions = (answers.staff_named or "").strip(), (answers.suggestions or "").strip()
    if len(named) > STAFF_NAMED_LENGTH or len(suggestions) > SUGGESTIONS_LENGTH:
        raise Invalid(_("An answer is too long."))
    remark = answers.staff_remark or None
    if remark is not None and remark not in set(StaffRemark):
        raise Invalid(_("Say whether the person named was particularly warm or not warm enough."))
    if bool(named) != (remark is not None):
        raise Invalid(_("Name the member of staff and say whether they were particularly warm or not warm enough."))
    marks = {q.name: answers.marks.get(q.name) for q in QUESTIONS}
    return CallbackAnswers(True, answers.problem_solved, marks, named, remark, suggestions, note)


def ensure_waiting(job: Job) -> None:
    """Refuses a callback for a job that no longer waits for one (already called back, or reopened)."""
    if job.status != JobStatus.DONE:
        raise Conflict(_("Only a job that is done waits for a callback."))


def record_callback(actor, job: Job, answers: CallbackAnswers, now: datetime | None = None) -> Callback:
    """One call: the questionnaire of a customer reached, or an unreachable try (the last one closes it)."""
    ensure(actor, "callbacks.record", job)
    now = now or utcnow()
    ensure_waiting(job)
    answers = _checked(answers)
    if not answers.reached and job.callbacks and job.callback_due_at is not None and job.callback_due_at > now:
        # One unanswered try per day: a second click on "No answer" must not use up the customer's tries.
        raise Conflict(
            _(
                "A call without an answer is already recorded; the next try is due %(when)s.",
                when=format_moment(job.callback_due_at),
            )
        )
    outcome = callback_rules.outcome_of(answers.reached, answers.problem_solved, answers.marks)
    callback = Callback(
        job=job,
        branch_id=job.branch_id,
        caller_id=actor.id,
        outcome=outcome,
        note=answers.note,
        at=now,
        attempt=len(job.callbacks) + 1,  # every earlier call was an unreachable try: a reached one closes
        problem_solved=answers.problem_solved,
        staff_named=answers.staff_named,
        staff_remark=answers.staff_remark,
        suggestions=answers.suggestions,
        **answers.marks,
    )
    db.session.add(callback)
    record(job, actor, "callback", f"{outcome}: {answers.note}".rstrip(": "), at=now)
    follow_up = None
    if outcome == CallbackOutcome.UNREACHABLE and not callback_rules.gives_up(callback.attempt):
        job.callback_due_at = now + timedelta(days=callback_rules.RETRY_DAYS)
    else:
        job.status = JobStatus.CLOSED
        job.closed_at = now
        job.needs_manager_attention = outcome == CallbackOutcome.NOT_SATISFIED
        if outcome == CallbackOutcome.UNREACHABLE:
            record(job, actor, "callback_closed_unreachable", str(callback.attempt), at=now)
        if answers.problem_solved is False:
            follow_up = _follow_up(actor, job, answers, now)
            callback.follow_up_job = follow_up
    db.session.flush()
    events.publish(CallbackRecorded(actor, job, callback))
    if follow_up is not None and follow_up.assigned_to_id is not None:
        events.publish(JobDispatched(actor, follow_up))
    return callback


def _follow_up(actor, job: Job, answers: CallbackAnswers, now: datetime) -> Job:
    """The problem is back: another visit, for the technician who did this one while they still work here."""
    technician = job.assigned_to
    if technician is not None and (not technician.active or technician.role != Role.TECHNICIAN):
        technician = None
    said = answers.note or answers.suggestions or _("Not solved when the customer was called back.")
    return open_follow_up(actor, job, f"{job.reference}: {said}", technician, now)


def resolve_attention(actor, job: Job, note: str) -> Job:
    ensure(actor, "jobs.resolve_attention", job)
    if not job.needs_manager_attention:
        raise Conflict(_("This job is not waiting for a manager."))
    if not note.strip():
        raise Invalid(_("Say how the customer's dissatisfaction was handled."))
    job.needs_manager_attention = False
    record(job, actor, "attention_resolved", note.strip())
    db.session.flush()
    return job
