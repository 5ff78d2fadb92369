"""The dashboard's job and customer figures, each over the rows its reader may list."""

from collections import Counter
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from intranet.access import scoping
from intranet.access.permissions import can
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.extensions import db
from intranet.figures import (
    Bar,
    Cell,
    Chart,
    DashboardQuery,
    Figure,
    Section,
    Table,
    median,
    nearest_rank,
    one_decimal,
    share,
)
from intranet.jobs.models import Callback, CallbackOutcome, Job, JobSource, VisitReport
from intranet.jobs.service import OPEN_STATUSES, has_follow_up
from intranet.periods import Period

DISSATISFIED_SHOWN = 10


def _jobs(query: DashboardQuery, *columns):
    statement = select(*columns).select_from(Job).where(scoping.visible(query.actor, Job))
    if query.branch_id is not None:
        statement = statement.where(Job.branch_id == query.branch_id)
    return statement


def _count(query: DashboardQuery, *conditions) -> int:
    return db.session.scalar(_jobs(query, func.count()).where(*conditions)) or 0


def _counts(query: DashboardQuery, column, *conditions) -> tuple[int, int]:
    """(rows whose `column` falls in the period, rows in the compared period), in one query."""
    bucket, either = query.both_periods(column)
    statement = _jobs(query, bucket, func.count()).where(*either, *conditions).group_by(bucket)
    counted = dict(db.session.execute(statement).all())
    return counted.get(0, 0), counted.get(1, 0)


def _response_hours(query: DashboardQuery) -> tuple[list[float], list[float]]:
    """Hours from a job's creation to the technician's arrival, for the jobs done in each period."""
    bucket, either = query.both_periods(Job.done_at)
    statement = _jobs(query, bucket, Job.created_at, Job.started_at).where(*either, Job.started_at.is_not(None))
    hours = ([], [])
    for which, created, started in db.session.execute(statement):
        hours[which].append((started - created).total_seconds() / 3600)
    return hours


def _first_time_fix(query: DashboardQuery) -> tuple[tuple[int, int], tuple[int, int]]:
    """Per period: (first visits done, of which no second visit was needed)."""
    bucket, either = query.both_periods(Job.done_at)
    fixed = func.sum(case((has_follow_up(), 0), else_=1))
    statement = (
        _jobs(query, bucket, func.count(), fixed).where(*either, Job.source != JobSource.FOLLOW_UP).group_by(bucket)
    )
    counted = {which: (int(first), int(fixed or 0)) for which, first, fixed in db.session.execute(statement)}
    return counted.get(0, (0, 0)), counted.get(1, (0, 0))


def jobs_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "jobs.list"):
        return None
    period = query.period
    done_args = period.list_args("done_from", "done_to")
    open_statuses = [status.value for status in OPEN_STATUSES]
    hours, hours_before = _response_hours(query)
    (first, fixed), (first_before, fixed_before) = _first_time_fix(query)
    opened, opened_before = _counts(query, Job.created_at)
    done, done_before = _counts(query, Job.done_at)
    section = Section("jobs", _l("Jobs"))
    section.figures = [
        Figure(
            "jobs.opened",
            _l("Opened"),
            opened,
            query.link("jobs.index", **period.list_args("created_from", "created_to")),
            opened_before,
        ),
        Figure("jobs.done", _l("Done"), done, query.link("jobs.index", **done_args), done_before),
        Figure(
            "jobs.open_now",
            _l("Open now"),
            _count(query, Job.status.in_(open_statuses)),
            query.link("jobs.index", open=1),
        ),
        Figure(
            "jobs.overdue_now",
            _l("Overdue now"),
            _count(query, Job.status.in_(open_statuses), Job.due_at < query.now),
            query.link("jobs.index", overdue=1),
        ),
        Figure(
            "jobs.response_median",
            _l("Response time, median"),
            median(hours),
            query.link("jobs.index", **done_args),
            median(hours_before),
            unit="h",
            note=_l("from the job's creation to the technician's arrival, jobs done in the period"),
        ),
        Figure(
            "jobs.response_p90",
            _l("Response time, 90th percentile"),
            nearest_rank(hours, 90),
            query.link("jobs.index", **done_args),
            nearest_rank(hours_before, 90),
            unit="h",
        ),
        Figure(
            "jobs.first_time_fix",
            _l("Fixed on the first visit"),
            share(fixed, first),
            query.link("jobs.index", first_visit=1, followed_up="no", **done_args),
            share(fixed_before, first_before),
            unit="%",
            note=_l("%(fixed)d of %(first)d first visits needed no follow-up", fixed=fixed, first=first),
        ),
    ]
    section.charts = [_per_technician(query, period)]
    if query.branch_id is None and scoping.sees_every_branch(query.actor):
        section.tables = [_branches_side_by_side(query, period)]
    return section


def _per_technician(query: DashboardQuery, period: Period) -> Chart:
    statement = (
        select(Job.assigned_to_id, func.count())
        .where(scoping.visible(query.actor, Job), period.holds(Job.done_at), Job.assigned_to_id.is_not(None))
        .group_by(Job.assigned_to_id)
    )
    if query.branch_id is not None:
        statement = statement.where(Job.branch_id == query.branch_id)
    counts = dict(db.session.execute(statement).all())
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(counts))).all())
    done_args = period.list_args("done_from", "done_to")
    bars = [
        Bar(names.get(user_id, "?"), n, query.link("jobs.index", technician=user_id, **done_args))
        for user_id, n in sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))
    ]
    return Chart(
        "jobs.per_technician",
        _l("Jobs done per technician"),
        bars,
        value_header=_l("Jobs done"),
        label_header=_l("Technician"),
    )


def _branches_side_by_side(query: DashboardQuery, period: Period) -> Table:
    """An administrator's view: the headline figures of every branch, one row each."""

    def by_branch(*conditions) -> Counter:
        statement = (
            select(Job.branch_id, func.count())
            .where(scoping.visible(query.actor, Job), *conditions)
            .group_by(Job.branch_id)
        )
        return Counter(dict(db.session.execute(statement).all()))

    opened = by_branch(period.holds(Job.created_at))
    done = by_branch(period.holds(Job.done_at))
    open_now = by_branch(Job.status.in_([s.value for s in OPEN_STATUSES]))
    overdue = by_branch(Job.status.in_([s.value for s in OPEN_STATUSES]), Job.due_at < query.now)
    first_visits = (period.holds(Job.done_at), Job.source != JobSource.FOLLOW_UP)
    first, fixed = by_branch(*first_visits), by_branch(*first_visits, ~has_follow_up())
    marks = db.session.execute(
        select(Job.branch_id, func.avg(VisitReport.satisfaction))
        .join(VisitReport, VisitReport.job_id == Job.id)
        .where(scoping.visible(query.actor, VisitReport), period.holds(Job.done_at))
        .group_by(Job.branch_id)
    )
    satisfaction = {branch_id: one_decimal(average) for branch_id, average in marks}
    rows = []
    for branch in db.session.scalars(select(Branch).where(Branch.active.is_(True)).order_by(Branch.code)):

        def link(branch_id=branch.id, **args):
            return query.link("jobs.index", branch=branch_id, **args)

        rows.append(
            [
                Cell(branch.name),
                Cell(opened[branch.id], link(**period.list_args("created_from", "created_to"))),
                Cell(done[branch.id], link(**period.list_args("done_from", "done_to"))),
                Cell(open_now[branch.id], link(open=1)),
                Cell(overdue[branch.id], link(overdue=1)),
                Cell(share(fixed[branch.id], first[branch.id])),
                Cell(
                    satisfaction.get(branch.id),
                    query.link("jobs.reports", branch=branch.id, **period.list_args("done_from", "done_to")),
                ),
            ]
        )
    headers = [
        _l("Branch"),
        _l("Opened"),
        _l("Done"),
        _l("Open now"),
        _l("Overdue now"),
        _l("Fixed on the first visit, %"),
        _l("Satisfaction, average of 5"),
    ]
    return Table("jobs.by_branch", _l("Branches side by side"), headers, rows)


# Customers: satisfaction, callbacks, the dissatisfied


def customers_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "jobs.list"):
        return None
    period = query.period
    marks, marks_before = _satisfaction(query)
    done_args = period.list_args("done_from", "done_to")
    section = Section("customers", _l("Customers"))
    section.figures = [
        Figure(
            "customers.satisfaction",
            _l("Satisfaction, average of 5"),
            _average(marks),
            query.link("jobs.reports", **done_args),
            _average(marks_before),
            note=_l("%(n)d visit reports", n=sum(marks.values())),
        ),
        Figure(
            "customers.waiting_for_manager",
            _l("Unhappy customers waiting for a manager"),
            _count(query, Job.needs_manager_attention.is_(True)),
            query.link("jobs.index", attention=1),
        ),
    ]
    section.charts = [
        Chart(
            "customers.satisfaction_marks",
            _l("Satisfaction marks"),
            [
                Bar(f"{mark} ★", marks[mark], query.link("jobs.reports", satisfaction=mark, **done_args))
                for mark in range(5, 0, -1)
            ],
            value_header=_l("Visit reports"),
            label_header=_l("Satisfaction"),
        )
    ]
    if can(query.actor, "callbacks.record"):
        outcomes, outcomes_before = _callbacks(query)
        called = period.list_args()
        section.figures.append(
            Figure(
                "customers.callbacks",
                _l("Callbacks made"),
                sum(outcomes.values()),
                query.link("jobs.callback_log", **called),
                sum(outcomes_before.values()),
            )
        )
        section.charts.append(
            Chart(
                "customers.callback_outcomes",
                _l("How the callbacks went"),
                [
                    Bar(
                        str(outcome.label),
                        outcomes[outcome.value],
                        query.link("jobs.callback_log", outcome=outcome.value, **called),
                    )
                    for outcome in CallbackOutcome
                ],
                value_header=_l("Callbacks"),
                label_header=_l("Outcome"),
            )
        )
        section.tables.append(_dissatisfied(query, period))
    return section


def _satisfaction(query: DashboardQuery) -> tuple[Counter, Counter]:
    """Marks of the visit reports of the jobs done in the period, and in the compared one."""
    bucket, either = query.both_periods(Job.done_at)
    statement = (
        select(bucket, VisitReport.satisfaction, func.count())
        .join(Job, Job.id == VisitReport.job_id)
        # A report is within reach exactly when its job is (the scoping registry says so, and
        # tests/dashboard/test_figures.py holds it): the Job's clause lets the index find the period's
        # jobs, where the report's own EXISTS made PostgreSQL hash every job of the branch.
        .where(scoping.visible(query.actor, Job), *either)
        .group_by(bucket, VisitReport.satisfaction)
    )
    if query.branch_id is not None:
        statement = statement.where(Job.branch_id == query.branch_id)
    marks = (Counter(), Counter())
    for which, mark, n in db.session.execute(statement):
        marks[which][mark] = n
    return marks


def _average(marks: Counter):
    total = sum(marks.values())
    return one_decimal(Decimal(sum(mark * n for mark, n in marks.items())) / total) if total else None


def _callback_rows(query: DashboardQuery, *columns, conditions=()):
    statement = select(*columns).where(scoping.visible(query.actor, Callback), *conditions)
    if query.branch_id is not None:
        statement = statement.where(Callback.branch_id == query.branch_id)
    return statement


def _callbacks(query: DashboardQuery) -> tuple[Counter, Counter]:
    """How the callbacks made in the period went, and in the compared one."""
    bucket, either = query.both_periods(Callback.at)
    statement = _callback_rows(query, bucket, Callback.outcome, func.count(), conditions=either)
    outcomes = (Counter(), Counter())
    for which, outcome, n in db.session.execute(statement.group_by(bucket, Callback.outcome)):
        outcomes[which][outcome] = n
    return outcomes


def _dissatisfied(query: DashboardQuery, period: Period) -> Table:
    statement = (
        _callback_rows(query, Callback, conditions=(period.holds(Callback.at),))
        .where(Callback.outcome == CallbackOutcome.NOT_SATISFIED)
        .order_by(Callback.at.desc(), Callback.id.desc())
        .limit(DISSATISFIED_SHOWN)
        .options(selectinload(Callback.job).selectinload(Job.customer))
    )
    rows = [
        [
            Cell(callback.job.reference, query.link("jobs.show", job_id=callback.job_id, branch=None)),
            Cell(callback.job.customer.name),
            Cell(callback.note or "—"),
            Cell(_l("waiting for a manager") if callback.job.needs_manager_attention else _l("handled")),
        ]
        for callback in db.session.scalars(statement)
    ]
    return Table(
        "customers.dissatisfied",
        _l("Customers not satisfied"),
        [_l("Job"), _l("Customer"), _l("Note"), _l("Now")],
        rows,
        empty=_l("Nobody said they were not satisfied in this period."),
    )
