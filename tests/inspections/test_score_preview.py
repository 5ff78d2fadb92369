"""The fill page hands the browser the scoring rules of the inspection's own template version, as data.

That the browser's evaluation of them equals the server's score is checked in Chromium
(tests/e2e/test_score_preview.py).
"""

from decimal import Decimal

from intranet.access.roles import Role
from intranet.extensions import db
from intranet.inspections import editor
from tests.conftest import score_rules_in


def plain(rules: dict) -> list:
    """Sections as (max, cap, [(kind, points, measure)]), numbers as Decimals: 0.50 and 0.5 are one rule."""
    return [
        (
            Decimal(section["max"]),
            Decimal(section["cap"]),
            [(item["kind"], Decimal(item["points"]), item["per"]) for item in section["items"]],
        )
        for section in rules["sections"]
    ]


COUNT = {"field": "count", "equals": None}
FAILED_CHECK = {"field": "result", "equals": "fail"}

# The fixture checklist, as the credit-union manual scores it: per lapse, per failed check, capped at 10.
VERSION_1 = [
    (Decimal(10), Decimal(10), [("deduction", Decimal("0.5"), COUNT), ("pass_fail", Decimal(1), FAILED_CHECK)]),
    (
        Decimal(10),
        Decimal(10),
        [("deduction", Decimal(2), COUNT), ("number", Decimal(0), None), ("text", Decimal(0), None)],
    ),
]


def test_the_fill_page_renders_the_rules_the_server_scores_with(client, make_inspection, make_user):
    technician = make_user(Role.TECHNICIAN)
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    rules = score_rules_in(client.get(f"/inspections/{inspection.id}/fill"))
    assert plain(rules) == VERSION_1
    assert rules["shares"] == []
    sections = inspection.template.sections
    assert [s["key"] for s in rules["sections"]] == [s.id for s in sections]
    assert [i["key"] for s in rules["sections"] for i in s["items"]] == [i.id for i in inspection.template.items]


def test_an_inspection_of_version_1_keeps_version_1_rules_after_the_checklist_changes(
    client, make_inspection, make_user
):
    technician = make_user(Role.TECHNICIAN)
    inspection = make_inspection(inspector=technician)
    admin = make_user(Role.ADMIN)
    v1 = inspection.template
    # Version 2: a lapse of language costs 1 point, and the language section is worth 12.
    v2 = editor.add_item(admin, v1, v1.sections[0].id, {"kind": "pass_fail", "text": "新增检查项", "points": "5"})
    v2.sections[0].items[0].points = Decimal(1)
    v2.sections[0].max_points = Decimal(12)
    editor.publish(admin, v2)
    db.session.commit()

    client.login(technician)
    assert plain(score_rules_in(client.get(f"/inspections/{inspection.id}/fill"))) == VERSION_1
    # A new inspection is assigned on version 2 and gets version 2's rules.
    newer = make_inspection(template=v2, inspector=technician)
    language = plain(score_rules_in(client.get(f"/inspections/{newer.id}/fill")))[0]
    assert language[:2] == (Decimal(12), Decimal(12))
    assert language[2][0] == ("deduction", Decimal(1), COUNT) and language[2][-1][:2] == ("pass_fail", Decimal(5))
