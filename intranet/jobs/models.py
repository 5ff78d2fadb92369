"""Jobs, their history, visit reports with parts lines, and callbacks."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Equipment, Site
from intranet.db_types import Scaled, UTCDateTime, utcnow
from intranet.extensions import db


class JobStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"

    @property
    def label(self):
        return {
            "open": _l("Open"),
            "assigned": _l("Assigned"),
            "in_progress": _l("In progress"),
            "done": _l("Done"),
            "closed": _l("Closed"),
        }[self.value]


class JobSource(StrEnum):
    APPOINTMENT = "appointment"
    COMPLAINT = "complaint"
    WALK_IN = "walk_in"
    MAINTENANCE = "maintenance"
    RESCUE = "rescue"
    FOLLOW_UP = "follow_up"

    @property
    def label(self):
        return {
            "appointment": _l("Appointment"),
            "complaint": _l("Complaint"),
            "walk_in": _l("Walk-in"),
            "maintenance": _l("Scheduled maintenance"),
            "rescue": _l("Roadside rescue"),
            "follow_up": _l("Follow-up visit"),
        }[self.value]


class Priority(StrEnum):
    # Stored as text but sorted by PRIORITY_RANK, so "urgent" comes first on Today.
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def label(self):
        return {"urgent": _l("Urgent"), "high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}[self.value]

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class VisitResult(StrEnum):
    FIXED = "fixed"
    NEEDS_PARTS = "needs_parts"
    ANOTHER_VISIT = "another_visit"
    REFERRED = "referred"

    @property
    def label(self):
        return {
            "fixed": _l("Fixed"),
            "needs_parts": _l("Needs parts"),
            "another_visit": _l("Needs another visit"),
            "referred": _l("Referred"),
        }[self.value]


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    UNREACHABLE = "unreachable"

    @property
    def label(self):
        return {
            "satisfied": _l("Satisfied"),
            "not_satisfied": _l("Not satisfied"),
            "unreachable": _l("Unreachable"),
        }[self.value]


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        # Today: one technician's open jobs by due time; the manager's list: branch, status, due.
        Index("ix_job_assignee_status_due", "assigned_to_id", "status", "due_at"),
        Index("ix_job_branch_status_due", "branch_id", "status", "due_at"),
        Index("ix_job_branch_due", "branch_id", "due_at"),  # a branch's jobs, newest due first
        Index("ix_job_due", "due_at"),
        Index("ix_job_callback", "status", "callback_due_at"),
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
    callbacks: Mapped[list["Callback"]] = relationship(order_by="Callback.id", back_populates="job")

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
        return f"J{self.id:06d}"


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


class Callback(db.Model):
    """A call to the customer after the job (回访)."""

    __tablename__ = "callback"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), index=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    job: Mapped[Job] = relationship(back_populates="callbacks")
    caller: Mapped[User] = relationship()

    @property
    def outcome_enum(self) -> CallbackOutcome:
        return CallbackOutcome(self.outcome)


EVENT_LABELS = {
    "created": _l("created the job"),
    "assigned": _l("dispatched it to"),
    "started": _l("arrived and started"),
    "reported": _l("filed the visit report"),
    "follow_up_created": _l("opened a follow-up job"),
    "corrected": _l("corrected the report"),
    "callback": _l("called the customer back"),
    "attention_resolved": _l("handled the complaint"),
}
