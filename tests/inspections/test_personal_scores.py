"""Personal scores (每人次) and the branch's ranking of its people, against values computed by hand.

Branch A: tellers 甲一 甲二 甲三, the inspector 检查员 and the manager 经理甲; branch B: 乙一. Every
inspection is of one checklist (语言 0.5 a lapse, 纪律 entered at least 1, 质量 2 an error):
  I1 A signed off, submitted 2026-03-05: 语言 5 (甲一 3 = 1.5, 甲二 2 = 1.0); 纪律 3 (甲一 3)
  I2 A signed off, 2026-03-20: 质量 1 (甲二 = 2.0)
  I3 A submitted, not signed, 2026-03-25: 语言 2 (甲三 = 1.0)   -- does not count
  I4 A signed off, 2026-04-02: 语言 4 (甲三 = 2.0)              -- April
  I5 B signed off, 2026-03-10: 语言 10 (乙一 = 5.0)
March (and Q1) for A: 甲一 100 - 4.5 = 95.5, 甲二 100 - 3 = 97, the others 100.
"""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.errors import NotAllowed
from intranet.extensions import db
from intranet.inspections import filling, personal
from intranet.inspections.filling import AnswerInput, ChargeInput
from intranet.inspections.models import Inspection, InspectionCharge
from intranet.inspections.ranking import parse_period
from tests.conftest import page_text
from tests.inspections.test_seed_rules import CREDIT_UNION

BEIJING = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING).astimezone(UTC)


@pytest.fixture
def world(db_session, make_branch, make_user, make_template):
    a, b = make_branch(code="A", name="甲站"), make_branch(code="B", name="乙站")
    people = {name: make_user(Role.RECEPTIONIST, name=name, login=f"p{n}", branch=a)
              for n, name in enumerate(("甲一", "甲二", "甲三"))}  # fmt: skip
    people["检查员"] = make_user(Role.TECHNICIAN, name="检查员", login="inspector", branch=a)
    people["经理甲"] = make_user(Role.MANAGER, name="经理甲", login="manager.a", branch=a)
    people["乙一"] = make_user(Role.RECEPTIONIST, name="乙一", login="q1", branch=b)
    people["检查员乙"] = make_user(Role.TECHNICIAN, name="检查员乙", login="inspector.b", branch=b)
    people["经理乙"] = make_user(Role.MANAGER, name="经理乙", login="manager.b", branch=b)
    people["admin"] = make_user(Role.ADMIN, login="root")
    template = make_template(sections=CREDIT_UNION)
    items = {item.text: item.id for item in template.items}

    def inspected(inspector, manager, submitted, answers, signed=True):
        inspection = Inspection(
            template_id=template.id,
            branch_id=people[inspector].branch_id,
            inspector_id=people[inspector].id,
            assigned_by_id=people[manager].id,
            due_at=at(submitted),
        )
        db.session.add(inspection)
        db.session.flush()
        given = {}
        for text, (found, charged) in answers.items():
            field = "points" if text == "纪律" else "count"
            lines = {n: ChargeInput(str(people[name].id), str(amount)) for n, (name, amount) in enumerate(charged)}
            key = items["擅自离岗" if text == "纪律" else {"语言": "未使用文明用语", "质量": "操作差错"}[text]]
            given[key] = AnswerInput(**{field: str(found)}, charges=lines)
        filling.submit_inspection(people[inspector], inspection, str(uuid.uuid4()), given, now=at(submitted))
        if signed:
            inspection.status, inspection.signed_at = "signed_off", at(submitted)
        db.session.commit()

    inspected(
        "检查员", "经理甲", "2026-03-05 10:00", {"语言": (5, [("甲一", 3), ("甲二", 2)]), "纪律": (3, [("甲一", 3)])}
    )
    inspected("检查员", "经理甲", "2026-03-20 10:00", {"质量": (1, [("甲二", 1)])})
    inspected("检查员", "经理甲", "2026-03-25 10:00", {"语言": (2, [("甲三", 2)])}, signed=False)
    inspected("检查员", "经理甲", "2026-04-02 10:00", {"语言": (4, [("甲三", 4)])})
    inspected("检查员乙", "经理乙", "2026-03-10 10:00", {"语言": (10, [("乙一", 10)])})
    return people | {"a": a, "b": b}


def ranked(rows) -> list[tuple]:
    return [(row.rank, row.person.name, row.score, row.best, row.worst) for row in rows]


def test_a_branchs_people_ranked_for_a_month_and_a_quarter(app, world):
    march = personal.branch_scores(world["经理甲"], world["a"].id, parse_period("2026-03"))
    assert ranked(march) == [
        (1, "检查员", D(100), True, False),
        (1, "甲三", D(100), True, False),  # I3 was not signed off; I4 is April's
        (1, "经理甲", D(100), True, False),
        (4, "甲二", D(97), False, False),
        (5, "甲一", D("95.5"), False, True),
    ]
    assert {row.person.name: row.charges for row in march if row.charges} == {"甲一": 2, "甲二": 2}
    assert ranked(personal.branch_scores(world["经理甲"], world["a"].id, parse_period("2026-Q1"))) == ranked(march)
    april = personal.branch_scores(world["经理甲"], world["a"].id, parse_period("2026-Q2"))
    assert [(row.person.name, row.score, row.worst) for row in april if row.score < 100] == [("甲三", D(98), True)]
    assert [row.person.name for row in april if row.best] == ["检查员", "甲一", "甲二", "经理甲"]


def test_nobody_is_best_or_worst_when_everyone_is_equal(world):
    may = personal.branch_scores(world["经理甲"], world["a"].id, parse_period("2026-05"))
    assert {row.score for row in may} == {D(100)} and not any(row.best or row.worst for row in may)


def test_a_person_sees_their_own_score_and_nobody_elses(client, world):
    own = personal.own_score(world["甲一"], parse_period("2026-03"), parse_period("2026-Q1"))
    assert (own.month.score, own.quarter.score) == (D("95.5"), D("95.5"))
    assert sorted(charge.points for charge in own.charges) == [D("1.50"), D(3)]
    third = personal.own_score(world["甲三"], parse_period("2026-04"), parse_period("2026-Q2"))
    assert (third.month.score, [c.points for c in third.charges]) == (D(98), [D(2)])

    client.login(world["甲一"])
    page = client.get("/inspections/my-score?month=2026-03", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-score="month">95.5<' in text and 'data-score="quarter">95.5<' in text
    assert "未使用文明用语" in text and "甲二" not in text
    assert client.get("/inspections/ranking").status_code == 403
    assert client.get("/inspections/my-score?month=2026-Q1").status_code == 422
    # The scope of a charge: a teller lists their own, a manager their branch's, an administrator all.
    mine = db.session.query(InspectionCharge).filter(scoping.visible(world["甲一"], InspectionCharge)).all()
    assert {charge.person_id for charge in mine} == {world["甲一"].id}
    branch = db.session.query(InspectionCharge).filter(scoping.visible(world["经理乙"], InspectionCharge)).all()
    assert {charge.person_id for charge in branch} == {world["乙一"].id}
    assert db.session.query(InspectionCharge).filter(scoping.visible(world["admin"], InspectionCharge)).count() == 7


def test_the_ranking_page_shows_the_managers_own_branch_and_lets_the_administrator_choose(client, world):
    client.login(world["经理乙"])
    text = page_text(client.get(f"/inspections/ranking?period=2026-03&branch={world['a'].id}"))
    assert "乙一 95 5 1" in text and "甲一" not in text  # 100 - 5.0; the branch asked for is not theirs
    with pytest.raises(NotAllowed):
        personal.branch_scores(world["甲一"], world["a"].id, parse_period("2026-03"))
    admin = client.application.test_client()
    admin.login(world["admin"])
    text = page_text(
        admin.get(f"/inspections/ranking?period=2026-03&branch={world['a'].id}", headers={"Accept-Language": "en"})
    )
    assert "甲一 95.5 4.5 2 Worst" in text and "乙一" not in text
