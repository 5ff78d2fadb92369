"""The job lists' filters, read from a request's arguments: the list, its export and the dashboard's
links all use these, so a figure's link shows exactly the rows it counted."""

from dataclasses import dataclass
from datetime import datetime

from intranet.jobs.models import CallbackOutcome, JobStatus
from intranet.listing import choice_filter, day_filter, id_filter


@dataclass
class JobFilters:
    status: str | None = None
    technician_id: int | None = None
    branch_id: int | None = None
    due_from: datetime | None = None
    due_before: datetime | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    done_from: datetime | None = None
    done_before: datetime | None = None
    attention: bool = False
    open: bool = False  # not done yet: open, assigned or in progress
    overdue: bool = False  # not done and past its due time
    first_visit: bool = False  # not itself a follow-up visit
    followed_up: bool | None = None  # True: another visit was needed; False: none was


@dataclass
class ReportFilters:
    branch_id: int | None = None
    technician_id: int | None = None
    done_from: datetime | None = None
    done_before: datetime | None = None
    satisfaction: int | None = None


@dataclass
class CallbackFilters:
    branch_id: int | None = None
    outcome: str | None = None
    called_from: datetime | None = None
    called_before: datetime | None = None


def _yes_no(args, name: str) -> bool | None:
    value = choice_filter(args, name, ("yes", "no"))
    return None if value is None else value == "yes"


def job_filters(args) -> JobFilters:
    return JobFilters(
        status=choice_filter(args, "status", JobStatus),
        technician_id=id_filter(args, "technician"),
        branch_id=id_filter(args, "branch"),
        due_from=day_filter(args, "due_from"),
        due_before=day_filter(args, "due_to", through=True),
        created_from=day_filter(args, "created_from"),
        created_before=day_filter(args, "created_to", through=True),
        done_from=day_filter(args, "done_from"),
        done_before=day_filter(args, "done_to", through=True),
        attention=args.get("attention") == "1",
        open=args.get("open") == "1",
        overdue=args.get("overdue") == "1",
        first_visit=args.get("first_visit") == "1",
        followed_up=_yes_no(args, "followed_up"),
    )


def report_filters(args) -> ReportFilters:
    satisfaction = choice_filter(args, "satisfaction", ("1", "2", "3", "4", "5"))
    return ReportFilters(
        branch_id=id_filter(args, "branch"),
        technician_id=id_filter(args, "technician"),
        done_from=day_filter(args, "done_from"),
        done_before=day_filter(args, "done_to", through=True),
        satisfaction=int(satisfaction) if satisfaction else None,
    )


def callback_filters(args) -> CallbackFilters:
    return CallbackFilters(
        branch_id=id_filter(args, "branch"),
        outcome=choice_filter(args, "outcome", CallbackOutcome),
        called_from=day_filter(args, "from"),
        called_before=day_filter(args, "to", through=True),
    )
