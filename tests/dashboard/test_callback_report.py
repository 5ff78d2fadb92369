"""The callback report (回访顾客周报表, 不满意汇总表, the quarterly satisfaction index) against values
computed by hand on a fixed world, on both databases. Times are Beijing time, stored in UTC.

Branch A (甲站), technicians t1 (技师一) and t2 (技师二); branch B (乙站), technician tb. Marks are in the
order of survey.QUESTIONS: reaching us, response, repair speed, skill, attitude, value, cleanliness.
  week of Monday 2026-03-09:
    c1 j1 t1 03-09 10:00 satisfied      5 5 5 5 5 5 5
    c2 j2 t1 03-10 10:00 not satisfied  4 3 2 4 2 3 4   waits for a manager
    c3 j3 t2 03-11 10:00 not satisfied  4 4 4 4 4 4 -   not solved: follow-up f3 (done); the manager answered
    c4 c5 j4 t2 03-12, 03-13 unreachable (calls 1 and 2)
    c6 j5 t2 03-14 unreachable, call 3: closed as unreachable (calls 1 and 2 on 03-05 and 03-06)
    c7 j6 t1 03-15 23:30 satisfied      4 4 4 4 4 4 4   (15:30 UTC: still Sunday in Beijing)
    cb b1 tb 03-10 10:00 not satisfied  1 1 1 1 1 1 1   (branch B)
  the rest of 2026-Q1:
    c8 j7 t1 03-16 00:10 satisfied      3 3 3 3 3 3 3   (the next week)
    c9 j8 t2 02-10 10:00 satisfied      5 4 5 4 5 4 5
  2025-Q4: c10 j9 t1 12-10 satisfied    4 4 4 4 4 4 4
"""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from intranet.access.roles import Role
from intranet.dashboard.providers import REPORTS
from intranet.extensions import db
from intranet.figures import DashboardQuery
from intranet.jobs.models import Callback, Job, JobEvent, VisitReport
from intranet.jobs.survey import QUESTIONS
from intranet.periods import Period, week_of

BEIJING = ZoneInfo("Asia/Shanghai")
WEEK = week_of(date(2026, 3, 9))
NOW = datetime(2026, 3, 20, 4, 0, tzinfo=UTC)
D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING).astimezone(UTC)


@pytest.fixture
def world(db_session, make_branch, make_user, make_site):
    a, b = make_branch(code="A", name="甲站"), make_branch(code="B", name="乙站")
    people = {
        "manager": make_user(Role.MANAGER, login="m.a", branch=a),
        "admin": make_user(Role.ADMIN, login="root"),
        "t1": make_user(Role.TECHNICIAN, login="t1", name="技师一", branch=a),
        "t2": make_user(Role.TECHNICIAN, login="t2", name="技师二", branch=a),
        "tb": make_user(Role.TECHNICIAN, login="tb", name="技师乙", branch=b),
    }
    site_a, site_b = make_site(), make_site()
    site_a.customer.branch_id, site_b.customer.branch_id = a.id, b.id
    jobs = {}

    def job(name, technician, site=site_a, status="closed", **values):
        jobs[name] = Job(
            branch_id=site.customer.branch_id,
            customer_id=site.customer_id,
            site_id=site.id,
            source=values.pop("source", "walk_in"),
            priority="normal",
            fault_description=name,
            status=status,
            due_at=at("2026-01-01 00:00"),
            assigned_to_id=people[technician].id,
            created_by_id=people["manager"].id,
            **values,
        )
        db.session.add(jobs[name])
        db.session.flush()
        db.session.add(
            VisitReport(
                job_id=jobs[name].id,
                client_id=str(uuid.uuid4()),
                technician_id=people[technician].id,
                arrived_at=at("2026-01-01 09:00"),
                left_at=at("2026-01-01 10:00"),
                fault_found="x",
                action_taken="y",
                result="fixed",
                satisfaction=4,
            )
        )
        return jobs[name]

    def call(name, when, outcome, marks=(None,) * 7, attempt=1, **values):
        db.session.add(
            Callback(
                job_id=jobs[name].id,
                branch_id=jobs[name].branch_id,
                caller_id=people["manager"].id,
                at=at(when),
                outcome=outcome,
                attempt=attempt,
                problem_solved=values.pop("solved", None if outcome == "unreachable" else True),
                **dict(zip((q.name for q in QUESTIONS), marks, strict=True)),
                **values,
            )
        )

    for name, technician in (("j1", "t1"), ("j2", "t1"), ("j3", "t2"), ("j6", "t1"), ("j7", "t1"), ("j8", "t2")):
        job(name, technician)
    job("j9", "t1")
    job("j4", "t2", status="done")
    job("j5", "t2")
    job("b1", "tb", site=site_b)
    jobs["j2"].needs_manager_attention = True
    follow_up = job("f3", "t2", status="done", follow_up_of_id=jobs["j3"].id, source="follow_up")
    db.session.add(JobEvent(job_id=jobs["j3"].id, actor_id=people["manager"].id, kind="attention_resolved",
                            detail="已道歉并安排回访", at=at("2026-03-12 09:00")))  # fmt: skip
    call("j1", "2026-03-09 10:00", "satisfied", (5, 5, 5, 5, 5, 5, 5))
    call("j2", "2026-03-10 10:00", "not_satisfied", (4, 3, 2, 4, 2, 3, 4), note="修得太慢")
    call("j3", "2026-03-11 10:00", "not_satisfied", (4, 4, 4, 4, 4, 4, None), solved=False,
         follow_up_job_id=follow_up.id, suggestions="希望一次修好")  # fmt: skip
    call("j4", "2026-03-12 10:00", "unreachable")
    call("j4", "2026-03-13 10:00", "unreachable", attempt=2)
    call("j5", "2026-03-05 10:00", "unreachable")
    call("j5", "2026-03-06 10:00", "unreachable", attempt=2)
    call("j5", "2026-03-14 10:00", "unreachable", attempt=3)
    call("j6", "2026-03-15 23:30", "satisfied", (4,) * 7)
    call("j7", "2026-03-16 00:10", "satisfied", (3,) * 7)
    call("j8", "2026-02-10 10:00", "satisfied", (5, 4, 5, 4, 5, 4, 5))
    call("j9", "2025-12-10 10:00", "satisfied", (4,) * 7)
    call("b1", "2026-03-10 10:00", "not_satisfied", (1,) * 7)
    db.session.commit()
    return people | {"jobs": jobs, "a": a, "b": b}


def report_of(app, actor, period: Period = WEEK, branch_id=None) -> dict:
    """key -> figure or table of the callback report, as the report page computes them."""
    with app.test_request_context("/dashboard/reports/callbacks"):
        query = DashboardQuery(actor, period, period.previous(), branch_id, NOW, NOW.date())
        found = {}
        for provider in REPORTS["callbacks"][1]:
            section = provider(query)
            for item in [*section.figures, *section.charts, *section.tables]:
                found[item.key] = item
        return found


def texts(table) -> list[list]:
    return [[cell.text if isinstance(cell.text, int | Decimal | None) else str(cell.text) for cell in row]
            for row in table.rows]  # fmt: skip


def test_the_weekly_callback_report_of_a_manager(app, world):
    found = report_of(app, world["manager"])
    values = {key: item.value for key, item in found.items() if key.startswith("callbacks.") and hasattr(item, "value")}
    assert values == {
        "callbacks.calls": 7,  # c1-c7; c8 was on Monday 00:10 of the next week
        "callbacks.reached": 4,  # c1 c2 c3 c7
        "callbacks.satisfied": 2,
        "callbacks.not_satisfied": 2,
        "callbacks.satisfied_share": D("50.0"),
        "callbacks.unanswered": 3,  # c4 c5 c6
        "callbacks.closed_unreachable": 1,  # c6, the third call to j5
        "callbacks.due_now": 0,  # j4 is done, but this world gave it no due time
    }
    averages = {bar.label: bar.value for bar in found["callbacks.question_averages"].bars}
    # contact (5+4+4+4)/4 = 4.25, response 16/4, repair 15/4 = 3.75, skill 17/4, attitude 15/4, value 16/4,
    # cleanliness (5+4+4)/3 = 4.33 (c3 gave none)
    assert list(averages.values()) == [D("4.3"), D("4.0"), D("3.8"), D("4.3"), D("3.8"), D("4.0"), D("4.3")]
    rows = texts(found["callbacks.calls_reached"])
    assert [row[1] for row in rows] == [world["jobs"][n].reference for n in ("j1", "j2", "j3", "j6")]
    assert rows[3][0] == "2026-03-15" and rows[1][3] == "技师一" and rows[2][4:11] == ["4"] * 6 + ["—"]

    assert found["dissatisfied.count"].value == 2 and found["dissatisfied.waiting"].value == 1
    assert (found["dissatisfied.follow_ups"].value, found["dissatisfied.follow_ups_done"].value) == (1, 1)
    summary = texts(found["dissatisfied.summary"])
    assert [row[1] for row in summary] == [world["jobs"]["j2"].reference, world["jobs"]["j3"].reference]
    assert summary[0][4] == "修理速度 2, 态度 2" and summary[0][5] == "修得太慢" and summary[0][7] == "待经理处理"
    assert summary[1][4] == "未解决" and summary[1][5] == "希望一次修好" and summary[1][7] == "已道歉并安排回访"
    assert summary[1][6].startswith(world["jobs"]["f3"].reference)


def test_the_quarterly_satisfaction_index_per_branch_and_per_technician(app, world):
    found = report_of(app, world["manager"])
    # 2026-Q1 for branch A: c1 35/7, c2 22/7, c3 24/6, c7 28/7, c8 21/7, c9 32/7: 162 of 41 marks,
    # 162 x 20 / 41 = 79.02; 2025-Q4: c10's seven 4s, 80.0.
    index = found["satisfaction.index"]
    assert index.value == D("79.0")
    assert "6" in str(index.note) and "80.0" in str(index.note)
    assert texts(found["satisfaction.by_branch"]) == [
        ["甲站", 6, D("4.2"), D("3.8"), D("3.8"), D("4.0"), D("3.8"), D("3.8"), D("4.2"), D("79.0")]
    ]
    # t1: c1 c2 c7 c8, 106 of 28 marks: 75.7; t2: c3 c9, 56 of 13 marks: 86.2. Best first.
    technicians = texts(found["satisfaction.by_technician"])
    assert [(row[0], row[1], row[2], row[-1]) for row in technicians] == [
        ("技师二", "甲站", 2, D("86.2")),
        ("技师一", "甲站", 4, D("75.7")),
    ]
    assert technicians[0][3] == D("4.5") and technicians[0][9] == D("5.0")  # reaching us (4+5)/2; cleanliness c9 only


def test_an_administrator_sees_every_branch_and_a_manager_only_theirs(app, world):
    every = report_of(app, world["admin"])
    assert every["callbacks.calls"].value == 8 and every["dissatisfied.count"].value == 3
    assert [row[0] for row in texts(every["satisfaction.by_branch"])] == ["甲站", "乙站"]
    assert texts(every["satisfaction.by_branch"])[1][-1] == D("20.0")  # seven 1s
    one = report_of(app, world["admin"], branch_id=world["b"].id)
    assert one["callbacks.calls"].value == 1 and one["satisfaction.index"].value == D("20.0")
    mine = report_of(app, world["manager"], branch_id=world["b"].id)  # a manager cannot choose another branch
    assert "技师乙" not in {row[0] for row in texts(mine["satisfaction.by_technician"])}


def test_the_report_page_prints_the_three_parts(client, world):
    client.login(world["manager"])
    page = client.get("/dashboard/reports/callbacks?period=week&on=2026-03-11", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for key in ("callbacks.calls_reached", "dissatisfied.summary", "satisfaction.by_technician"):
        assert f'data-table="{key}"' in text
    assert "Satisfaction index, 2026-Q1" in text and "乙站" not in text
    quarter = client.get("/dashboard/reports/callbacks?period=quarter&on=2026-03-11", headers={"Accept-Language": "en"})
    # 2026-Q1: c1-c9 and j5's first two calls, but not b1's of branch B
    assert 'data-figure="callbacks.calls" data-value="11"' in quarter.get_data(as_text=True)
