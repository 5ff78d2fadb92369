"""Inspections over HTTP and in the services: filling, versions, sign-off, bad input, schedules, actions."""

import io
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from intranet.access.roles import Role
from intranet.audit.models import AuditEvent
from intranet.extensions import db
from intranet.forms import Upload
from intranet.inspections import editor, schedules, service, sign_off
from intranet.inspections.filling import AnswerInput
from intranet.inspections.models import CorrectiveAction, Inspection, InspectionSchedule, InspectionTemplate
from tests.conftest import image_bytes, page_text

EN = {"Accept-Language": "en"}


def items_by_text(template):
    return {item.text: item for item in template.items}


def fill_form(template, client_id=None, photo_on=(), **by_text):
    """A complete, passing answer set; keyword args (item text -> {field: value}) override it."""
    data = {"client_id": client_id or str(uuid.uuid4())}
    for item in template.items:
        if item.kind == "pass_fail":
            data[f"item-{item.id}-result"] = "pass"
        elif item.kind == "deduction":
            data[f"item-{item.id}-count"] = "0"
    items = items_by_text(template)
    for text, fields in by_text.items():
        for name, value in fields.items():
            data[f"item-{items[text].id}-{name}"] = value
    for text in photo_on:
        data[f"item-{items[text].id}-photo"] = (io.BytesIO(image_bytes()), "fail.jpg")
    return data


@pytest.fixture
def technician(make_user):
    return make_user(Role.TECHNICIAN, login="insp.tech")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, login="insp.manager")


def test_filling_scores_on_the_server_and_opens_corrective_actions(client, make_inspection, technician, manager):
    inspection = make_inspection(inspector=technician, assigned_by=manager)
    client.login(technician)
    page = client.get(f"/inspections/{inspection.id}/fill")
    assert page.status_code == 200 and "data-inspection-form" in page.get_data(as_text=True)
    data = fill_form(
        inspection.template,
        photo_on=["提示客户当面点验"],
        未使用文明用语={"count": "3"},
        提示客户当面点验={"result": "fail", "note": "柜台无提示"},
        操作差错={"count": "1"},
        室温={"number": "22.5"},
    )
    response = client.post_form(f"/inspections/{inspection.id}/fill", data, content_type="multipart/form-data")
    assert response.status_code == 303, page_text(response)
    db.session.expire_all()
    stored = db.session.get(Inspection, inspection.id)
    # 语言: 3 x 0.5 + 1 = 2.5 off 10; 质量: 1 x 2 off 10 -> 7.5 + 8 = 15.5 of 20
    assert (stored.status, stored.score_total, stored.max_total) == ("submitted", Decimal("15.5"), Decimal(20))
    actions = db.session.query(CorrectiveAction).filter_by(inspection_id=inspection.id).all()
    assert len(actions) == 3 and all(a.owner_id == manager.id for a in actions)
    assert "15.5 / 20" in page_text(client.get(f"/inspections/{inspection.id}"))


def test_the_same_submission_twice_is_stored_once(client, make_inspection, technician):
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    data = fill_form(inspection.template, 未使用文明用语={"count": "1"})
    first = client.post_form(f"/inspections/{inspection.id}/fill", dict(data))
    second = client.post_form(f"/inspections/{inspection.id}/fill", dict(data))
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert db.session.query(CorrectiveAction).filter_by(inspection_id=inspection.id).count() == 1


def test_a_draft_kept_on_the_server_then_submitted(client, make_inspection, technician):
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    items = items_by_text(inspection.template)
    draft = {
        "client_id": str(uuid.uuid4()),
        "intent": "draft",
        f"item-{items['操作差错'].id}-count": "2",
        f"item-{items['提示客户当面点验'].id}-photo": (io.BytesIO(image_bytes()), "p.jpg"),
    }
    response = client.post_form(f"/inspections/{inspection.id}/fill", draft, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/fill")
    stored = db.session.get(Inspection, inspection.id)
    assert (stored.status, stored.score_total, stored.client_id) == ("draft", None, None)
    page = client.get(f"/inspections/{inspection.id}/fill").get_data(as_text=True)
    assert 'value="2"' in page and "photo kept" in page_text(
        client.get(f"/inspections/{inspection.id}/fill", headers=EN)
    )
    # The photo kept with the draft satisfies "photo required" when the check fails on submitting.
    final = fill_form(inspection.template, 操作差错={"count": "2"}, 提示客户当面点验={"result": "fail"})
    assert client.post_form(f"/inspections/{inspection.id}/fill", final).status_code == 303
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).score_total == Decimal(15)  # 10 - 1 + 10 - 4


# Acceptance 3: versions


def test_an_inspection_on_version_1_keeps_rendering_and_scoring_as_version_1(
    client, make_inspection, make_user, technician
):
    inspection = make_inspection(
        inspector=technician,
        answers={"未使用文明用语": AnswerInput(count="3"), "提示客户当面点验": AnswerInput(result="pass")},
    )
    v1 = inspection.template
    admin = make_user(Role.ADMIN)
    # The admin changes the checklist in use: a language violation now costs 1 point and a new item appears.
    language = v1.sections[0]
    v2 = editor.add_item(admin, v1, language.id, {"kind": "pass_fail", "text": "新增检查项", "points": "5"})
    assert (v2.id != v1.id, v2.version, v2.status) == (True, 2, "draft")
    v2.sections[0].items[0].points = Decimal(1)
    editor.publish(admin, v2)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Inspection, inspection.id)
    assert db.session.get(InspectionTemplate, v1.id).status == "retired"
    assert stored.template_id == v1.id
    assert service.score_of(stored).total == Decimal("18.5") == stored.score_total
    client.login(make_user(Role.MANAGER))
    text = page_text(client.get(f"/inspections/{inspection.id}"))
    assert "v1" in text and "18.5 / 20" in text and "新增检查项" not in text
    assert db.session.query(AuditEvent).filter_by(action="template.published", target_id=v2.id).count() == 1


def test_editing_a_template_nobody_used_changes_it_in_place(make_template, make_user):
    template = make_template(status="draft")
    admin = make_user(Role.ADMIN)
    changed = editor.add_section(admin, template, "环境卫生", "10")
    assert changed.id == template.id and [s.title for s in changed.sections][-1] == "环境卫生"


# Acceptance 4: bad input


def test_an_answer_for_an_item_of_another_template_is_refused(client, make_inspection, make_template, technician):
    inspection = make_inspection(inspector=technician)
    other = make_template()
    client.login(technician)
    data = fill_form(inspection.template)
    data[f"item-{other.items[0].id}-count"] = "1"
    response = client.post_form(f"/inspections/{inspection.id}/fill", data, headers=EN)
    assert response.status_code == 422
    assert "not in this checklist" in page_text(response)
    assert db.session.get(Inspection, inspection.id).status == "assigned"


@pytest.mark.parametrize("value", ["45", "-3", "abc", "NaN", "1e999"])
def test_a_number_out_of_range_is_refused(client, make_inspection, technician, value):
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    response = client.post_form(
        f"/inspections/{inspection.id}/fill", fill_form(inspection.template, 室温={"number": value}), headers=EN
    )
    assert response.status_code == 422
    assert "室温" in page_text(response)
    # The form comes back as sent, with the same submission id, so nothing typed is lost.
    html = response.get_data(as_text=True)
    assert "data-inspection-form" in html and f'value="{value}"' in html and "data-fresh" not in html
    assert db.session.get(Inspection, inspection.id).status == "assigned"


def test_a_failed_item_that_needs_a_photo_is_refused_without_one(client, make_inspection, technician):
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    data = fill_form(inspection.template, 提示客户当面点验={"result": "fail"})
    response = client.post_form(f"/inspections/{inspection.id}/fill", data, headers=EN)
    assert response.status_code == 422 and "take a photo" in page_text(response)


@pytest.mark.parametrize("count", ["-1", "1.5", "1000", "x"])
def test_a_bad_count_is_refused(client, make_inspection, technician, count):
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    data = fill_form(inspection.template, 操作差错={"count": count})
    assert client.post_form(f"/inspections/{inspection.id}/fill", data).status_code == 422


def submitted(make_inspection, inspector, assigned_by=None):
    return make_inspection(
        inspector=inspector,
        assigned_by=assigned_by,
        answers={"未使用文明用语": AnswerInput(count="1"), "提示客户当面点验": AnswerInput(result="pass")},
    )


def sign_form(confirm="yes"):
    return {"confirm": confirm, "signature": (io.BytesIO(image_bytes((300, 100), "PNG")), "signature.png")}


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.RECEPTIONIST])
def test_only_managers_sign_off(client, make_inspection, make_user, technician, role):
    inspection = submitted(make_inspection, technician)
    client.login(make_user(role))
    response = client.post_form(f"/inspections/{inspection.id}/sign", sign_form(), headers=EN)
    assert response.status_code == 403
    assert "not allowed" in page_text(response)
    assert db.session.get(Inspection, inspection.id).status == "submitted"


def test_a_manager_cannot_sign_off_their_own_inspection(client, make_inspection, manager):
    inspection = submitted(make_inspection, manager)
    client.login(manager)
    response = client.post_form(f"/inspections/{inspection.id}/sign", sign_form(), headers=EN)
    assert response.status_code == 403
    assert "another manager must sign it off" in page_text(response)


def test_a_manager_of_another_branch_cannot_sign(client, make_inspection, make_user, make_branch, technician):
    inspection = submitted(make_inspection, technician)
    client.login(make_user(Role.MANAGER, branch=make_branch()))
    assert client.post_form(f"/inspections/{inspection.id}/sign", sign_form()).status_code == 403


def test_sign_off_needs_the_confirming_tick_and_a_signature(client, make_inspection, technician, manager):
    inspection = submitted(make_inspection, technician)
    client.login(manager)
    assert client.post_form(f"/inspections/{inspection.id}/sign", sign_form(confirm="")).status_code == 422
    assert client.post_form(f"/inspections/{inspection.id}/sign", {"confirm": "yes"}).status_code == 422
    assert db.session.get(Inspection, inspection.id).status == "submitted"


def _as_signed(inspection) -> tuple:
    """What a signed inspection says: its status, score, signer and signature, and every answer."""
    answers = sorted((a.item_id, a.result, a.count, a.number, a.text) for a in inspection.answers)
    return (inspection.status, inspection.score_total, inspection.signed_by_id, inspection.signature_id, answers)


def test_a_signed_inspection_is_immutable_and_audited(client, make_inspection, technician, manager):
    inspection = submitted(make_inspection, technician)
    client.login(manager)
    response = client.post_form(f"/inspections/{inspection.id}/sign", sign_form(), content_type="multipart/form-data")
    assert response.status_code == 303
    stored = db.session.get(Inspection, inspection.id)
    assert stored.status == "signed_off" and stored.signed_by_id == manager.id and stored.signature_id
    assert db.session.query(AuditEvent).filter_by(action="inspection.signed_off", target_id=inspection.id).count() == 1
    signed = _as_signed(stored)
    # Signing again, returning it, or the inspector sending new answers: all refused, and nothing changes.
    assert client.post_form(f"/inspections/{inspection.id}/sign", sign_form()).status_code == 409
    assert client.post_form(f"/inspections/{inspection.id}/return", {"comment": "重做"}).status_code == 409
    tech = client.application.test_client()
    tech.login(technician)
    response = tech.post_form(f"/inspections/{inspection.id}/fill", fill_form(stored.template), headers=EN)
    assert response.status_code == 409 and "signed off" in page_text(response)
    db.session.expire_all()
    assert _as_signed(db.session.get(Inspection, inspection.id)) == signed


def test_a_returned_inspection_can_be_filled_again(client, make_inspection, technician, manager):
    inspection = submitted(make_inspection, technician)
    client.login(manager)
    assert client.post_form(f"/inspections/{inspection.id}/return", {"comment": ""}).status_code == 422
    assert client.post_form(f"/inspections/{inspection.id}/return", {"comment": "照片不清楚"}).status_code == 303
    assert db.session.get(Inspection, inspection.id).status == "returned"
    tech = client.application.test_client()
    tech.login(technician)
    assert "照片不清楚" in page_text(tech.get(f"/inspections/{inspection.id}/fill"))
    response = tech.post_form(f"/inspections/{inspection.id}/fill", fill_form(inspection.template))
    assert response.status_code == 303
    assert db.session.get(Inspection, inspection.id).status == "submitted"


def test_resubmitting_a_returned_inspection_reconciles_its_corrective_actions(
    client, make_inspection, technician, manager
):
    inspection = make_inspection(
        inspector=technician,
        assigned_by=manager,
        answers={
            "未使用文明用语": AnswerInput(count="2"),
            "操作差错": AnswerInput(count="1"),
            "提示客户当面点验": AnswerInput(result="pass"),
        },
    )
    first = {a.description.split(" ")[0]: a.id for a in db.session.query(CorrectiveAction)}
    assert set(first) == {"未使用文明用语", "操作差错"}
    client.login(manager)
    assert client.post_form(f"/inspections/{inspection.id}/return", {"comment": "再查一次"}).status_code == 303
    tech = client.application.test_client()
    tech.login(technician)
    # Checked again: the language item passes now, the slip still fails, a new item fails.
    data = fill_form(
        inspection.template, photo_on=["提示客户当面点验"], 操作差错={"count": "1"}, 提示客户当面点验={"result": "fail"}
    )
    response = tech.post_form(f"/inspections/{inspection.id}/fill", data, content_type="multipart/form-data")
    assert response.status_code == 303, page_text(response)
    db.session.expire_all()
    actions = {a.description.split(" ")[0].split(":")[0]: a for a in db.session.query(CorrectiveAction)}
    assert actions["未使用文明用语"].id == first["未使用文明用语"]
    assert actions["未使用文明用语"].status == "withdrawn" and actions["未使用文明用语"].done_at is not None
    assert actions["操作差错"].id == first["操作差错"] and actions["操作差错"].status == "open"  # kept, not doubled
    assert actions["提示客户当面点验"].status == "open"
    assert len(actions) == 3
    withdrawn = db.session.query(AuditEvent).filter_by(action="corrective_action.withdrawn").one()
    assert withdrawn.target_id == first["未使用文明用语"]
    page = page_text(client.get("/inspections/actions?status=withdrawn", headers=EN))
    assert "未使用文明用语" in page and "操作差错" not in page


# Assigning, schedules, actions, ranking, editor


def test_a_manager_assigns_a_recurring_inspection_and_generating_twice_makes_one(
    client, make_template, technician, manager
):
    template = make_template()
    client.login(manager)
    form = client.get("/inspections/assign")
    assert form.status_code == 200
    response = client.post_form(
        "/inspections/assign",
        {"template_id": template.id, "inspector_id": technician.id, "due_on": "2026-12-01", "frequency": "weekly"},
    )
    assert response.status_code == 303
    schedule = db.session.query(InspectionSchedule).one()
    now = datetime.now(UTC)
    assert schedules.generate_all(now) == 0  # the first period's inspection was made on assigning
    assert db.session.query(Inspection).filter_by(schedule_id=schedule.id).count() == 1
    later = datetime(2030, 1, 7, 3, tzinfo=UTC)
    assert schedules.generate_all(later) == 1
    assert schedules.generate_all(later) == 0
    db.session.commit()
    assert db.session.query(Inspection).filter_by(schedule_id=schedule.id).count() == 2


def test_an_inspection_of_one_site(client, make_template, make_site, make_branch, make_customer, technician, manager):
    template, site = make_template(), make_site()
    client.login(manager)
    data = {"template_id": template.id, "inspector_id": technician.id, "due_on": "2026-12-01", "site_id": site.id}
    response = client.post_form("/inspections/assign", data)
    assert response.status_code == 303
    inspection = db.session.query(Inspection).one()
    assert inspection.site_id == site.id
    assert site.name in page_text(client.get(f"/inspections/{inspection.id}"))
    elsewhere = make_site(customer=make_customer(branch=make_branch()))
    response = client.post_form("/inspections/assign", data | {"site_id": elsewhere.id})
    assert response.status_code == 422


def test_assigning_refuses_an_inspector_of_another_branch(client, make_template, make_user, make_branch, manager):
    other = make_user(Role.TECHNICIAN, branch=make_branch())
    client.login(manager)
    response = client.post_form(
        "/inspections/assign", {"template_id": make_template().id, "inspector_id": other.id, "due_on": "2026-12-01"}
    )
    assert response.status_code == 422
    assert db.session.query(Inspection).count() == 0


def test_period_keys():
    from datetime import date

    assert schedules.period_of("daily", date(2026, 11, 23)) == ("2026-11-23", date(2026, 11, 23))
    assert schedules.period_of("weekly", date(2026, 11, 23)) == ("2026-W48", date(2026, 11, 29))
    assert schedules.period_of("monthly", date(2026, 12, 5)) == ("2026-12", date(2026, 12, 31))
    assert schedules.period_of("quarterly", date(2026, 11, 5)) == ("2026-Q4", date(2026, 12, 31))


def test_corrective_action_done_then_verified_and_overdue_highlighted(client, make_inspection, technician, manager):
    inspection = submitted(make_inspection, technician, assigned_by=manager)
    action = db.session.query(CorrectiveAction).filter_by(inspection_id=inspection.id).one()
    action.due_on = action.due_on.replace(year=2020)
    db.session.commit()
    client.login(manager)
    page = client.get("/inspections/actions")
    assert 'class="overdue"' in page.get_data(as_text=True)
    assert client.post_form(f"/inspections/actions/{action.id}/verify").status_code == 409
    handover = {"owner_id": technician.id, "due_on": "2030-01-31"}
    assert client.post_form(f"/inspections/actions/{action.id}/reassign", handover).status_code == 303
    assert db.session.get(CorrectiveAction, action.id).owner_id == technician.id
    assert 'class="overdue"' not in client.get("/inspections/actions").get_data(as_text=True)
    bad = {"owner_id": technician.id, "due_on": "31/01/2030"}
    assert client.post_form(f"/inspections/actions/{action.id}/reassign", bad).status_code == 422
    done = {"note": "已培训", "client_id": str(uuid.uuid4())}
    assert client.post_form(f"/inspections/actions/{action.id}/done", done).status_code == 303
    # The outbox sending it again (its answer was lost) gets the first answer, not "already done".
    again = client.post_form(f"/inspections/actions/{action.id}/done", done, headers={"X-Outbox": "1"})
    assert again.status_code == 303 and again.headers["Idempotent-Replayed"] == "true"
    assert client.post_form(f"/inspections/actions/{action.id}/verify").status_code == 303
    assert db.session.get(CorrectiveAction, action.id).status == "verified"
    fragment = client.htmx_get("/inspections/actions?status=verified", "action-results")
    assert fragment.status_code == 200
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="action-results">')


def test_branch_ranking_averages_signed_off_scores(
    client, make_inspection, make_user, make_template, technician, manager
):
    template = make_template()
    for count in ("1", "3"):
        inspection = make_inspection(
            template=template,
            inspector=technician,
            answers={"未使用文明用语": AnswerInput(count=count), "提示客户当面点验": AnswerInput(result="pass")},
        )
        sign_off.sign_off(manager, inspection, Upload(image_bytes(image_format="PNG")), confirmed=True)
    db.session.commit()
    client.login(manager)
    today = datetime.now(UTC)
    response = client.get(f"/inspections/ranking?family={template.family}&period={today:%Y-%m}", headers=EN)
    # 19.5 and 18.5 of 20: average 19, 95 %
    assert response.status_code == 200
    assert "19 " in page_text(response) and "95.0" in page_text(response)
    assert client.get("/inspections/ranking?period=2026-13").status_code == 422
    # Opened without a choice, the ranking shows the checklist signed off last, not an empty one.
    make_template(family="AAA-NEVER-USED")
    opened = page_text(client.get("/inspections/ranking", headers=EN))
    assert "95.0" in opened and "No signed-off inspections" not in opened


def test_index_and_fragment(client, make_inspection, technician):
    make_inspection(inspector=technician)
    client.login(technician)
    page = client.get("/inspections")
    assert page.status_code == 200 and "To fill" in page_text(client.get("/inspections", headers=EN))
    fragment = client.htmx_get("/inspections?status=assigned", "inspection-results")
    assert fragment.status_code == 200
    assert client.get("/inspections?status=submitted").status_code == 200
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="inspection-results">')
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]


def test_the_offline_set_has_the_fill_pages(client, make_inspection, technician):
    inspection = make_inspection(inspector=technician)
    client.login(technician)
    urls = client.get("/offline/pages").get_json()
    text = json.dumps(urls)
    assert f"/inspections/{inspection.id}/fill" in text


def test_editor_over_htmx_and_json_round_trip(client, make_template, make_user):
    template = make_template(status="draft")
    client.login(make_user(Role.ADMIN))
    section = template.sections[0]
    response = client.post_form(
        f"/inspections/templates/{template.id}/items",
        {"section_id": section.id, "text": "新项", "kind": "deduction", "points": "0.5"},
        headers={"HX-Request": "true", "HX-Target": "template-editor"},
    )
    assert response.status_code == 200 and "新项" in response.get_data(as_text=True)
    new_item = section.items[-1]
    response = client.post_form(
        f"/inspections/templates/{template.id}/items/{new_item.id}/move",
        {"direction": "up"},
        headers={"HX-Request": "true", "HX-Target": "template-editor"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert [i.text for i in db.session.get(InspectionTemplate, template.id).sections[0].items][-2] == "新项"
    response = client.post_form(
        f"/inspections/templates/{template.id}/sections/{template.sections[1].id}/move",
        {"direction": "up"},
        headers={"HX-Request": "true", "HX-Target": "template-editor"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert [s.title for s in db.session.get(InspectionTemplate, template.id).sections] == ["质量", "语言"]
    exported = client.get(f"/inspections/templates/{template.id}/export").get_json()
    exported["code"] = "COPY-1"
    response = client.post_form(
        "/inspections/templates/import", {"file": (io.BytesIO(json.dumps(exported).encode()), "x.json")}
    )
    assert response.status_code == 303
    copy = db.session.query(InspectionTemplate).filter_by(family="COPY-1").one()
    assert [i.text for i in copy.items] == [i.text for i in db.session.get(InspectionTemplate, template.id).items]
    assert client.post_form("/inspections/templates/import", {"data": "{not json"}).status_code == 422
    as_yaml = client.get(f"/inspections/templates/{template.id}/export?format=yaml").get_data(as_text=True)
    assert "sections:" in as_yaml and "新项" in as_yaml
    response = client.post_form("/inspections/templates/import", {"data": as_yaml.replace("code: T", "code: Y")})
    assert response.status_code == 303
    assert (
        client.post_form("/inspections/templates/import", {"data": "!!python/object:os.system {}"}).status_code == 422
    )
    assert client.post_form("/inspections/templates/import", {"data": "- a\n- b"}).status_code == 422
    assert client.post_form(f"/inspections/templates/{template.id}/publish", {"confirm": "yes"}).status_code == 303


def test_print_page(client, make_inspection, technician):
    inspection = submitted(make_inspection, technician)
    client.login(technician)
    response = client.get(f"/inspections/{inspection.id}/print")
    assert response.status_code == 200 and "print-sheet" in response.get_data(as_text=True)
