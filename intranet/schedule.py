"""What runs on a schedule, replacing cron: each job, when it runs (company time) and what it does.

The queue's consumer checks every minute which jobs are due. Every job is safe to run twice in its
period (it makes or tells nothing twice), and most run more often than needed, so a consumer that
was down at the planned minute catches up at the next one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from huey import crontab

from intranet import task_queue
from intranet.db_types import utcnow
from intranet.downloads.service import tidy as tidy_downloads
from intranet.frontdesk.appointments import mark_no_shows
from intranet.frontdesk.closeout import close_days
from intranet.frontdesk.deadlines import fire_due_alarms
from intranet.inspections.schedules import generate_all
from intranet.notifications import reminders
from intranet.notifications.tasks import sweep
from intranet.unit_of_work import transaction


@dataclass(frozen=True)
class Job:
    name: str
    when: Callable[[datetime], bool]  # a huey crontab, asked with the company's local time
    run: Callable[[datetime], int]  # does the work for `now` (UTC); returns how much it did
    own_transactions: bool = False  # the job commits itself (it talks to the outside between commits)


def complaint_alarms(now: datetime) -> int:
    warned, overdue = fire_due_alarms(now)
    return warned + overdue


SCHEDULE = [
    # Pushes whose queue message was lost (queue down), quiet hours that ended, retries that are due.
    Job("push_sweep", crontab(), sweep, own_transactions=True),
    # This period's inspection of every recurring assignment: hourly, one per schedule and period.
    Job("inspections_generate", crontab(minute="5"), generate_all),
    Job("low_stock", crontab(minute="*/10"), reminders.low_stock),
    # Working hours only: the reminders are told once a day (or once per due date) by their keys.
    Job("callbacks_due", crontab(minute="30", hour="8-17"), reminders.callbacks_due),
    Job("corrective_actions", crontab(minute="0", hour="8-17"), reminders.corrective_actions),
    # The front desk. A complaint's alarms ring at their own second (frontdesk/alarm_clock.py wakes the
    # queue at each stored instant); this minute's sweep only fires what a queue that was down missed.
    Job("complaint_alarms", crontab(), complaint_alarms),
    # A booking lapses 15 minutes (per branch) after its time: within the minute is soon enough, and
    # the day's board marks them itself when it opens.
    Job("appointment_no_shows", crontab(), mark_no_shows),
    # Each branch's day is closed out within 5 minutes of its closing time (yesterday's too, if missed).
    Job("close_out", crontab(minute="*/5"), close_days),
    # The evening before: technicians hear of tomorrow's customers (from 17:00; later runs catch up).
    Job("appointments_tomorrow", crontab(minute="*/15", hour="17-21"), reminders.appointments_tomorrow),
    # Background exports: a file whose queue message was lost is handed over again; old files go.
    Job("downloads_tidy", crontab(minute="*/10"), tidy_downloads),
]


def _local(now: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return now.astimezone(zone).replace(tzinfo=None)


def due(now: datetime) -> list[Job]:
    """The jobs whose time is the minute of `now`."""
    local = _local(now)
    return [job for job in SCHEDULE if job.when(local)]


def run(job: Job, now: datetime) -> int:
    if job.own_transactions:
        return job.run(now)
    with transaction():
        return job.run(now)


def _queued(job: Job):
    def run_now() -> int:
        return run(job, utcnow())

    run_now.__name__ = job.name
    return task_queue.periodic(lambda now: job.when(_local(now)))(run_now)


PERIODIC_TASKS = {job.name: _queued(job) for job in SCHEDULE}
