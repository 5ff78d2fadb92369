"""Jobs, their history, visit reports with parts lines, and callbacks."""

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Equipment, Site
from intranet.db_types import Scaled, UTCDateTime, utcnow
from intranet.enums import LabelledEnum
from intranet.extensions import db
from intranet.jobs.survey import QUESTIONS


class JobStatus(LabelledEnum):
    # Words that other things share ("Open" corrective actions) carry a context: see tests/test_i18n.py.
    OPEN = "open", _lp("job status", "Open")
    ASSIGNED = "assigned", _lp("job status", "Assigned")
    IN_PROGRESS = "in_progress", _l("In progress")
    DONE = "done", _lp("job status", "Done")
    CLOSED = "closed", _l("Closed")


class JobSource(LabelledEnum):
    APPOINTMENT = "appointment", _l("Appointment")
    COMPLAINT = "complaint", _l("Complaint")
    WALK_IN = "walk_in", _l("Walk-in")
    MAINTENANCE = "maintenance", _l("Scheduled maintenance")
    RESCUE = "rescue", _l("Roadside rescue")
    FOLLOW_UP = "follow_up", _l("Follow-up visit")


class Priority(LabelledEnum):
    # Stored as text but sorted by PRIORITY_RANK, so "urgent" comes first on Today.
    URGENT = "urgent", _l("Urgent")
    HIGH = "high", _l("High")
    NORMAL = "normal", _l("Normal")
    LOW = "low", _l("Low")

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class VisitResult(LabelledEnum):
    FIXED = "fixed", _l("Fixed")
    NEEDS_PARTS = "needs_parts", _l("Needs parts")
    ANOTHER_VISIT = "another_visit", _l("Needs another visit")
    REFERRED = "referred", _l("Referred")


class WarrantyStatus(LabelledEnum):
    """How the visit is charged, by the service manual's rule: free in warranty, billed otherwise."""

    IN_WARRANTY = "in_warranty", _l("In warranty")
    OUT_OF_WARRANTY = "out_of_warranty", _l("Out of warranty")
    PAID_SERVICE = "paid_service", _l("Paid service (upgrade, training, software)")


class CallbackOutcome(LabelledEnum):
    SATISFIED = "satisfied", _l("Satisfied")
    NOT_SATISFIED = "not_satisfied", _l("Not satisfied")
    UNREACHABLE = "unreachable", _l("Unreachable")


def job_reference(job_id: int) -> str:
    """The number a job is known by on the phone and on paper: J and six digits."""
    return f"J{job_id:06d}"


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        # Today: one technician's open jobs by due time; the manager's list: branch, status, due.
        Index("ix_job_assignee_status_due", "assigned_to_id", "status", "due_at"),
        Index("ix_job_branch_status_due", "branch_id", "status", "due_at"),
        Index("ix_job_branch_due", "branch_id", "due_at"),  # a branch's jobs, newest due first
        Index("ix_job_due", "due_at"),
        Index("ix_job_callback", "status", "callback_due_at"),
        # The dashboard: a branch's jobs opened, and done, in a period; whether a job was followed up.
        Index("ix_job_branch_created", "branch_id", "created_at"),
        Index("ix_job_branch_done", "branch_id", "done_at"),
        Index("ix_job_created", "created_at"),  # the same, over every branch (an administrator's view)
        Index("ix_job_done", "done_at"),
        Index("ix_job_follow_up_of", "follow_up_of_id"),
        Index("ix_job_branch_attention", "branch_id", "needs_manager_attention"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"))
    source: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10), default=Priority.NORMAL)
    priority_rank: Mapped[int] = mapped_column(default=2)
    fault_description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.OPEN)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    needs_manager_attention: Mapped[bool] = mapped_column(default=False)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))

    branch: Mapped[Branch] = relationship()
    customer: Mapped[Customer] = relationship()
    site: Mapped[Site] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    report: Mapped["VisitReport | None"] = relationship(back_populates="job", uselist=False)
    events: Mapped[list["JobEvent"]] = relationship(order_by="JobEvent.id", back_populates="job")
    callbacks: Mapped[list["Callback"]] = relationship(
        order_by="Callback.id", back_populates="job", foreign_keys="Callback.job_id"
    )

    @property
    def status_enum(self) -> JobStatus:
        return JobStatus(self.status)

    @property
    def priority_enum(self) -> Priority:
        return Priority(self.priority)

    @property
    def source_enum(self) -> JobSource:
        return JobSource(self.source)

    @property
    def reference(self) -> str:
        return job_reference(self.id)


class JobEvent(db.Model):
    """The job's history: who did what, when. Never updated, only added."""

    __tablename__ = "job_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")

    job: Mapped[Job] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()


class VisitReport(db.Model):
    __tablename__ = "visit_report"
    __table_args__ = (
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
        CheckConstraint("left_at >= arrived_at", name="left_after_arrival"),
        # The dashboard's satisfaction of a period's jobs, read from the index alone.
        Index("ix_visit_report_job_satisfaction", "job_id", "satisfaction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), unique=True)
    # Made by the browser when the form opens: a resend of the same submission finds this row.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fault_found: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text, default="")
    action_taken: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(20))
    warranty_status: Mapped[str | None] = mapped_column(String(20))  # None: filed before it was asked
    satisfaction: Mapped[int]
    customer_comment: Mapped[str] = mapped_column(Text, default="")
    follow_up_needed: Mapped[bool] = mapped_column(default=False)
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Bumped by every change: an edit made on an older version (a form opened earlier, a correction
    # queued offline) is refused as a conflict instead of overwriting what changed meanwhile.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    job: Mapped[Job] = relationship(back_populates="report")
    technician: Mapped[User] = relationship(foreign_keys=[technician_id])
    parts: Mapped[list["PartUsed"]] = relationship(order_by="PartUsed.id", cascade="all, delete-orphan")

    @property
    def result_enum(self) -> VisitResult:
        return VisitResult(self.result)


class PartUsed(db.Model):
    """A line of the report's parts: a catalogue part, taken out of the technician's van."""

    __tablename__ = "part_used"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("visit_report.id"), index=True)
    part_code: Mapped[str] = mapped_column(String(40))
    part_id: Mapped[int | None] = mapped_column(ForeignKey("part.id"))
    description: Mapped[str] = mapped_column(String(120), default="")
    # Thousandths of the part's unit: a litre and a half of oil, or two whole seals.
    quantity: Mapped[Decimal] = mapped_column(Scaled(3))


MARKED = tuple(question.name for question in QUESTIONS)  # one column each, below


class Callback(db.Model):
    """A call to the customer after the job (回访): the questionnaire of survey.py, or an unreachable try."""

    __tablename__ = "callback"
    __table_args__ = (
        # The callbacks made in a period: a branch's (a manager's dashboard), or every branch's.
        Index("ix_callback_branch_at", "branch_id", "at"),
        Index("ix_callback_at", "at"),
        *(CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_mark") for name in MARKED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))  # the job's: a period's calls by branch
    caller_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    attempt: Mapped[int] = mapped_column(default=1, server_default="1")  # the job's nth call
    # The questionnaire (survey.QUESTIONS): None where the customer was not reached or gave no mark.
    problem_solved: Mapped[bool | None] = mapped_column()
    contact_ease: Mapped[int | None] = mapped_column(SmallInteger)
    response_speed: Mapped[int | None] = mapped_column(SmallInteger)
    repair_speed: Mapped[int | None] = mapped_column(SmallInteger)
    skill: Mapped[int | None] = mapped_column(SmallInteger)
    attitude: Mapped[int | None] = mapped_column(SmallInteger)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    cleanliness: Mapped[int | None] = mapped_column(SmallInteger)
    staff_named: Mapped[str] = mapped_column(String(100), default="", server_default="")
    staff_remark: Mapped[str | None] = mapped_column(String(12))
    suggestions: Mapped[str] = mapped_column(Text, default="", server_default="")
    follow_up_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))

    job: Mapped[Job] = relationship(back_populates="callbacks", foreign_keys=[job_id])
    follow_up_job: Mapped[Job | None] = relationship(foreign_keys=[follow_up_job_id])
    caller: Mapped[User] = relationship()

    @property
    def outcome_enum(self) -> CallbackOutcome:
        return CallbackOutcome(self.outcome)

    @property
    def marks(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in MARKED}


EVENT_LABELS = {
    "created": _l("created the job"),
    "assigned": _l("dispatched it to"),
    "started": _l("arrived and started"),
    "reported": _l("filed the visit report"),
    "follow_up_created": _l("opened a follow-up job"),
    "corrected": _l("corrected the report"),
    "callback": _l("called the customer back"),
    "callback_closed_unreachable": _l("closed the callback: the customer could not be reached"),
    "attention_resolved": _l("handled the complaint"),
}


# Who reaches which jobs: technicians their own, everyone else their branch's (see access/scoping.py).
scoping.register(
    Job,
    id_param="job_id",
    branch="branch_id",
    owner="assigned_to_id",
    view={Role.TECHNICIAN: Reach.OWN},
    not_found=_l("No such job."),
)
scoping.register(
    VisitReport,
    id_param=None,
    branch="job.branch_id",
    owner="job.assigned_to_id",
    view={Role.TECHNICIAN: Reach.OWN},
    not_found=_l("No such visit report."),
)
scoping.register(Callback, id_param=None, branch="branch_id", not_found=_l("No such callback."))
