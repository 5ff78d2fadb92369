"""The complaint alarms ring at their instants: a queued task woken at each stored warn_at and answer_due_at.

When a complaint gets a promise (received, or reopened with a new one), the queue is given a task for
each of its two instants once the promise is committed; at that second the task fires whatever alarms
are due (deadlines.fire_due_alarms, which claims each alarm once). A queue that was down when the
promise was made loses the wake-up call, not the alarm: the schedule's minute sweep
(intranet/schedule.py, "complaint_alarms") fires anything due that nobody woke for.
"""

from datetime import datetime

from intranet import events, task_queue
from intranet.db_types import utcnow
from intranet.frontdesk.deadlines import fire_due_alarms
from intranet.frontdesk.events import ComplaintReceived, ComplaintReopened
from intranet.frontdesk.models import Complaint
from intranet.unit_of_work import after_commit, transaction


@task_queue.task()
def ring() -> None:
    """Woken at an alarm's instant: fire every alarm due by now."""
    with transaction():
        fire_due_alarms(utcnow())


def wake_at(*instants: datetime) -> None:
    for instant in sorted(set(instants)):
        task_queue.enqueue_at(ring, instant)


def _set_alarms(complaint: Complaint) -> None:
    warn_at, due_at = complaint.warn_at, complaint.answer_due_at  # read now: after the commit they are expired
    after_commit(lambda: wake_at(warn_at, due_at))


@events.subscribe(ComplaintReceived)
def set_the_alarms_of_a_new_complaint(event: ComplaintReceived) -> None:
    _set_alarms(event.complaint)


@events.subscribe(ComplaintReopened)
def set_the_alarms_of_the_new_promise(event: ComplaintReopened) -> None:
    _set_alarms(event.complaint)
