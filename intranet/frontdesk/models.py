"""The front desk's registers: complaints, the duty roster and close-out, appointments, visitors, calls.

Also each branch's desk settings and calendar (opening hours, holidays, make-up days), which the
promises made at the desk are counted on (see intranet/business_calendar.py).
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, case, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Site
from intranet.db_types import UTCDateTime, utcnow
from intranet.enums import LabelledEnum
from intranet.extensions import db
from intranet.jobs.models import Job
from intranet.kb.models import Article


class ComplaintChannel(LabelledEnum):
    WALK_IN = "walk_in", _l("At the desk")
    HOTLINE = "hotline", _l("Hotline")
    LETTER = "letter", _l("Letter")
    COMMENTS_BOOK = "comments_book", _l("Comments book")
    SUPERVISION_PHONE = "supervision_phone", _l("Supervision phone")
    ONLINE = "online", _l("Online")


class ComplaintCategory(LabelledEnum):
    ATTITUDE = "attitude", _l("Staff attitude")
    REPAIR_QUALITY = "repair_quality", _l("Quality of a repair")
    DELAY = "delay", _l("Waiting or lateness")
    CHARGES = "charges", _l("Charges and billing")
    PRODUCT = "product", _l("Product fault")
    SAFETY = "safety", _l("Safety")
    OTHER = "other", _l("Other")


class Severity(LabelledEnum):
    MINOR = "minor", _l("Minor")
    SERIOUS = "serious", _l("Serious")
    CRITICAL = "critical", _l("Critical (safety, outage)")


class ComplaintStatus(LabelledEnum):
    OPEN = "open", _l("Not yet answered")
    HANDED_ON = "handed_on", _l("Handed on")
    ANSWERED = "answered", _l("Answered")
    CLOSED = "closed", _l("Closed")


class CustomerResponse(LabelledEnum):
    ACCEPTED = "accepted", _l("Accepted the answer")
    NOT_ACCEPTED = "not_accepted", _l("Did not accept it")
    NOT_REACHED = "not_reached", _l("Could not be reached")


class AppointmentStatus(LabelledEnum):
    BOOKED = "booked", _l("Booked")
    CONFIRMED = "confirmed", _l("Confirmed")
    UNREACHABLE = "unreachable", _l("Could not reach")
    ARRIVED = "arrived", _l("Checked in")
    NO_SHOW = "no_show", _l("No-show")
    CANCELLED = "cancelled", _l("Cancelled")


class ServiceType(LabelledEnum):
    REPAIR = "repair", _l("Repair")
    MAINTENANCE = "maintenance", _l("Maintenance")
    INSTALLATION = "installation", _l("Installation")
    SAFETY_CHECK = "safety_check", _l("Safety check")
    CONSULTATION = "consultation", _l("Consultation")


class IdKind(LabelledEnum):
    RESIDENT_ID = "resident_id", _l("Resident ID card")
    PASSPORT = "passport", _l("Passport")
    TRAVEL_PERMIT = "travel_permit", _l("Travel permit")
    DRIVING_LICENCE = "driving_licence", _l("Driving licence")
    STAFF_CARD = "staff_card", _l("Company staff card")


class CallTopic(LabelledEnum):
    ENQUIRY = "enquiry", _l("Enquiry")
    REPAIR = "repair", _l("Repair request")
    COMPLAINT = "complaint", _l("Complaint")
    APPOINTMENT = "appointment", _l("Appointment")
    BILLING = "billing", _l("Charges and billing")
    OTHER = "other", _l("Other")


class CallOutcome(LabelledEnum):
    ANSWERED = "answered", _lp("phone call", "Answered")
    HANDED_ON = "handed_on", _l("Handed on")


class HandOn(LabelledEnum):
    """What a call was handed on to: the form that opens next, filled in from the call."""

    JOB = "job", _l("a new job")
    COMPLAINT = "complaint", _l("a complaint")
    APPOINTMENT = "appointment", _l("an appointment")


class DayKind(LabelledEnum):
    HOLIDAY = "holiday", _l("Holiday (closed)")
    WORKDAY = "workday", _l("Make-up working day")


WEEKDAY_FIELDS = ("hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun")


class DeskSettings(db.Model):
    """A branch's promises and opening hours; a branch without a row uses the defaults below."""

    __tablename__ = "desk_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), unique=True)
    # Working minutes within which a complaint is answered (480: one working day of 8 hours).
    answer_minutes: Mapped[int] = mapped_column(default=480)
    # The owner is warned when this share of the answer time is left.
    warn_percent_left: Mapped[int] = mapped_column(default=25)
    booking_lead_hours: Mapped[int] = mapped_column(default=48)
    no_show_minutes: Mapped[int] = mapped_column(default=15)
    # Opening intervals per weekday, "08:30-12:00, 13:00-17:30"; empty: closed.
    hours_mon: Mapped[str] = mapped_column(String(80), default="08:30-12:00, 13:00-17:30")
    hours_tue: Mapped[str] = mapped_column(String(80), default="08:30-12:00, 13:00-17:30")
    hours_wed: Mapped[str] = mapped_column(String(80), default="08:30-12:00, 13:00-17:30")
    hours_thu: Mapped[str] = mapped_column(String(80), default="08:30-12:00, 13:00-17:30")
    hours_fri: Mapped[str] = mapped_column(String(80), default="08:30-12:00, 13:00-17:30")
    hours_sat: Mapped[str] = mapped_column(String(80), default="")
    hours_sun: Mapped[str] = mapped_column(String(80), default="")

    branch: Mapped[Branch] = relationship()

    def week_texts(self) -> list[str]:
        return [getattr(self, name) or "" for name in WEEKDAY_FIELDS]


class CalendarDay(db.Model):
    """A date that differs from the branch's week: a public holiday, or a weekend day worked instead.

    Without a branch it holds for every branch (the State Council's yearly holiday schedule); a
    branch's own row for the same date wins.
    """

    __tablename__ = "calendar_day"
    __table_args__ = (Index("ix_calendar_day_day", "day", "branch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(60), default="")
    # A make-up day's hours; empty: those of a regular Monday.
    hours: Mapped[str] = mapped_column(String(80), default="")

    branch: Mapped[Branch | None] = relationship()

    @property
    def kind_enum(self) -> DayKind:
        return DayKind(self.kind)


class DutyAssignment(db.Model):
    """Who is the duty manager (值班站长) of a branch on a day: the close-out and escalations go to them."""

    __tablename__ = "duty_assignment"
    __table_args__ = (UniqueConstraint("branch_id", "day", name="uq_duty_branch_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    day: Mapped[date] = mapped_column(Date)
    manager_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    manager: Mapped[User] = relationship()


class Complaint(db.Model):
    """A customer's complaint, owned by whoever received it (首问负责制) until it is closed."""

    __tablename__ = "complaint"
    __table_args__ = (
        # The desk and the lists: a branch's open complaints by deadline, from either side of a hand-on.
        Index("ix_complaint_branch_status_due", "branch_id", "status", "answer_due_at"),
        Index("ix_complaint_handler_branch_status_due", "handler_branch_id", "status", "answer_due_at"),
        Index("ix_complaint_branch_received", "branch_id", "received_at"),
        Index("ix_complaint_received", "received_at"),
        # The desk: every running complaint by deadline (few at any time, whatever the history).
        Index("ix_complaint_status_due", "status", "answer_due_at"),
        # The deadline alarms: the next instants to fire at.
        Index("ix_complaint_warn", "warned_at", "warn_at"),
        Index("ix_complaint_overdue", "overdue_alerted_at", "answer_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))  # the owner's branch, where it was received
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ComplaintStatus.OPEN)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handler_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The promise told to the customer, and the instant the owner is warned before it.
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str] = mapped_column(Text, default="")
    customer_response: Mapped[str | None] = mapped_column(String(20))
    response_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(Text, default="")
    reopened_count: Mapped[int] = mapped_column(default=0)
    # The first promise and its answer, kept through reopenings: what the monthly on-time rate counts.
    first_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship(foreign_keys=[branch_id])
    handler_branch: Mapped[Branch | None] = relationship(foreign_keys=[handler_branch_id])
    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    job: Mapped[Job | None] = relationship()
    events: Mapped[list["ComplaintEvent"]] = relationship(order_by="ComplaintEvent.id", back_populates="complaint")

    @property
    def reference(self) -> str:
        return self.reference_of(self.id)

    @staticmethod
    def reference_of(complaint_id: int) -> str:
        return f"C{complaint_id:06d}"

    @property
    def is_open(self) -> bool:
        """Not yet answered to the customer: its answer time still runs."""
        return self.status in (ComplaintStatus.OPEN, ComplaintStatus.HANDED_ON)

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and answer_time_state(self.answer_due_at, self.warn_at, now) == "overdue"

    def is_near(self, now: datetime) -> bool:
        return self.is_open and answer_time_state(self.answer_due_at, self.warn_at, now) == "near"

    @property
    def answered_late(self) -> bool:
        return self.first_answered_at is not None and self.first_answered_at > self.first_due_at


def answer_time_state(answer_due_at: datetime, warn_at: datetime, now: datetime) -> str:
    """Where an open complaint stands against its answer time at `now`: "overdue", "near" (warned) or ""."""
    if now >= answer_due_at:
        return "overdue"
    return "near" if warn_at <= now else ""


def complaint_at_branch(branch_id: int):
    """SQL: a branch's complaints, in its lists and its figures: received there, or handed on to it."""
    return or_(Complaint.branch_id == branch_id, Complaint.handler_branch_id == branch_id)


class AnswerOutcome(LabelledEnum):
    """How a complaint's first promise went: what the on-time rate counts (reopening does not change it)."""

    ON_TIME = "on_time", _l("Answered in time")
    LATE = "late", _l("Answered late, or not yet and past its time")
    PENDING = "pending", _l("Not yet answered, not yet due")


def answer_outcome(now: datetime):
    """SQL: the AnswerOutcome of a complaint as of `now` (the first answer against the first promise)."""
    answered = Complaint.first_answered_at.is_not(None)
    return case(
        (answered & (Complaint.first_answered_at <= Complaint.first_due_at), AnswerOutcome.ON_TIME.value),
        (answered | (Complaint.first_due_at <= now), AnswerOutcome.LATE.value),
        else_=AnswerOutcome.PENDING.value,
    )


class ComplaintEvent(db.Model):
    """A complaint's history: received, handed on, answered, closed, reopened. Never updated."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the system's clock
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class CloseOut(db.Model):
    """The duty manager's page for one branch and working day (站长留言本): what was still open at closing."""

    __tablename__ = "close_out"
    __table_args__ = (UniqueConstraint("branch_id", "day", name="uq_close_out_branch_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    day: Mapped[date] = mapped_column(Date)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duty_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    branch: Mapped[Branch] = relationship()
    duty_manager: Mapped[User | None] = relationship(foreign_keys=[duty_manager_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    entries: Mapped[list["CloseOutEntry"]] = relationship(
        order_by="CloseOutEntry.id", back_populates="close_out", cascade="all, delete-orphan"
    )


class CloseOutEntry(db.Model):
    """One open complaint, or one visitor still signed in, as the day closed."""

    __tablename__ = "close_out_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    close_out_id: Mapped[int] = mapped_column(ForeignKey("close_out.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id"))
    overdue: Mapped[bool] = mapped_column(default=False)

    close_out: Mapped[CloseOut] = relationship(back_populates="entries")
    complaint: Mapped[Complaint | None] = relationship()
    visitor: Mapped["Visitor | None"] = relationship()


class AppointmentSlot(db.Model):
    """A time at a branch that takes up to `capacity` bookings; `booked` is kept by one conditional UPDATE."""

    __tablename__ = "appointment_slot"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="slot_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="slot_ends_after_start"),
        Index("ix_appointment_slot_branch_start", "branch_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)

    branch: Mapped[Branch] = relationship()

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Appointment(db.Model):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_branch_start", "branch_id", "starts_at"),
        Index("ix_appointment_status_start", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slot.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the slot's, kept here for the board
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    service_type: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=AppointmentStatus.BOOKED)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), unique=True)
    # The technician who will serve the customer, if chosen at booking: told the day before, and given
    # the job the arrival makes.
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    branch: Mapped[Branch] = relationship()
    slot: Mapped[AppointmentSlot] = relationship()
    customer: Mapped[Customer] = relationship()
    site: Mapped[Site] = relationship()
    booked_by: Mapped[User] = relationship(foreign_keys=[booked_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    technician: Mapped[User | None] = relationship(foreign_keys=[technician_id])
    job: Mapped[Job | None] = relationship()

    @property
    def reference(self) -> str:
        return f"A{self.id:06d}"

    @property
    def is_expected(self) -> bool:
        """Still to come: booked, confirmed, or the customer could not be reached to confirm."""
        return self.status in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.UNREACHABLE)


class Visitor(db.Model):
    """One visit to a branch (来访登记). Of an identity document only the kind and last 4 characters are kept."""

    __tablename__ = "visitor"
    __table_args__ = (
        Index("ix_visitor_branch_in", "branch_id", "signed_in_at"),
        # Who is in the building: the not-signed-out of a branch, by arrival.
        Index("ix_visitor_branch_out", "branch_id", "signed_out_at", "signed_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    name: Mapped[str] = mapped_column(String(60))
    company: Mapped[str] = mapped_column(String(120), default="")
    purpose: Mapped[str] = mapped_column(String(200))
    host_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    id_kind: Mapped[str] = mapped_column(String(20))
    id_last4: Mapped[str] = mapped_column(String(4))
    badge: Mapped[str] = mapped_column(String(20), default="")
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_in_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    branch: Mapped[Branch] = relationship()
    host: Mapped[User] = relationship(foreign_keys=[host_id])
    signed_in_by: Mapped[User] = relationship(foreign_keys=[signed_in_by_id])
    signed_out_by: Mapped[User | None] = relationship(foreign_keys=[signed_out_by_id])

    @property
    def id_kind_enum(self) -> IdKind:
        return IdKind(self.id_kind)


class MeetingRoom(db.Model):
    __tablename__ = "meeting_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    seats: Mapped[int] = mapped_column(default=8)
    active: Mapped[bool] = mapped_column(default=True)

    branch: Mapped[Branch] = relationship()


class RoomBooking(db.Model):
    __tablename__ = "room_booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="booking_ends_after_start"),
        Index("ix_room_booking_room_start", "room_id", "starts_at"),
        Index("ix_room_booking_branch_start", "branch_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("meeting_room.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(120))
    booked_for: Mapped[str] = mapped_column(String(120), default="")
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    room: Mapped[MeetingRoom] = relationship()
    booked_by: Mapped[User] = relationship()


class PhoneCall(db.Model):
    """A call taken at the desk (用户电话登记): answered there, or handed on to a job, complaint or appointment."""

    __tablename__ = "phone_call"
    __table_args__ = (
        Index("ix_phone_call_branch_at", "branch_id", "at"),
        Index("ix_phone_call_taker_at", "taken_by_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    caller_name: Mapped[str] = mapped_column(String(60), default="")
    number: Mapped[str] = mapped_column(String(30), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    topic: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(12))
    handed_to: Mapped[str | None] = mapped_column(String(12))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))

    branch: Mapped[Branch] = relationship()
    taken_by: Mapped[User] = relationship()
    customer: Mapped[Customer | None] = relationship()
    article: Mapped[Article | None] = relationship()
    job: Mapped[Job | None] = relationship()
    complaint: Mapped[Complaint | None] = relationship()
    appointment: Mapped[Appointment | None] = relationship()

    @property
    def waiting_for_hand_on(self) -> bool:
        """Handed on, but the job, complaint or appointment it was handed to is not saved yet."""
        return self.outcome == CallOutcome.HANDED_ON and not (self.job_id or self.complaint_id or self.appointment_id)


COMPLAINT_EVENT_LABELS = {
    "received": _l("received the complaint"),
    "handed_on": _l("handed it on to"),
    "job": _l("created a job for it"),
    "answered": _l("answered the customer"),
    "closed": _l("closed it"),
    "reopened": _l("reopened it"),
    "warned": _l("Answer time near: the owner was warned"),
    "overdue": _l("Answer time passed: the duty manager was alerted"),
}


# Who reaches what (see access/scoping.py). A complaint is its owner's branch's, and, once handed on,
# also the handling branch's; its owner keeps it whatever branch it went to.
_DESK = {
    Role.RECEPTIONIST: Reach.BRANCH,
    Role.MANAGER: Reach.BRANCH,
    Role.TECHNICIAN: Reach.NONE,
    Role.STOREKEEPER: Reach.NONE,
}
scoping.register(DeskSettings, id_param=None, branch="branch_id", view=_DESK)
scoping.register(
    CalendarDay, id_param="calendar_day_id", branch="branch_id", view=_DESK, not_found=_l("No such calendar day.")
)
scoping.register(DutyAssignment, id_param=None, branch="branch_id", view=_DESK)
scoping.register(
    Complaint,
    id_param="complaint_id",
    branch=("branch_id", "handler_branch_id"),
    owner="owner_id",
    view={**_DESK, Role.RECEPTIONIST: Reach.BRANCH_OR_OWN, Role.MANAGER: Reach.BRANCH_OR_OWN},
    not_found=_l("No such complaint."),
    hide=True,
)
scoping.register(
    ComplaintEvent, id_param=None, branch=("complaint.branch_id", "complaint.handler_branch_id"), view=_DESK
)
scoping.register(CloseOut, id_param=None, branch="branch_id", view=_DESK)
scoping.register(CloseOutEntry, id_param=None, branch="close_out.branch_id", view=_DESK)
scoping.register(AppointmentSlot, id_param=None, branch="branch_id", view=_DESK)
scoping.register(
    Appointment, id_param="appointment_id", branch="branch_id", view=_DESK, not_found=_l("No such appointment.")
)
scoping.register(Visitor, id_param="visitor_id", branch="branch_id", view=_DESK, not_found=_l("No such visitor."))
scoping.register(MeetingRoom, id_param=None, branch="branch_id", view=_DESK)
scoping.register(
    RoomBooking, id_param="room_booking_id", branch="branch_id", view=_DESK, not_found=_l("No such room booking.")
)
scoping.register(PhoneCall, id_param=None, branch="branch_id", owner="taken_by_id", view=_DESK)
