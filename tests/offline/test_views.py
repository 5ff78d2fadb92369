"""The offline pieces the server provides: the service worker script, the pages to keep, replays."""

import uuid

from intranet.auth.roles import Role
from intranet.jobs.models import VisitReport
from intranet.offline.models import Submission
from tests.conftest import page_text
from tests.jobs.test_reports import post_report, report_form


def test_the_service_worker_is_served_from_the_root_with_its_version(app, client, monkeypatch):
    response = client.get("/sw.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript" and response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in script and '"/static/css/app.css"' in script and '"/offline"' in script
    version = script.split('const VERSION = "')[1].split('"')[0]
    monkeypatch.setitem(app.config, "ASSET_VERSION_EXTRA", "next deployment")
    assert version not in client.get("/sw.js").get_data(as_text=True)  # a deployment is a new worker


def test_a_technician_keeps_today_and_each_open_job_with_its_form(client, make_user, make_job):
    technician = make_user(Role.TECHNICIAN)
    job = make_job(technician=technician)
    done = make_job(technician=technician, status="closed")
    client.login(technician)
    urls = client.get("/offline/pages").get_json()["urls"]
    assert {"/today", "/outbox", f"/jobs/{job.id}", f"/jobs/{job.id}/report"} <= set(urls)
    assert f"/jobs/{done.id}" not in urls


def test_the_offline_page_answers_without_sign_in(client):
    assert "You are offline" in page_text(client.get("/offline", headers={"Accept-Language": "en"}))


def test_same_client_id_with_different_content_is_a_conflict(client, make_user, make_job, db_session):
    technician = make_user(Role.TECHNICIAN)
    job = make_job(technician=technician)
    client.login(technician)
    key = str(uuid.uuid4())
    no_parts = {"parts-0-part_code": "", "parts-0-description": "", "parts-0-quantity": ""}  # this one has no van
    assert post_report(client, job, report_form(client_id=key, **no_parts)).status_code == 303
    edited = report_form(client_id=key, fault_found="另一个标签页里改过的内容", **no_parts)
    response = post_report(client, job, edited)
    assert response.status_code == 409
    assert "already sent with different content" in page_text(response)
    assert db_session.query(VisitReport).count() == 1
    assert db_session.query(Submission).filter_by(key=key).one().user_id == technician.id


def test_the_outbox_gets_401_not_a_login_page_when_signed_out(client, make_job):
    job = make_job()
    response = client.post_form(f"/jobs/{job.id}/report", {"client_id": str(uuid.uuid4())}, headers={"X-Outbox": "1"})
    assert response.status_code == 401 and response.get_json()["login"].startswith("/login")
