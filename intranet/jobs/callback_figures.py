"""The callback report's sections (回访顾客周报表, 不满意汇总表, the quarterly satisfaction index), each over
the callbacks its reader may list.

- The calls of the period: how many, how they went, the customers reached with their answers.
- The dissatisfied summary: every customer not satisfied in the period, why, the follow-up job and
  what the manager did about it.
- The satisfaction index of the quarter holding the period's last day, per branch and per technician:
  the average of every mark given, out of 5, as a percentage (a mark of 5 is 100, of 1 is 20).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from intranet.access import scoping
from intranet.access.permissions import can
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.extensions import db
from intranet.figures import Bar, Cell, Chart, DashboardQuery, Figure, Section, Table, one_decimal, share
from intranet.jobs.callback_rules import LOW_MARK, MAX_ATTEMPTS
from intranet.jobs.models import Callback, CallbackOutcome, Job, JobEvent, JobStatus, VisitReport
from intranet.jobs.survey import QUESTIONS, StaffRemark
from intranet.periods import Period, quarter_of
from intranet.timezones import utc_to_local

CALLS_SHOWN = 300  # a report of a long period lists this many calls; the log has every one
REACHED = (CallbackOutcome.SATISFIED, CallbackOutcome.NOT_SATISFIED)
INDEX_SCALE = 20  # a mark of 5 is an index of 100


def _calls(query: DashboardQuery, *columns, period: Period | None = None):
    statement = select(*columns).select_from(Callback).where(scoping.visible(query.actor, Callback))
    statement = statement.where((period or query.period).holds(Callback.at))
    if query.branch_id is not None:
        statement = statement.where(Callback.branch_id == query.branch_id)
    return statement


def _log(query: DashboardQuery, **args) -> str:
    return query.link("jobs.callback_log", **query.period.list_args(), **args)


def _technicians(callbacks) -> dict[int, str]:
    """job id -> the name of the technician who filed its visit report."""
    job_ids = {callback.job_id for callback in callbacks}
    rows = db.session.execute(
        select(VisitReport.job_id, User.name)
        .join(User, User.id == VisitReport.technician_id)
        .where(VisitReport.job_id.in_(job_ids))
    )
    return dict(rows.all())


def _day(callback: Callback) -> str:
    return utc_to_local(callback.at).date().isoformat()


def _mark(value) -> str:
    return "—" if value is None else str(value)


# The calls of the period


def callbacks_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "callbacks.record"):
        return None
    outcomes = Counter(
        dict(db.session.execute(_calls(query, Callback.outcome, func.count()).group_by(Callback.outcome)).all())
    )
    gave_up = db.session.scalar(
        _calls(query, func.count()).where(
            Callback.outcome == CallbackOutcome.UNREACHABLE, Callback.attempt >= MAX_ATTEMPTS
        )
    )
    reached = sum(outcomes[outcome] for outcome in REACHED)
    section = Section("callbacks", _l("Callbacks of the period"))
    section.figures = [
        Figure("callbacks.calls", _l("Calls made"), sum(outcomes.values()), _log(query)),
        Figure("callbacks.reached", _l("Customers reached"), reached),
        Figure(
            "callbacks.satisfied",
            _l("Satisfied"),
            outcomes[CallbackOutcome.SATISFIED],
            _log(query, outcome=CallbackOutcome.SATISFIED.value),
        ),
        Figure(
            "callbacks.not_satisfied",
            _l("Not satisfied"),
            outcomes[CallbackOutcome.NOT_SATISFIED],
            _log(query, outcome=CallbackOutcome.NOT_SATISFIED.value),
        ),
        Figure(
            "callbacks.satisfied_share",
            _l("Satisfied, of the customers reached"),
            share(outcomes[CallbackOutcome.SATISFIED], reached),
            unit="%",
        ),
        Figure(
            "callbacks.unanswered",
            _l("Calls not answered"),
            outcomes[CallbackOutcome.UNREACHABLE],
            _log(query, outcome=CallbackOutcome.UNREACHABLE.value),
        ),
        Figure(
            "callbacks.closed_unreachable",
            _l("Closed as unreachable"),
            gave_up,
            note=_l("after %(n)d calls without an answer", n=MAX_ATTEMPTS),
        ),
        Figure("callbacks.due_now", _l("Waiting to be called now"), _due_now(query), query.link("jobs.callbacks")),
    ]
    calls = list(
        db.session.scalars(
            _calls(query, Callback)
            .where(Callback.outcome.in_([outcome.value for outcome in REACHED]))
            .options(selectinload(Callback.job).selectinload(Job.customer))
            .order_by(Callback.at, Callback.id)
            .limit(CALLS_SHOWN)
        )
    )
    section.charts = [_question_averages(query)]
    section.tables = [_reached_table(query, calls)]
    return section


def _due_now(query: DashboardQuery) -> int:
    statement = (
        select(func.count())
        .select_from(Job)
        .where(scoping.visible(query.actor, Job), Job.status == JobStatus.DONE, Job.callback_due_at <= query.now)
    )
    if query.branch_id is not None:
        statement = statement.where(Job.branch_id == query.branch_id)
    return db.session.scalar(statement) or 0


def _question_averages(query: DashboardQuery) -> Chart:
    columns = [func.avg(getattr(Callback, q.name)) for q in QUESTIONS]
    averages = db.session.execute(_calls(query, *columns)).one()
    return Chart(
        "callbacks.question_averages",
        _l("Average mark per question, of 5"),
        [Bar(str(q.short), one_decimal(average)) for q, average in zip(QUESTIONS, averages, strict=True)],
        value_header=_l("Average mark"),
        label_header=_l("Question"),
    )


def _reached_table(query: DashboardQuery, calls: list[Callback]) -> Table:
    technicians = _technicians(calls)
    rows = [
        [
            Cell(_day(callback)),
            Cell(callback.job.reference, query.link("jobs.show", job_id=callback.job_id, branch=None)),
            Cell(callback.job.customer.name),
            Cell(technicians.get(callback.job_id, "—")),
            *(Cell(_mark(getattr(callback, q.name))) for q in QUESTIONS),
            Cell(_l("yes") if callback.problem_solved else _l("no")),
            Cell(CallbackOutcome(callback.outcome).label),
        ]
        for callback in calls
    ]
    headers = [_l("Called"), _l("Job"), _l("Customer"), _l("Technician"), *(q.short for q in QUESTIONS)]
    return Table(
        "callbacks.calls_reached",
        _l("Customers reached"),
        [*headers, _l("Solved"), _l("Outcome")],
        rows,
        empty=_l("No customer was reached in this period."),
    )


# The dissatisfied summary


def dissatisfied_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "callbacks.record"):
        return None
    unhappy = Callback.outcome == CallbackOutcome.NOT_SATISFIED
    calls = list(
        db.session.scalars(
            _calls(query, Callback)
            .where(unhappy)
            .options(
                selectinload(Callback.job).selectinload(Job.customer),
                selectinload(Callback.follow_up_job),
            )
            .order_by(Callback.at, Callback.id)
            .limit(CALLS_SHOWN)
        )
    )
    handled = _handling_notes({callback.job_id for callback in calls})
    technicians = _technicians(calls)
    rows = [
        [
            Cell(_day(callback)),
            Cell(callback.job.reference, query.link("jobs.show", job_id=callback.job_id, branch=None)),
            Cell(callback.job.customer.name),
            Cell(technicians.get(callback.job_id, "—")),
            Cell(_why(callback)),
            Cell(_said(callback) or "—"),
            _follow_up_cell(query, callback),
            Cell(_l("waiting for a manager") if callback.job.needs_manager_attention else handled.get(callback.job_id)),
        ]
        for callback in calls
    ]
    table = Table(
        "dissatisfied.summary",
        _l("Dissatisfied customers and their follow-up"),
        [
            _l("Called"),
            _l("Job"),
            _l("Customer"),
            _l("Technician"),
            _l("Why"),
            _l("What the customer said"),
            _l("Follow-up job"),
            _l("Manager"),
        ],
        rows,
        empty=_l("Nobody said they were not satisfied in this period."),
    )
    waiting = _calls(query, func.count()).join(Job, Job.id == Callback.job_id)
    follow_ups = _calls(query, func.count()).join(Job, Job.id == Callback.follow_up_job_id)
    done = [JobStatus.DONE.value, JobStatus.CLOSED.value]
    figures = [
        Figure(
            "dissatisfied.count",
            _l("Customers not satisfied"),
            db.session.scalar(_calls(query, func.count()).where(unhappy)),
            _log(query, outcome=CallbackOutcome.NOT_SATISFIED.value),
        ),
        Figure(
            "dissatisfied.waiting",
            _l("Still waiting for a manager"),
            db.session.scalar(waiting.where(unhappy, Job.needs_manager_attention.is_(True))),
        ),
        Figure("dissatisfied.follow_ups", _l("Follow-up jobs opened"), db.session.scalar(follow_ups)),
        Figure(
            "dissatisfied.follow_ups_done",
            _l("Follow-up jobs done"),
            db.session.scalar(follow_ups.where(Job.status.in_(done))),
        ),
    ]
    return Section("dissatisfied", _l("Dissatisfied summary"), figures=figures, tables=[table])


def _handling_notes(job_ids: set[int]) -> dict[int, str]:
    """job id -> what the manager wrote when they handled the customer (the latest, if several)."""
    rows = db.session.execute(
        select(JobEvent.job_id, JobEvent.detail)
        .where(JobEvent.job_id.in_(job_ids), JobEvent.kind == "attention_resolved")
        .order_by(JobEvent.at, JobEvent.id)
    )
    return dict(rows.all())


def _why(callback: Callback) -> str:
    reasons = [str(_l("not solved"))] if callback.problem_solved is False else []
    reasons += [
        f"{q.short} {mark}" for q in QUESTIONS if (mark := getattr(callback, q.name)) is not None and mark < LOW_MARK
    ]
    return ", ".join(reasons)


def _said(callback: Callback) -> str:
    said = [callback.note, callback.suggestions]
    if callback.staff_named:
        said.append(f"{callback.staff_named}: {StaffRemark(callback.staff_remark).label}")
    return " · ".join(part for part in said if part)


def _follow_up_cell(query: DashboardQuery, callback: Callback) -> Cell:
    job = callback.follow_up_job
    if job is None:
        return Cell(None)
    return Cell(f"{job.reference} · {job.status_enum.label}", query.link("jobs.show", job_id=job.id, branch=None))


# The quarterly satisfaction index


@dataclass
class Marks:
    """Sums and counts of the marks given, per question: averages and the index come from them."""

    sums: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)
    customers: int = 0

    def add(self, other: "Marks") -> None:
        self.sums.update(other.sums)
        self.counts.update(other.counts)
        self.customers += other.customers

    def average(self, name: str) -> Decimal | None:
        return one_decimal(Decimal(self.sums[name]) / self.counts[name]) if self.counts[name] else None

    @property
    def index(self) -> Decimal | None:
        given = sum(self.counts.values())
        return one_decimal(Decimal(sum(self.sums.values())) * INDEX_SCALE / given) if given else None


def marks_by_branch_and_technician(query: DashboardQuery, quarter: Period) -> dict[tuple[int, int | None], Marks]:
    """(branch id, technician id) -> the marks of the customers reached in the quarter."""
    columns = []
    for q in QUESTIONS:
        columns += [func.sum(getattr(Callback, q.name)), func.count(getattr(Callback, q.name))]
    statement = (
        _calls(query, Callback.branch_id, VisitReport.technician_id, func.count(), *columns, period=quarter)
        .outerjoin(VisitReport, VisitReport.job_id == Callback.job_id)
        .where(Callback.outcome.in_([outcome.value for outcome in REACHED]))
        .group_by(Callback.branch_id, VisitReport.technician_id)
    )
    found = {}
    for branch_id, technician_id, customers, *values in db.session.execute(statement):
        marks = Marks(customers=customers)
        for index, q in enumerate(QUESTIONS):
            marks.sums[q.name], marks.counts[q.name] = int(values[2 * index] or 0), values[2 * index + 1]
        found[(branch_id, technician_id)] = marks
    return found


def satisfaction_index_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "callbacks.record"):
        return None
    quarter = quarter_of(query.period.last_day)
    before = quarter.previous()
    found, found_before = marks_by_branch_and_technician(query, quarter), marks_by_branch_and_technician(query, before)
    total, total_before = Marks(), Marks()
    by_branch, by_technician = defaultdict(Marks), defaultdict(Marks)
    for (branch_id, technician_id), marks in found.items():
        total.add(marks)
        by_branch[branch_id].add(marks)
        by_technician[(technician_id, branch_id)].add(marks)
    for marks in found_before.values():
        total_before.add(marks)
    figure = Figure(
        "satisfaction.index",
        _l("Satisfaction index, %(quarter)s", quarter=quarter.label),
        total.index,
        query.link("jobs.callback_log", **quarter.list_args()),
        note=_l(
            "%(n)d customers reached; %(before)s: %(index)s",
            n=total.customers,
            before=before.label,
            index=total_before.index if total_before.index is not None else "—",
        ),
    )
    codes = dict(db.session.execute(select(Branch.id, Branch.code).where(Branch.id.in_(by_branch))).all())
    branches = dict(db.session.execute(select(Branch.id, Branch.name).where(Branch.id.in_(by_branch))).all())
    technician_ids = {technician_id for technician_id, _branch in by_technician if technician_id is not None}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(technician_ids))).all())
    headers = [_l("Customers reached"), *(q.short for q in QUESTIONS), _l("Index")]

    def cells(marks: Marks) -> list[Cell]:
        return [Cell(marks.customers), *(Cell(marks.average(q.name)) for q in QUESTIONS), Cell(marks.index)]

    branch_rows = [
        [Cell(branches.get(branch_id, "—")), *cells(marks)]
        for branch_id, marks in sorted(by_branch.items(), key=lambda item: codes.get(item[0], ""))
    ]
    ranked = sorted(by_technician.items(), key=lambda item: (-(item[1].index or 0), names.get(item[0][0], "")))
    technician_rows = [
        [Cell(names.get(technician_id, "—")), Cell(branches.get(branch_id, "—")), *cells(marks)]
        for (technician_id, branch_id), marks in ranked
    ]
    tables = [
        Table(
            "satisfaction.by_branch",
            _l("Satisfaction index per branch, %(quarter)s", quarter=quarter.label),
            [_l("Branch"), *headers],
            branch_rows,
            empty=_l("No customer was reached in this quarter."),
        ),
        Table(
            "satisfaction.by_technician",
            _l("Satisfaction index per technician, %(quarter)s", quarter=quarter.label),
            [_l("Technician"), _l("Branch"), *headers],
            technician_rows,
            empty=_l("No customer was reached in this quarter."),
        ),
    ]
    return Section("satisfaction", _l("Quarterly satisfaction index"), figures=[figure], tables=tables)
