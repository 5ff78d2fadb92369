"""What happens at the front desk that other modules (notifications first) may react to.

One event per thing that happens, published by the service that makes it happen, in its
transaction (see intranet/events.py). Each carries the objects a notification needs: who acted
(`actor`, None when the clock did it), who owns it, who handles it, and the branch.
"""

from dataclasses import dataclass
from datetime import date, datetime

from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.frontdesk.models import Appointment, CloseOut, Complaint, PhoneCall, Visitor
from intranet.jobs.models import Job

# Complaints


@dataclass(frozen=True)
class ComplaintReceived:
    actor: User
    complaint: Complaint
    owner: User  # the first-contact owner: whoever received it, until it is closed
    branch: Branch
    answer_due_at: datetime  # the answer time promised to the customer


@dataclass(frozen=True)
class ComplaintHandedOn:
    actor: User
    complaint: Complaint
    owner: User
    handler: User  # who works on it now (possibly of another branch)
    branch: Branch  # the owner's branch
    handler_branch: Branch | None


@dataclass(frozen=True)
class ComplaintJobCreated:
    """A job was made from the complaint: the work is handed on to the technicians."""

    actor: User
    complaint: Complaint
    owner: User
    job: Job
    branch: Branch


@dataclass(frozen=True)
class ComplaintAnswered:
    actor: User
    complaint: Complaint
    owner: User
    handler: User | None
    branch: Branch
    on_time: bool


@dataclass(frozen=True)
class ComplaintClosed:
    actor: User
    complaint: Complaint
    owner: User
    handler: User | None
    branch: Branch


@dataclass(frozen=True)
class ComplaintReopened:
    actor: User
    complaint: Complaint
    owner: User
    handler: User | None
    branch: Branch
    answer_due_at: datetime  # the new promise


@dataclass(frozen=True)
class AnswerTimeNear:
    """Fired once, at complaint.warn_at: the owner should act before the promise is broken."""

    complaint: Complaint
    owner: User
    handler: User | None
    branch: Branch
    answer_due_at: datetime


@dataclass(frozen=True)
class AnswerTimePassed:
    """Fired once, at complaint.answer_due_at, while no answer was given: for the duty manager."""

    complaint: Complaint
    owner: User
    handler: User | None
    branch: Branch
    duty_manager: User | None  # None: nobody is on the roster today (the branch's managers then)
    answer_due_at: datetime


# The end of the day


@dataclass(frozen=True)
class DayClosedOut:
    """A branch's working day ended: its close-out lists what is still open, for the duty manager."""

    close_out: CloseOut
    branch: Branch
    day: date
    duty_manager: User | None
    open_complaints: tuple[Complaint, ...]
    overdue_complaints: tuple[Complaint, ...]  # also for the branch manager
    visitors_still_in: tuple[Visitor, ...]


@dataclass(frozen=True)
class CloseOutSigned:
    actor: User
    close_out: CloseOut
    branch: Branch
    day: date


# Appointments


@dataclass(frozen=True)
class AppointmentBooked:
    actor: User
    appointment: Appointment
    branch: Branch


@dataclass(frozen=True)
class AppointmentConfirmed:
    """The desk called the customer before the appointment: reached (confirmed) or not."""

    actor: User
    appointment: Appointment
    branch: Branch
    reached: bool


@dataclass(frozen=True)
class AppointmentArrived:
    actor: User
    appointment: Appointment
    branch: Branch
    job: Job  # the job the arrival made


@dataclass(frozen=True)
class AppointmentNoShow:
    """Marked by the clock: not arrived no_show_minutes after its time."""

    appointment: Appointment
    branch: Branch
    booked_by: User


@dataclass(frozen=True)
class AppointmentCancelled:
    actor: User
    appointment: Appointment
    branch: Branch


# Visitors


@dataclass(frozen=True)
class VisitorSignedIn:
    actor: User
    visitor: Visitor
    host: User  # the person visited
    branch: Branch


@dataclass(frozen=True)
class VisitorSignedOut:
    actor: User
    visitor: Visitor
    host: User
    branch: Branch


# Calls


@dataclass(frozen=True)
class CallAnswered:
    actor: User
    call: PhoneCall
    branch: Branch


@dataclass(frozen=True)
class CallHandedOn:
    """The call goes on as a job, complaint or appointment (`to`), which the taker fills in next."""

    actor: User
    call: PhoneCall
    branch: Branch
    to: str  # HandOn value: "job", "complaint" or "appointment"
