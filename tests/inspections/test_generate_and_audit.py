"""`flask inspections-generate` run twice, the demo checklists, and the generic audit trail."""

import json

from sqlalchemy import func, select

from intranet.access.roles import Role
from intranet.audit import service as audit
from intranet.audit.models import AuditEvent
from intranet.inspections.models import Inspection, InspectionSchedule, InspectionTemplate


def test_generating_twice_makes_one_inspection_per_schedule_and_period(app, db_session, make_template, make_user):
    template = make_template()
    technician, manager = make_user(Role.TECHNICIAN), make_user(Role.MANAGER)
    for frequency in ("daily", "weekly", "monthly", "quarterly"):
        db_session.add(
            InspectionSchedule(
                family=template.family,
                branch_id=technician.branch_id,
                inspector_id=technician.id,
                created_by_id=manager.id,
                frequency=frequency,
            )
        )
    db_session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["inspections-generate"])
    second = runner.invoke(args=["inspections-generate"])
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert "Generated 4 inspections." in first.output and "Generated 0 inspections." in second.output
    assert db_session.scalar(select(func.count()).select_from(Inspection)) == 4


def test_the_demo_loads_the_four_checklists_from_the_manuals(app, db_session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    active = {t.family: t for t in db_session.scalars(select(InspectionTemplate).filter_by(status="active"))}
    assert set(active) == {"CU-SERVICE", "5S-DAILY", "PDI-VEHICLE", "OFFICE-OPS"}
    sections = [s.title for s in active["CU-SERVICE"].sections]
    assert sections == ["服务道德", "语言", "态度", "仪表", "技能", "质量", "效率", "纪律", "环境卫生", "宣传设施"]
    by_title = {s.title: s for s in active["CU-SERVICE"].sections}
    points = {title: {str(i.points) for i in s.items if i.kind == "deduction"} for title, s in by_title.items()}
    assert points["语言"] == {"0.50"} and points["态度"] == {"1.00"} and points["质量"] == {"2.00"}
    # The manual's own rules: every occurrence deducts (no cap), discipline at least 1 point a time,
    # an error hidden takes 50 to 100 % of the score.
    assert not any(section.capped for section in by_title.values())
    assert {(i.kind, str(i.at_least)) for i in by_title["纪律"].items} == {("entered", "1.00")}
    [hidden] = [i for i in by_title["质量"].items if i.kind == "share"]
    assert (hidden.min_value, hidden.max_value) == (50, 100)
    assert db_session.scalar(select(func.count()).select_from(Inspection).filter_by(status="signed_off")) == 2


def test_audit_records_who_did_what_to_which_record(db_session, make_user, make_template):
    admin = make_user(Role.ADMIN)
    template = make_template()
    event = audit.record(admin, "template.published", template, version=1, note="第一版")
    db_session.commit()
    assert (event.target_type, event.target_id, event.actor_id) == ("inspection_template", template.id, admin.id)
    assert json.loads(event.detail) == {"note": "第一版", "version": 1}
    assert [e.id for e in audit.events_for(template)] == [event.id]
    assert db_session.query(AuditEvent).count() == 1


def test_import_refuses_odd_files(make_user, db_session):
    import pytest

    from intranet.errors import Invalid
    from intranet.inspections import templates_io
    from intranet.inspections.templates_io import FORMAT

    admin = make_user(Role.ADMIN)
    good = {
        "format": FORMAT,
        "code": "ok-1",
        "title": "t",
        "sections": [{"title": "s", "max_points": "10", "items": [{"kind": "deduction", "text": "x", "points": "1"}]}],
    }
    assert templates_io.import_template(admin, good).family == "OK-1"
    for broken in (
        {**good, "format": "other"},
        {**good, "code": "a b"},
        {**good, "sections": []},
        {**good, "sections": [{**good["sections"][0], "max_points": "-5"}]},
        {**good, "sections": [{**good["sections"][0], "items": [{"kind": "alien", "text": "x"}]}]},
        {**good, "sections": [{**good["sections"][0], "items": [{"kind": "number", "text": "x", "min": "abc"}]}]},
    ):
        with pytest.raises(Invalid):
            templates_io.import_template(admin, broken)
