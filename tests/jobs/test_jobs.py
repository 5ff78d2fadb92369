"""Jobs through HTTP and services: create, dispatch, Today, start, list filters, correction, callbacks."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from intranet.access.roles import Role
from intranet.db_types import utcnow
from intranet.errors import Invalid, NotAllowed
from intranet.jobs import callbacks, service, visits
from intranet.jobs.models import Job, JobEvent
from tests.conftest import page_text


@pytest.fixture
def technician(make_user):
    return make_user(Role.TECHNICIAN, login="zhang.wei", name="张伟")


def events(db_session, job):
    return [event.kind for event in db_session.query(JobEvent).filter_by(job_id=job.id).order_by(JobEvent.id)]


def test_receptionist_creates_and_dispatches_a_job_with_history(
    client, make_user, make_equipment, technician, db_session
):
    equipment = make_equipment()
    client.login(make_user(Role.RECEPTIONIST, name="李静"))
    customer_id = equipment.site.customer_id
    form = client.get(f"/customers/{customer_id}/jobs/new")
    assert form.status_code == 200
    response = client.post_form(
        f"/customers/{customer_id}/jobs/new",
        {
            "site_id": str(equipment.site_id),
            "equipment_id": str(equipment.id),
            "source": "complaint",
            "priority": "urgent",
            "fault_description": "叫号机不出票",
            "due_at": "2026-11-24T09:30",
            "assigned_to_id": str(technician.id),
        },
    )
    assert response.status_code == 303
    job = db_session.query(Job).one()
    assert (job.status, job.assigned_to_id, job.priority) == ("assigned", technician.id, "urgent")
    assert job.due_at.hour == 1 and job.due_at.minute == 30  # 09:30 in Shanghai is 01:30 UTC
    assert events(db_session, job) == ["created", "assigned"]
    page = page_text(client.get(f"/jobs/{job.id}", headers={"Accept-Language": "en"}))
    assert "created the job" in page and "dispatched it to 张伟" in page


def test_a_job_needs_a_site_of_the_customer_and_a_technician_of_the_branch(
    client, make_user, make_site, make_branch, db_session
):
    site, other_site = make_site(), make_site()
    stranger = make_user(Role.TECHNICIAN, branch=make_branch())
    client.login(make_user(Role.RECEPTIONIST))
    base = {"source": "walk_in", "priority": "normal", "fault_description": "不制冷", "due_at": "2026-11-24T09:30"}
    wrong_site = client.post_form(f"/customers/{site.customer_id}/jobs/new", base | {"site_id": str(other_site.id)})
    assert wrong_site.status_code == 422
    wrong_tech = client.post_form(
        f"/customers/{site.customer_id}/jobs/new", base | {"site_id": str(site.id), "assigned_to_id": str(stranger.id)}
    )
    assert wrong_tech.status_code == 422
    assert db_session.query(Job).count() == 0


def test_the_service_dispatches_only_to_a_technician_of_the_jobs_branch(
    make_user, make_job, make_site, make_branch, db_session
):
    """The forms offer only the branch's technicians; the service holds the rule for every other caller
    (a script, an import, another module's event), whichever role asks."""
    job = make_job()
    stranger = make_user(Role.TECHNICIAN, branch=make_branch())
    for role in (Role.RECEPTIONIST, Role.MANAGER, Role.ADMIN):
        with pytest.raises(Invalid):
            service.assign_job(make_user(role), job, stranger.id)
    site = make_site()
    data = service.JobData(
        site_id=site.id, source="walk_in", priority="normal", fault_description="不制冷",
        due_at=utcnow() + timedelta(hours=2), assigned_to_id=stranger.id,
    )  # fmt: skip
    with pytest.raises(Invalid):
        service.create_job(make_user(Role.RECEPTIONIST), site.customer, data)
    db_session.rollback()
    assert db_session.get(Job, job.id).assigned_to_id != stranger.id


def test_dispatch_later_from_the_job_page(client, make_user, make_job, technician, db_session):
    job = make_job(status="open")
    client.login(make_user(Role.MANAGER))
    response = client.post_form(f"/jobs/{job.id}/assign", {"technician_id": str(technician.id)})
    assert response.status_code == 303
    db_session.refresh(job)
    assert (job.status, job.assigned_to_id) == ("assigned", technician.id)


def test_today_lists_my_jobs_by_due_time_then_priority(client, technician, make_job, make_user):
    now = utcnow()
    later_normal = make_job(technician=technician, due_at=now + timedelta(hours=3), fault_description="第三")
    soon_normal = make_job(
        technician=technician, due_at=now + timedelta(hours=1), priority="normal", fault_description="第二"
    )
    soon_urgent = make_job(
        technician=technician,
        due_at=now + timedelta(hours=1),
        priority="urgent",
        priority_rank=0,
        fault_description="第一",
    )
    make_job(technician=make_user(Role.TECHNICIAN), fault_description="别人的")
    make_job(technician=technician, status="done", fault_description="已完成")
    jobs = service.todays_jobs(technician, now)
    assert [j.id for j in jobs] == [soon_urgent.id, soon_normal.id, later_normal.id]
    client.login(technician)
    text = page_text(client.get("/today"))
    assert text.index("第一") < text.index("第二") < text.index("第三")
    assert "别人的" not in text and "已完成" not in text


def test_empty_today_says_so(client, technician):
    client.login(technician)
    assert "Nothing due today" in page_text(client.get("/today", headers={"Accept-Language": "en"}))


def test_one_tap_start_records_the_arrival(client, technician, make_job, db_session):
    job = make_job(technician=technician)
    client.login(technician)
    response = client.post_form(
        f"/jobs/{job.id}/start",
        {"client_id": str(uuid.uuid4())},
        headers={"HX-Request": "true", "HX-Target": f"job-card-{job.id}"},
    )
    assert response.status_code == 200 and "<html" not in response.get_data(True)
    db_session.refresh(job)
    assert job.status == "in_progress" and job.started_at is not None
    assert events(db_session, job)[-1] == "started"
    again = client.post_form(f"/jobs/{job.id}/start", {"client_id": str(uuid.uuid4())})
    assert again.status_code == 303  # starting twice is harmless


def test_a_start_queued_offline_keeps_the_time_it_was_tapped(client, technician, make_job, db_session):
    """The outbox sends the tap hours later: the arrival is when it was tapped, once, however often sent."""
    job = make_job(technician=technician)
    job.created_at = utcnow() - timedelta(hours=5)
    db_session.commit()
    client.login(technician)
    tapped = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    tap = {"client_id": str(uuid.uuid4()), "tapped_at": tapped.isoformat().replace("+00:00", "Z")}
    assert client.post_form(f"/jobs/{job.id}/start", tap).status_code == 303
    replayed = client.post_form(f"/jobs/{job.id}/start", tap, headers={"X-Outbox": "1"})
    assert replayed.status_code == 303 and replayed.headers["Idempotent-Replayed"] == "true"
    db_session.refresh(job)
    assert job.status == "in_progress" and job.started_at == tapped
    assert events(db_session, job).count("started") == 1
    assert client.post_form(f"/jobs/{job.id}/start", {**tap, "tapped_at": "now"}).status_code == 409  # changed


@pytest.mark.parametrize(
    ("tapped_at", "status"),
    [("yesterday", 422), ("2026-11-27T10:00:00", 422), ("2001-01-01T00:00:00Z", 422), ("2999-01-01T00:00:00Z", 303)],
    ids=["damaged", "no zone", "before the job", "clock ahead"],
)
def test_a_tap_time_that_cannot_be_is_refused_or_bounded(client, technician, make_job, db_session, tapped_at, status):
    job = make_job(technician=technician)
    client.login(technician)
    response = client.post_form(f"/jobs/{job.id}/start", {"client_id": str(uuid.uuid4()), "tapped_at": tapped_at})
    assert response.status_code == status
    db_session.refresh(job)
    if status == 303:  # a tablet clock ahead of the server's is not believed past the server's now
        assert job.started_at <= utcnow()
    else:
        assert job.status == "assigned"


def test_technicians_only_see_their_own_jobs(client, technician, make_job, make_user):
    theirs = make_job(technician=make_user(Role.TECHNICIAN))
    client.login(technician)
    assert client.get(f"/jobs/{theirs.id}").status_code == 403
    assert client.post_form(f"/jobs/{theirs.id}/start", {"client_id": str(uuid.uuid4())}).status_code == 403


def test_job_list_filters_by_status_technician_and_due_date(client, make_user, make_job, technician):
    now = utcnow()
    other = make_user(Role.TECHNICIAN)
    mine = make_job(technician=technician, due_at=now + timedelta(days=1), fault_description="甲")
    make_job(technician=other, due_at=now + timedelta(days=1), fault_description="乙")
    make_job(technician=technician, status="done", due_at=now - timedelta(days=10), fault_description="丙")
    client.login(make_user(Role.MANAGER))
    fragment = client.htmx_get(f"/jobs?status=assigned&technician={technician.id}", target="job-results")
    assert "<html" not in fragment.get_data(True)
    assert mine.reference in page_text(fragment) and page_text(fragment).count("J0") == 1
    day = (now + timedelta(days=1)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
    assert page_text(client.get(f"/jobs?due_from={day}&due_to={day}")).count("J0") >= 1
    assert client.get("/jobs?status=exploded").status_code == 422
    assert client.get("/jobs?due_from=yesterday").status_code == 422


def test_managers_see_only_their_branch(client, make_user, make_job, make_site, make_customer, make_branch):
    elsewhere = make_branch()
    job = make_job(site=make_site(customer=make_customer(branch=elsewhere)))
    client.login(make_user(Role.MANAGER))
    assert job.reference not in page_text(client.get("/jobs"))
    assert client.get(f"/jobs/{job.id}").status_code == 403


def test_manager_correction_is_recorded(client, make_user, make_report, db_session):
    report = make_report()
    client.login(make_user(Role.MANAGER, name="王建国"))
    response = client.post_form(
        f"/jobs/{report.job_id}/report/correct",
        {
            "fault_found": report.fault_found,
            "cause": report.cause,
            "action_taken": "更换点火针",
            "result": "fixed",
            "warranty_status": "out_of_warranty",
            "reason": "技术员漏写了更换部件",
            "version": str(report.version),
        },
    )
    assert response.status_code == 303
    db_session.refresh(report)
    assert report.action_taken == "更换点火针" and report.corrected_at is not None
    assert report.warranty_status == "out_of_warranty"
    kinds = events(db_session, report.job)
    assert kinds[-1] == "corrected"
    detail = db_session.query(JobEvent).filter_by(kind="corrected").one().detail
    assert "action_taken" in detail and "warranty_status" in detail and "技术员漏写了更换部件" in detail


def test_a_correction_made_on_an_older_version_is_a_conflict(app, client, make_user, make_report, db_session):
    """Two managers open the report; the first saves; the second's save must not overwrite it."""
    report = make_report()
    opened_version = report.version
    first, second = app.test_client(), client
    first.login(make_user(Role.MANAGER))
    second.login(make_user(Role.MANAGER))
    body = {
        "fault_found": report.fault_found,
        "cause": "",
        "result": "fixed",
        "warranty_status": "in_warranty",
        "version": str(opened_version),
    }
    assert (
        first.post_form(
            f"/jobs/{report.job_id}/report/correct", body | {"action_taken": "第一位经理的更正", "reason": "补充"}
        ).status_code
        == 303
    )
    late = second.post_form(
        f"/jobs/{report.job_id}/report/correct",
        body | {"action_taken": "第二位经理的更正", "reason": "补充"},
        headers={"Accept-Language": "en"},
    )
    assert late.status_code == 409
    assert "changed by someone else after you opened it" in page_text(late)
    db_session.refresh(report)
    assert report.action_taken == "第一位经理的更正" and report.version == opened_version + 1


def test_a_correction_without_changes_or_reason_is_refused(make_user, make_report):
    report = make_report()
    manager = make_user(Role.MANAGER)
    as_filed = {
        "fault_found": report.fault_found,
        "cause": report.cause,
        "action_taken": report.action_taken,
        "result": report.result,
        "warranty_status": report.warranty_status,
    }
    changed = as_filed | {"fault_found": "x", "action_taken": "y"}
    with pytest.raises(Invalid):
        visits.correct_report(manager, report, visits.Correction(as_filed, "理由"))
    with pytest.raises(Invalid):
        visits.correct_report(manager, report, visits.Correction(changed, " "))
    with pytest.raises(Invalid):
        visits.correct_report(manager, report, visits.Correction(changed | {"warranty_status": "free"}, "理由"))
    with pytest.raises(NotAllowed):
        visits.correct_report(make_user(Role.RECEPTIONIST), report, visits.Correction(changed, "r"))


def test_done_jobs_reach_the_callback_list_after_the_delay(app, make_user, make_report):
    report = make_report()
    job = report.job
    receptionist = make_user(Role.RECEPTIONIST)
    job.callback_due_at = job.done_at + timedelta(days=app.config["CALLBACK_DELAY_DAYS"])
    assert callbacks.callbacks_due(receptionist, job.done_at + timedelta(days=1)) == []
    assert callbacks.callbacks_due(receptionist, job.done_at + timedelta(days=3, seconds=1)) == [job]


def test_printable_report(client, make_user, make_report):
    report = make_report()
    client.login(make_user(Role.MANAGER))
    page = client.get(f"/jobs/{report.job_id}/report/print", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "print-sheet" in page.get_data(True) and report.fault_found in page_text(page)


def test_a_history_detail_reads_in_the_readers_language(app):
    from flask_babel import force_locale

    from intranet.jobs.history import describe

    def detail(kind, text):
        return describe(JobEvent(kind=kind, detail=text))

    with app.test_request_context(), force_locale("zh_Hans"):
        assert detail("created", "normal") == "普通"
        assert detail("created", "J000012") == "J000012"  # a follow-up names the job it follows
        assert detail("reported", "fixed") == "已修复"
        assert detail("callback", "not_satisfied: 还是漏水") == "不满意: 还是漏水"
        assert detail("callback", "satisfied") == "满意"
        assert detail("corrected", "result, cause: 笔误") == "结果, 原因: 笔误"
        assert detail("assigned", "张伟") == "张伟"
    with app.test_request_context(), force_locale("en"):
        assert detail("reported", "needs_parts") == "Needs parts"
