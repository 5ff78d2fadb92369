"""Every dashboard figure against the value computed by hand on the fixed world of world.py, on
both databases; each figure's link leads to a list holding exactly the rows it counted."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from intranet.dashboard.providers import PROVIDERS
from intranet.figures import DashboardQuery
from intranet.periods import Period
from tests.dashboard import world as fixed

MARCH = Period("custom", date(2026, 3, 1), date(2026, 4, 1))
FEBRUARY = Period("custom", date(2026, 2, 1), date(2026, 3, 1))
APRIL = Period("custom", date(2026, 4, 1), date(2026, 5, 1))
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def world(
    db_session, make_branch, make_user, make_site, make_template, make_inspection, make_part, make_store, make_article
):
    return fixed.build(
        make_branch, make_user, make_site, make_template, make_inspection, make_part, make_store, make_article
    )


def figures_of(app, actor, period=MARCH, compared=FEBRUARY, branch_id=None) -> dict:
    """key -> figure, chart or table of every section, as the dashboard computes them."""
    with app.test_request_context("/dashboard"):
        query = DashboardQuery(actor, period, compared, branch_id, NOW, date(2026, 6, 1))
        found = {}
        for provider in PROVIDERS:
            section = provider(query)
            if section is None:
                continue
            for item in [*section.figures, *section.charts, *section.tables]:
                found[item.key] = item
        return found


def bars(chart) -> dict:
    return {bar.label: bar.value for bar in chart.bars}


def by_link(chart, argument: str) -> dict:
    """A chart's bars by the value of `argument` in their links (labels change with the language)."""
    return {parse_qs(urlsplit(bar.link).query)[argument][0]: bar.value for bar in chart.bars}


def test_a_managers_figures_of_march(app, world):
    f = figures_of(app, world.manager)
    values = {key: item.value for key, item in f.items() if hasattr(item, "value")}
    assert values == {
        "jobs.opened": 5,  # j1 j2 j3 j4 j6; j5 was opened at 00:10 on April 1st in Beijing
        "jobs.done": 4,  # j1 j2 j4, and j3 done at 23:30 on March 31st in Beijing (15:30 UTC)
        "jobs.open_now": 2,  # j5 j6
        "jobs.overdue_now": 1,  # j5
        "jobs.response_median": Decimal("5.0"),  # 2 4 6 20 hours: (4 + 6) / 2
        "jobs.response_p90": Decimal("20.0"),  # nearest rank: the 4th of 4
        "jobs.first_time_fix": Decimal("66.7"),  # j1 and j3 of the first visits j1 j2 j3
        "customers.satisfaction": Decimal("4.0"),  # (5 + 3 + 4 + 4) / 4
        "customers.waiting_for_manager": 1,  # j2
        "customers.callbacks": 2,  # j1 03-05, j2 03-12 (j3's is in April)
        "inspections.signed_off": 2,
        "inspections.actions_open": 1,
        "inspections.actions_overdue": 1,  # due 03-27
        "inspections.actions_opened": 2,
        "parts.used_value": Decimal("40.00"),  # 3 × 10.00 + 4 × 2.50
        "parts.below_minimum": 1,  # P1 in A's empty warehouse
        "manual.compliance": Decimal("25.0"),  # t1 of m.a, t1, t2, keeper.a
        "desk.complaints": 5,  # c1 c2 c3 c4 (23:30 on March 31st), and B's c6 handed on to A
        "desk.complaints_on_time": Decimal("60.0"),  # c1 c4 c6 of the five, all past their answer time
        "desk.complaints_late": 2,  # c2 answered late, c3 never
        "desk.appointments": 5,  # A's of March, the 23:30 one included, the cancelled one too
        "desk.no_shows": 2,  # 03-04 and 03-31 23:30
        "desk.no_show_rate": Decimal("50.0"),  # 2 of the 4 whose customer came or did not
    }
    previous = {key: item.previous for key, item in f.items() if getattr(item, "previous", None) is not None}
    assert previous == {  # February: only j7 was opened
        "jobs.opened": 1,
        "jobs.done": 0,
        "customers.callbacks": 0,
        "inspections.actions_opened": 0,
        "parts.used_value": Decimal("0.00"),
        "desk.complaints": 1,  # c8
        "desk.complaints_on_time": Decimal("100.0"),
        "desk.complaints_late": 0,
        "desk.appointments": 0,
        "desk.no_shows": 0,
    }
    assert bars(f["jobs.per_technician"]) == {"技师一": 3, "技师二": 1}
    assert bars(f["customers.satisfaction_marks"]) == {"5 ★": 1, "4 ★": 2, "3 ★": 1, "2 ★": 0, "1 ★": 0}
    assert bars(f["customers.callback_outcomes"]) == {"满意": 1, "不满意": 1, "未联系上": 0}
    assert [row[0].text for row in f["customers.dissatisfied"].rows] == [world.jobs["j2"].reference]
    assert bars(f["inspections.trend.CU"])["2026-03"] == Decimal("92.5")  # (95 + 90) / 2
    assert bars(f["inspections.failed_most"]) == {"未使用文明用语": 1, "操作差错": 1}
    assert [[cell.text for cell in row[:4]] for row in f["inspections.ranking"].rows] == [
        [1, "甲站", Decimal("92.5"), 2]
    ], "a manager sees their branch's line of the ranking only"
    assert bars(f["parts.top_value"]) == {"P1 点火针": Decimal("30.00"), "P2 密封圈": Decimal("10.00")}
    assert bars(f["parts.top_quantity"]) == {"P2 密封圈": 4, "P1 点火针": 3}
    assert [[cell.text for cell in row] for row in f["parts.not_returned"].rows] == [
        ["技师一", "P2 密封圈", "4", "0", "4"],
        ["技师二", "P1 点火针", "1", "0", "1"],
    ]
    assert bars(f["manual.by_branch"]) == {"甲站": Decimal("25.0")}
    assert by_link(f["desk.complaints_by_category"], "category") == {
        "attitude": 2, "repair_quality": 2, "delay": 1, "product": 0, "charges": 0, "safety": 0, "other": 0,
    }  # fmt: skip
    assert by_link(f["desk.appointments_by_service"], "service") == {
        "repair": 3, "maintenance": 1, "safety_check": 1, "installation": 0, "consultation": 0,
    }  # fmt: skip


def test_the_day_is_the_users_local_day(app, world):
    april = figures_of(app, world.manager, APRIL, MARCH)
    assert april["jobs.opened"].value == 1  # j5, 00:10 Beijing on April 1st
    assert april["jobs.done"].value == 1  # j7, 00:10 Beijing on April 1st
    assert april["jobs.done"].previous == 4  # March kept j3, done at 23:30 Beijing on March 31st
    assert april["customers.callbacks"].value == 1  # j3's unreachable on April 2nd
    assert april["desk.complaints"].value == 1  # c5, 00:10 Beijing on April 1st
    assert april["desk.complaints"].previous == 5  # March kept c4, received at 23:30 Beijing on March 31st
    assert (april["desk.appointments"].value, april["desk.appointments"].previous) == (1, 5)


def test_another_branch_and_the_administrator(app, world):
    other = figures_of(app, world.manager_b)
    assert (other["jobs.opened"].value, other["jobs.done"].value, other["jobs.overdue_now"].value) == (1, 1, 1)
    assert other["customers.satisfaction"].value == Decimal("1.0")
    assert other["parts.used_value"].value == 0 and other["inspections.signed_off"].value == 1
    assert [row[1].text for row in other["inspections.ranking"].rows] == ["乙站"]

    every = figures_of(app, world.admin)
    assert (every["jobs.opened"].value, every["jobs.done"].value, every["jobs.overdue_now"].value) == (6, 5, 2)
    side_by_side = {row[0].text: [cell.text for cell in row[1:]] for row in every["jobs.by_branch"].rows}
    assert side_by_side["甲站"] == [5, 4, 2, 1, Decimal("66.7"), Decimal("4.0")]
    assert side_by_side["乙站"] == [1, 1, 1, 1, Decimal("100.0"), Decimal("1.0")]
    assert [(row[0].text, row[1].text) for row in every["inspections.ranking"].rows] == [(1, "甲站"), (2, "乙站")]

    one = figures_of(app, world.admin, branch_id=world.b.id)
    assert one["jobs.opened"].value == 1 and "jobs.by_branch" not in one

    # The front desk: a branch's complaints are those received there or handed on to it.
    assert (other["desk.complaints"].value, other["desk.complaints_on_time"].value) == (2, Decimal("100.0"))
    assert (other["desk.appointments"].value, other["desk.no_show_rate"].value) == (1, Decimal("100.0"))
    assert (every["desk.complaints"].value, every["desk.appointments"].value, every["desk.no_shows"].value) == (6, 6, 3)
    assert (one["desk.complaints"].value, one["desk.appointments"].value) == (2, 1)
    assert figures_of(app, world.admin, branch_id=world.a.id)["desk.complaints"].value == 5


EXPORTABLE = re.compile(
    r"^/(jobs|jobs/reports|callbacks/log|inspections|inspections/actions|parts/moves|complaints|appointments/register)$"
)


def _rows_behind(client, link: str) -> list[dict]:
    """The rows a link's list holds: its export with the same filters, every row."""
    parts = urlsplit(link)
    response = client.get(f"{parts.path}/export.csv?{parts.query}")
    assert response.status_code == 200, link
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_every_count_links_to_exactly_its_rows(app, client, world):
    """On the page a manager sees: each count, and each bar of a count, is the number of rows behind its link."""
    world.manager.locale = "en"
    from intranet.extensions import db

    db.session.commit()
    client.login(world.manager)
    page = client.get("/dashboard?period=custom&from=2026-03-01&to=2026-03-31")
    assert page.status_code == 200
    f = figures_of(app, world.manager, compared=FEBRUARY)
    checked = 0
    for item in f.values():
        counted = []
        if getattr(item, "unit", None) == "" and isinstance(getattr(item, "value", None), int) and item.link:
            counted.append((item.value, item.link))
        for bar in getattr(item, "bars", []):
            if isinstance(bar.value, int) and bar.link:
                counted.append((bar.value, bar.link))
        for value, link in counted:
            if EXPORTABLE.match(urlsplit(link).path):
                assert len(_rows_behind(client, link)) == value, (item.key, link)
                checked += 1
    assert checked >= 30
    value_rows = _rows_behind(client, f["parts.top_value"].bars[0].link)
    assert sum(Decimal(row["Value"]) for row in value_rows) == Decimal("30.00")
    fixed_rows = _rows_behind(client, f["jobs.first_time_fix"].link)
    assert {row["Job"] for row in fixed_rows} == {world.jobs["j1"].reference, world.jobs["j3"].reference}


@pytest.mark.parametrize(
    "path", ["/dashboard", *(f"/dashboard/reports/{r}" for r in ("callbacks", "operations", "inspections"))]
)
def test_a_manager_sees_nothing_of_another_branch(client, world, path):
    """Not in the dashboard nor in a report, not even when the address names the other branch."""
    client.login(world.manager)
    for query in ("?period=quarter&on=2026-03-15", f"?period=quarter&on=2026-03-15&branch={world.b.id}"):
        response = client.get(path + query)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "甲站" in text or path.endswith("callbacks")
        for foreign in ("乙站", world.jobs["b1"].customer.name, "tb"):
            assert f">{foreign}<" not in text and f"{foreign} " not in text, (path, query, foreign)
        assert world.jobs["b1"].reference not in text and f"/jobs/{world.jobs['b1'].id}" not in text


def test_the_dashboard_page_draws_charts_with_their_tables(client, world):
    client.login(world.admin)
    text = client.get("/dashboard?period=custom&from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert text.count('<svg class="chart-svg"') == text.count('<table class="chart-data">') >= 6
    assert 'data-figure="jobs.opened" data-value="6"' in text
    assert "<script" not in text.split("<main", 1)[1], "no script of its own: the CSP stays strict"


def test_a_visit_report_is_within_reach_exactly_when_its_job_is():
    """The satisfaction figure reads reports through their job's scope: the two must not drift apart."""
    from intranet.access import scoping
    from intranet.access.roles import Role
    from intranet.jobs.models import Job, VisitReport

    job, report = scoping.scope_of(Job), scoping.scope_of(VisitReport)
    assert report.branch == tuple(f"job.{path}" for path in job.branch)
    assert report.owner == f"job.{job.owner}"
    assert {role: report.reach(role, None) for role in Role} == {role: job.reach(role, None) for role in Role}
    assert report.rows is None and report.allows is None
