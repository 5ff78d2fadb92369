"""Routes: the dashboard (a manager's branch, an administrator's branches side by side) and the
printable reports for a period (weekly callbacks, monthly operations, quarterly inspections)."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intranet.access import scoping
from intranet.access.permissions import requires
from intranet.branches.service import active_branches
from intranet.dashboard import blueprint
from intranet.dashboard.providers import PROVIDERS, REPORTS, sections
from intranet.db_types import utcnow
from intranet.figures import DashboardQuery
from intranet.listing import choice_filter, id_filter
from intranet.periods import Comparison, PeriodKind, period_from
from intranet.rendering import render
from intranet.timezones import utc_to_local

REPORT_TITLES = {
    "callbacks": _l("Callback report"),
    "operations": _l("Operations report"),
    "inspections": _l("Inspection report with rectifications"),
}


def dashboard_query(args, default_kind: str) -> DashboardQuery:
    now = utcnow()
    today = utc_to_local(now).date()
    period = period_from(args, today, default_kind)
    comparison = choice_filter(args, "compare", Comparison) or Comparison.PREVIOUS
    chosen = id_filter(args, "branch") if scoping.sees_every_branch(current_user) else None
    return DashboardQuery(current_user, period, period.compared(comparison), chosen, now, today)


def _page_context(query: DashboardQuery, args) -> dict:
    return {
        "query": query,
        "args": args,
        "kinds": list(PeriodKind),
        "comparisons": list(Comparison),
        "comparison": choice_filter(args, "compare", Comparison) or Comparison.PREVIOUS,
        "branches": active_branches() if scoping.sees_every_branch(current_user) else [],
        "reports": REPORT_TITLES,
    }


@blueprint.route("/dashboard")
@requires("dashboard.view")
def index():
    query = dashboard_query(request.args, PeriodKind.MONTH)
    return render(
        "dashboard/index.html",
        fragments={"dashboard-sections": "dashboard/_sections.html"},
        sections=sections(query, PROVIDERS),
        **_page_context(query, request.args),
    )


@blueprint.route("/dashboard/reports/<any(callbacks, operations, inspections):report>")
@requires("dashboard.view")
def report(report: str):
    default_kind, providers = REPORTS[report]
    query = dashboard_query(request.args, default_kind)
    return render(
        "dashboard/report.html",
        report=report,
        title=REPORT_TITLES[report],
        sections=sections(query, providers),
        **_page_context(query, request.args),
    )
