"""The credit-union manual's own rules over HTTP and in the services: an uncapped section, a deduction of
"at least 1 point", the hidden-error share of the total, deductions charged to a person, and versions.

The checklist (three sections of 10, none capped):
  语言  未使用文明用语  0.5 a time
  纪律  擅自离岗        entered, at least 1
  质量  操作差错        2 a time;  隐瞒差错  a share of 50 to 100 % of the total
"""

import io
import json
import re
import uuid
from decimal import Decimal

import pytest

from intranet.access.roles import Role
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.inspections import editor, filling, service
from intranet.inspections.filling import AnswerInput, ChargeInput
from intranet.inspections.models import Inspection, InspectionCharge, InspectionTemplate
from tests.conftest import page_text, score_rules_in

EN = {"Accept-Language": "en"}
CREDIT_UNION = [
    ("语言", "10", [{"kind": "deduction", "text": "未使用文明用语", "points": "0.5"}], False),
    ("纪律", "10", [{"kind": "entered", "text": "擅自离岗", "at_least": "1"}], False),
    (
        "质量",
        "10",
        [
            {"kind": "deduction", "text": "操作差错", "points": "2"},
            {"kind": "share", "text": "隐瞒差错", "min_value": "50", "max_value": "100"},
        ],
        False,
    ),
]


@pytest.fixture
def technician(make_user):
    return make_user(Role.TECHNICIAN, login="cu.inspector", name="检查员")


@pytest.fixture
def template(make_template):
    return make_template(sections=CREDIT_UNION)


def fields(template, **by_text) -> dict:
    """Form fields: every item not found, then item text -> {field: value} overrides."""
    items = {item.text: item for item in template.items}
    data = {"client_id": str(uuid.uuid4())}
    data |= {f"item-{item.id}-count": "0" for item in template.items if item.kind == "deduction"}
    for text, values in by_text.items():
        data |= {f"item-{items[text].id}-{name}": value for name, value in values.items()}
    return data


def submit(client, inspection, data):
    return client.post_form(f"/inspections/{inspection.id}/fill", data, headers=EN)


def test_uncapped_at_least_and_the_hidden_error_share_scored_on_the_server(
    client, make_inspection, template, technician
):
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    data = fields(template, 未使用文明用语={"count": "25"}, 擅自离岗={"points": "0.5"}, 隐瞒差错={"number": "50"})
    refused = submit(client, inspection, data)
    assert refused.status_code == 422
    assert "“擅自离岗” needs a deduction of at least 1: enter 1 or more, or 0 if it was not found." in page_text(
        refused
    )
    assert db.session.get(Inspection, inspection.id).status == "assigned"

    data = fields(template, 未使用文明用语={"count": "25"}, 擅自离岗={"points": "2"}, 隐瞒差错={"number": "50"})
    assert submit(client, inspection, data).status_code == 303
    db.session.expire_all()
    stored = db.session.get(Inspection, inspection.id)
    # 语言 10 - 25 x 0.5 = -2.5 (not capped at 0); 纪律 10 - 2 = 8; 质量 10: 15.5, halved by the share: 7.75
    assert (stored.score_total, stored.max_total) == (Decimal("7.75"), Decimal(30))
    assert [s["score"] for s in service.section_scores(stored).values()] == ["-2.50", "8.00", "10.00"]
    page = client.get(f"/inspections/{inspection.id}", headers=EN)
    text = page_text(page)
    assert "7.75 / 30" in text and "−12.5" in text and "after −50% of the total: 隐瞒差错" in text
    # What failed is the scoring rules' word, not the template's: the 25 lapses, the entered 2, the share.
    assert page.get_data(as_text=True).count('<tr class="failed">') == 3


@pytest.mark.parametrize(("percent", "total"), [("100", Decimal(0)), ("0", Decimal(30)), ("", Decimal(30))])
def test_the_share_takes_its_percent_or_nothing(client, make_inspection, template, technician, percent, total):
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    assert submit(client, inspection, fields(template, 隐瞒差错={"number": percent})).status_code == 303
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).score_total == total


@pytest.mark.parametrize("percent", ["30", "101", "abc", "-50", "50.001"])
def test_a_share_outside_its_range_is_refused(client, make_inspection, template, technician, percent):
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    response = submit(client, inspection, fields(template, 隐瞒差错={"number": percent}))
    assert response.status_code == 422 and "takes 50 to 100 percent of the total" in page_text(response)


def test_at_least_1_refuses_half_a_point_and_accepts_1_and_2(template, technician, make_inspection):
    item = next(item for item in template.items if item.kind == "entered")
    for points, accepted in (("0.5", False), ("1", True), ("2", True), ("0", True), ("1.234", False)):
        inspection = make_inspection(template=template, inspector=technician)
        given = {item.id: AnswerInput(points=points)}
        if accepted:
            filling.submit_inspection(technician, inspection, str(uuid.uuid4()), given)
            expected = Decimal(30) - Decimal(points)
            assert inspection.score_total == expected, points
        else:
            with pytest.raises(Invalid):
                filling.submit_inspection(technician, inspection, str(uuid.uuid4()), given)
            db.session.rollback()


def test_the_fill_page_hands_the_browser_these_rules(client, make_inspection, template, technician):
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    rules = score_rules_in(client.get(f"/inspections/{inspection.id}/fill"))
    assert [section["cap"] for section in rules["sections"]] == [None, None, None]
    entered = rules["sections"][1]["items"][0]
    assert (entered["points"], entered["at_least"], entered["per"]["field"]) == ("1", "1.00", "points")
    share = next(item for item in template.items if item.kind == "share")
    assert rules["shares"] == [{"item": share.id, "per": {"field": "number", "equals": None}, "share": "0.01"}]


# Deductions charged to people


@pytest.fixture
def tellers(make_user):
    return [make_user(Role.RECEPTIONIST, name=name) for name in ("柜员甲", "柜员乙")]


def charges_of(inspection_id) -> set:
    rows = db.session.query(InspectionCharge).filter_by(inspection_id=inspection_id)
    return {(charge.item.text, charge.person.name, charge.times, charge.points) for charge in rows}


def test_deductions_are_charged_to_the_people_of_the_branch(client, make_inspection, template, technician, tellers):
    first, second = tellers
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    data = fields(template, 未使用文明用语={"count": "3"}, 擅自离岗={"points": "2"})
    items = {item.text: item.id for item in template.items}
    language, discipline = items["未使用文明用语"], items["擅自离岗"]
    data |= {
        f"item-{language}-charge-0-person": str(first.id),
        f"item-{language}-charge-0-amount": "2",
        f"item-{language}-charge-3-person": str(second.id),  # lines are numbered by the page: gaps are fine
        f"item-{language}-charge-3-amount": "1",
        f"item-{discipline}-charge-0-person": str(first.id),
        f"item-{discipline}-charge-0-amount": "2",
    }
    assert submit(client, inspection, data).status_code == 303
    assert charges_of(inspection.id) == {
        ("未使用文明用语", "柜员甲", 2, Decimal("1.00")),
        ("未使用文明用语", "柜员乙", 1, Decimal("0.50")),
        ("擅自离岗", "柜员甲", 0, Decimal("2.00")),
    }
    assert db.session.query(InspectionCharge).filter_by(inspection_id=inspection.id).first().branch_id == (
        inspection.branch_id
    )
    text = page_text(client.get(f"/inspections/{inspection.id}", headers=EN))
    assert "charged to 柜员甲: −1 (2 times)" in text and "charged to 柜员乙: −0.5 (1 time)" in text


def test_refused_charges_save_nothing(client, make_inspection, make_user, make_branch, template, technician, tellers):
    first, second = tellers
    stranger = make_user(Role.RECEPTIONIST, branch=make_branch())
    items = {item.text: item.id for item in template.items}
    language, discipline = items["未使用文明用语"], items["擅自离岗"]

    def line(item, n, person, amount):
        return {f"item-{item}-charge-{n}-person": str(person.id), f"item-{item}-charge-{n}-amount": amount}

    base = fields(template, 未使用文明用语={"count": "3"}, 擅自离岗={"points": "2"})
    cases = [
        (line(language, 0, first, "4"), "4 times charged to people, but found 3 times"),
        (line(language, 0, stranger, "1"), "choose a person of the branch"),
        (line(language, 0, first, "1") | line(language, 1, first, "1"), "each person is named once"),
        (line(discipline, 0, first, "0.5"), "needs a deduction of at least 1"),
        (line(discipline, 0, first, "1") | line(discipline, 1, second, "1.5"), "more points charged to people"),
        ({f"item-{language}-charge-0-amount": "1"}, "choose a person of the branch"),
        ({f"item-{language}-charge-x-person": str(first.id)}, "Unknown answer field"),
    ]
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    for extra, message in cases:
        response = submit(client, inspection, base | extra)
        assert response.status_code == 422 and message in page_text(response), message
    assert db.session.query(InspectionCharge).count() == 0
    assert db.session.get(Inspection, inspection.id).status == "assigned"
    # The refused form comes back with the lines as they were sent.
    response = submit(client, inspection, base | line(language, 0, first, "4"))
    assert re.search(rf'<option value="{first.id}" selected>柜员甲</option>', response.get_data(as_text=True))


def test_a_draft_keeps_its_charges_and_the_submission_replaces_them(
    client, make_inspection, template, technician, tellers
):
    first, second = tellers
    inspection = make_inspection(template=template, inspector=technician)
    language = next(item.id for item in template.items if item.text == "未使用文明用语")
    given = {language: AnswerInput(count="2", charges={0: ChargeInput(str(first.id), "2")})}
    filling.save_draft(technician, inspection, given)
    db.session.commit()
    assert charges_of(inspection.id) == {("未使用文明用语", "柜员甲", 2, Decimal("1.00"))}
    client.login(technician)
    page = client.get(f"/inspections/{inspection.id}/fill").get_data(as_text=True)
    assert f'name="item-{language}-charge-0-person"' in page and f'<option value="{first.id}" selected>' in page
    given = {language: AnswerInput(count="2", charges={0: ChargeInput(str(second.id), "1")})}
    filling.submit_inspection(technician, inspection, str(uuid.uuid4()), given)
    db.session.commit()
    assert charges_of(inspection.id) == {("未使用文明用语", "柜员乙", 1, Decimal("0.50"))}


# Versions, the editor, import and export


def test_a_version_1_inspection_keeps_scoring_as_version_1_after_the_cap_is_lifted(
    client, make_inspection, make_template, make_user, technician
):
    # Version 1 caps the language section at 10: 25 lapses cost 10, not 12.5.
    template = make_template(
        sections=[("语言", "10", [{"kind": "deduction", "text": "未使用文明用语", "points": "0.5"}])]
    )
    item = template.items[0]
    inspection = make_inspection(
        template=template, inspector=technician, answers={"未使用文明用语": AnswerInput(count="25")}
    )
    assert inspection.score_total == Decimal(0)
    admin = make_user(Role.ADMIN)
    client.login(admin)
    response = client.post_form(
        f"/inspections/templates/{template.id}/sections/{template.sections[0].id}/cap",
        {"capped": "no"},
        headers={"HX-Request": "true", "HX-Target": "template-editor"},
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"]  # in use: version 2, a draft
    v2 = db.session.query(InspectionTemplate).filter_by(family=template.family, version=2).one()
    assert [s.capped for s in v2.sections] == [False] and [s.capped for s in template.sections] == [True]
    editor.publish(admin, v2)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Inspection, inspection.id)
    assert service.score_of(stored).total == Decimal(0) == stored.score_total
    newer = make_inspection(template=v2, inspector=technician, answers={"未使用文明用语": AnswerInput(count="25")})
    assert newer.score_total == Decimal("-2.5")
    assert item.id not in {i.id for i in v2.items}


def test_the_editor_adds_the_new_kinds_and_a_file_carries_them_both_ways(client, make_template, make_user):
    template = make_template(
        status="draft", sections=[("纪律", "10", [{"kind": "pass_fail", "text": "x", "points": "1"}])]
    )
    client.login(make_user(Role.ADMIN))
    section = template.sections[0]
    htmx = {"HX-Request": "true", "HX-Target": "template-editor"}
    url = f"/inspections/templates/{template.id}"
    assert client.post_form(f"{url}/sections/{section.id}/cap", {"capped": "no"}, headers=htmx).status_code == 200
    added = client.post_form(
        f"{url}/items",
        {"section_id": section.id, "text": "迟到早退", "kind": "entered", "at_least": "1"},
        headers=htmx | EN,
    )
    assert added.status_code == 200 and "迟到早退 · Deduction the inspector enters" in page_text(added)
    assert "at least 1" in page_text(added)
    share = {"section_id": section.id, "text": "隐瞒不报", "kind": "share", "min": "50", "max": "100"}
    assert client.post_form(f"{url}/items", share, headers=htmx).status_code == 200
    too_big = client.post_form(f"{url}/items", share | {"max": "150"}, headers=htmx | EN)
    assert too_big.status_code == 422 and "percentage from 0 to 100" in page_text(too_big)
    not_a_deduction = {"section_id": section.id, "text": "t", "kind": "text", "at_least": "1"}
    assert client.post_form(f"{url}/items", not_a_deduction, headers=htmx).status_code == 422

    exported = client.get(f"{url}/export").get_json()
    [section_data] = exported["sections"]
    assert section_data["capped"] is False
    assert [(i["kind"], i["at_least"], i["min"], i["max"]) for i in section_data["items"]][1:] == [
        ("entered", "1", None, None),
        ("share", None, "50", "100"),
    ]
    as_yaml = client.get(f"{url}/export?format=yaml").get_data(as_text=True)
    for code, body in (("FROM-JSON", json.dumps(exported | {"code": "FROM-JSON"})), ("FROM-YAML", as_yaml)):
        if code == "FROM-YAML":
            body = body.replace(f"code: {template.family}", "code: FROM-YAML")
        response = client.post_form("/inspections/templates/import", {"file": (io.BytesIO(body.encode()), "c.txt")})
        assert response.status_code == 303, code
        copy = db.session.query(InspectionTemplate).filter_by(family=code).one()
        assert [s.capped for s in copy.sections] == [False]
        assert [(i.kind, i.at_least, i.min_value, i.max_value) for i in copy.items][1:] == [
            ("entered", Decimal(1), None, None),
            ("share", None, Decimal(50), Decimal(100)),
        ]
    # A file from before sections could be uncapped scores as it always did.
    del exported["sections"][0]["capped"]
    exported["code"] = "OLD-FILE"
    assert client.post_form("/inspections/templates/import", {"data": json.dumps(exported)}).status_code == 303
    assert db.session.query(InspectionTemplate).filter_by(family="OLD-FILE").one().sections[0].capped is True
    exported["sections"][0]["items"][2]["max"] = "300"
    exported["code"] = "BAD-SHARE"
    assert client.post_form("/inspections/templates/import", {"data": json.dumps(exported)}).status_code == 422
