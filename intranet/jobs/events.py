"""What happens to jobs that other modules may react to (see intranet/events.py)."""

from dataclasses import dataclass

from intranet.jobs.models import Callback, Job, VisitReport


@dataclass(frozen=True)
class JobDispatched:
    """A job was given to a technician (first dispatch or a reassignment)."""

    actor: object
    job: Job


@dataclass(frozen=True)
class VisitReportFiled:
    """A technician filed the visit report; its part lines say what left their van."""

    actor: object
    job: Job
    report: VisitReport


@dataclass(frozen=True)
class CallbackRecorded:
    """The front desk called the customer back (satisfied, not satisfied or unreachable)."""

    actor: object
    job: Job
    callback: Callback
