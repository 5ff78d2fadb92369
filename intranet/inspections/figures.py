"""The dashboard's inspection figures: scores per checklist, the branch ranking, the checks failed
most often and the corrective actions still open."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import selectinload

from intranet.access import scoping
from intranet.access.permissions import can
from intranet.extensions import db
from intranet.figures import Bar, Cell, Chart, DashboardQuery, Figure, Section, Table, one_decimal
from intranet.inspections.models import (
    ActionStatus,
    CorrectiveAction,
    Inspection,
    InspectionAnswer,
    InspectionStatus,
    InspectionTemplate,
    TemplateItem,
)
from intranet.inspections.ranking import Period as RankingPeriod
from intranet.inspections.ranking import branch_ranking, busiest_family, families
from intranet.periods import Period, month_of

TREND_MONTHS = 6
FAILED_SHOWN = 10


def _scoped(query: DashboardQuery, statement, model):
    statement = statement.where(scoping.visible(query.actor, model))
    if query.branch_id is not None:
        statement = statement.where(model.branch_id == query.branch_id)
    return statement


def _months_up_to(period: Period) -> list[Period]:
    months, month = [], month_of(period.last_day)
    for _ in range(TREND_MONTHS):
        months.insert(0, month)
        month = month_of(month.start - timedelta(days=1))
    return months


def _score_trends(query: DashboardQuery, months: list[Period], titles: dict[str, str]) -> list[Chart]:
    """Per checklist, the average score (percent of the maximum) of its signed-off inspections, month
    by month (the user's months): one query, the rows put into their month by a CASE."""
    bounds = [(month.utc_start, month.utc_end) for month in months]
    month_of_row = case(
        *((Inspection.submitted_at < end, index) for index, (_start, end) in enumerate(bounds)), else_=len(bounds)
    )
    # Scores are stored in hundredths (db_types.Scaled): their ratio needs no scaling back.
    percent = cast(Inspection.score_total, Float) * 100 / cast(Inspection.max_total, Float)
    statement = _scoped(
        query,
        select(InspectionTemplate.family, month_of_row, func.avg(percent))
        .join(InspectionTemplate, InspectionTemplate.id == Inspection.template_id)
        .where(
            Inspection.status == InspectionStatus.SIGNED_OFF,
            Inspection.max_total > 0,
            Inspection.submitted_at >= bounds[0][0],
            Inspection.submitted_at < bounds[-1][1],
        )
        .group_by(InspectionTemplate.family, month_of_row),
        Inspection,
    )
    averages = {(family, index): average for family, index, average in db.session.execute(statement)}
    charts = []
    for family, title in titles.items():
        if not any((family, index) in averages for index in range(len(months))):
            continue
        bars = []
        for index, month in enumerate(months):
            average = averages.get((family, index))
            link = query.link(
                "inspections.index",
                family=family,
                status=InspectionStatus.SIGNED_OFF.value,
                **month.list_args("submitted_from", "submitted_to"),
            )
            bars.append(Bar(month.label, one_decimal(average) if average is not None else None, link))
        charts.append(Chart(f"inspections.trend.{family}", title, bars, "%", _l("Average score"), _l("Month")))
    return charts


def inspections_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "inspections.ranking"):
        return None
    period = query.period
    section = Section("inspections", _l("Inspections"))
    opened = period.list_args("opened_from", "opened_to")
    section.figures = [
        Figure(
            "inspections.signed_off",
            _l("Inspections signed off"),
            db.session.scalar(
                _scoped(
                    query,
                    select(func.count())
                    .select_from(Inspection)
                    .where(Inspection.status == InspectionStatus.SIGNED_OFF, period.holds(Inspection.submitted_at)),
                    Inspection,
                )
            ),
            query.link(
                "inspections.index",
                status=InspectionStatus.SIGNED_OFF.value,
                **period.list_args("submitted_from", "submitted_to"),
            ),
        ),
        Figure(
            "inspections.actions_open",
            _l("Corrective actions open"),
            _actions(query, CorrectiveAction.status == ActionStatus.OPEN),
            query.link("inspections.actions", status=ActionStatus.OPEN.value),
        ),
        Figure(
            "inspections.actions_overdue",
            _l("Corrective actions overdue"),
            _actions(query, CorrectiveAction.status == ActionStatus.OPEN, CorrectiveAction.due_on < query.today),
            query.link("inspections.actions", overdue=1),
        ),
        Figure(
            "inspections.actions_opened",
            _l("Corrective actions opened"),
            _actions(query, period.holds(CorrectiveAction.created_at)),
            query.link("inspections.actions", **opened),
            _actions(query, query.compared.holds(CorrectiveAction.created_at)),
        ),
    ]
    known = families()
    section.charts = _score_trends(query, _months_up_to(period), dict(known))
    section.charts.append(_failed_most(query, period))
    ranking = _ranking(query, known)
    if ranking is not None:
        section.tables.append(ranking)
    return section


def _actions(query: DashboardQuery, *conditions) -> int:
    statement = select(func.count()).select_from(CorrectiveAction).where(*conditions)
    return db.session.scalar(_scoped(query, statement, CorrectiveAction)) or 0


def _failed_most(query: DashboardQuery, period: Period) -> Chart:
    """The checks that failed most often: each failed check opened one corrective action."""
    statement = _scoped(
        query,
        select(TemplateItem.text, func.count())
        .select_from(CorrectiveAction)
        .join(InspectionAnswer, InspectionAnswer.id == CorrectiveAction.answer_id)
        .join(TemplateItem, TemplateItem.id == InspectionAnswer.item_id)
        .where(period.holds(CorrectiveAction.created_at))
        .group_by(TemplateItem.text)
        .order_by(func.count().desc(), TemplateItem.text)
        .limit(FAILED_SHOWN),
        CorrectiveAction,
    )
    opened = period.list_args("opened_from", "opened_to")
    bars = [
        Bar(text, n, query.link("inspections.actions", item=text, **opened))
        for text, n in db.session.execute(statement)
    ]
    return Chart(
        "inspections.failed_most",
        _l("Checks failed most often"),
        bars,
        value_header=_l("Times failed"),
        label_header=_l("Check"),
    )


def _ranking(query: DashboardQuery, known) -> Table | None:
    """The branch ranking of the busiest checklist; a manager sees their own branch's line only."""
    family = busiest_family(known)
    if not family:
        return None
    period = query.period
    ranking = branch_ranking(query.actor, family, RankingPeriod(period.label, period.start, period.end))
    mine = scoping.sees_every_branch(query.actor) and query.branch_id is None
    rows = [
        [
            Cell(row.rank),
            Cell(row.branch.name),
            Cell(row.average_percent),
            Cell(
                row.count,
                query.link(
                    "inspections.index",
                    family=family,
                    branch=row.branch.id,
                    status=InspectionStatus.SIGNED_OFF.value,
                    **period.list_args("submitted_from", "submitted_to"),
                ),
            ),
        ]
        for row in ranking.rows
        if mine or row.branch.id == (query.branch_id or query.actor.branch_id)
    ]
    title = dict(known).get(family, family)
    return Table(
        "inspections.ranking",
        _l("Branch ranking: %(checklist)s", checklist=title),
        [_l("Rank"), _l("Branch"), _l("Average score, %"), _l("Inspections")],
        rows,
        empty=_l("No inspection of this checklist was signed off in the period."),
    )


def rectifications_section(query: DashboardQuery) -> Section | None:
    """For the quarterly report: every corrective action opened in the period and where it stands."""
    if not can(query.actor, "inspections.ranking"):
        return None
    period = query.period
    statement = _scoped(
        query,
        select(CorrectiveAction)
        .where(period.holds(CorrectiveAction.created_at))
        .options(selectinload(CorrectiveAction.owner), selectinload(CorrectiveAction.inspection))
        .order_by(CorrectiveAction.created_at, CorrectiveAction.id),
        CorrectiveAction,
    )
    rows = [
        [
            Cell(
                action.inspection.reference,
                query.link("inspections.show", inspection_id=action.inspection_id, branch=None),
            ),
            Cell(action.description),
            Cell(action.owner.name),
            Cell(action.due_on.isoformat()),
            Cell(ActionStatus(action.status).label),
            Cell(action.done_note or "—"),
        ]
        for action in db.session.scalars(statement)
    ]
    table = Table(
        "inspections.rectifications",
        _l("Rectifications"),
        [_l("Inspection"), _l("Problem"), _l("Owner"), _l("Due"), _l("Status"), _l("What was done")],
        rows,
        empty=_l("No corrective action was opened in this period."),
    )
    link = query.link("inspections.actions", **period.list_args("opened_from", "opened_to"))
    figure = Figure("inspections.rectified", _l("Corrective actions opened"), len(rows), link)
    return Section("rectifications", _l("Rectifications"), figures=[figure], tables=[table])
