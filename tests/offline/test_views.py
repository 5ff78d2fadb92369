"""The offline pieces the server provides: the service worker script, the pages to keep, replays."""

import io
import uuid

from intranet.access.roles import Role
from intranet.jobs.models import VisitReport
from intranet.offline.models import Submission
from tests.conftest import page_text
from tests.jobs.test_reports import post_report, report_form


def test_the_service_worker_is_served_from_the_root_with_its_version(app, client, monkeypatch):
    response = client.get("/sw.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript" and response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in script and '"/static/css/app.css?v=' in script and '"/offline"' in script
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


def test_a_copy_without_the_empty_file_inputs_and_with_other_line_ends_is_the_same_submission(
    client, make_user, make_job, db_session
):
    """The browser sends a file input left empty as an empty part (filename=""), and its text with CRLF;
    a copy kept by the outbox has neither. Both fingerprint alike: the copy is a replay, not a conflict."""
    technician = make_user(Role.TECHNICIAN)
    job = make_job(technician=technician)
    client.login(technician)
    key = str(uuid.uuid4())
    no_parts = {"parts-0-part_code": "", "parts-0-description": "", "parts-0-quantity": ""}
    as_the_page_sends_it = report_form(
        client_id=key, photos=0, fault_found="点火针积碳\r\n已清洁", **no_parts, photos_field=(io.BytesIO(b""), "")
    )
    as_the_page_sends_it["photos"] = as_the_page_sends_it.pop("photos_field")
    assert post_report(client, job, as_the_page_sends_it).status_code == 303
    as_the_outbox_keeps_it = report_form(client_id=key, photos=0, fault_found="点火针积碳\n已清洁", **no_parts)
    response = post_report(client, job, as_the_outbox_keeps_it)
    assert response.status_code == 303 and response.headers["Idempotent-Replayed"] == "true"
    assert db_session.query(VisitReport).count() == 1


def test_the_outbox_gets_401_not_a_login_page_when_signed_out(client, make_job):
    job = make_job()
    response = client.post_form(f"/jobs/{job.id}/report", {"client_id": str(uuid.uuid4())}, headers={"X-Outbox": "1"})
    assert response.status_code == 401 and response.get_json()["login"].startswith("/login")


def test_every_offline_capable_form_has_a_lost_answer_test_in_chromium(app):
    """A new @idempotent route is a new form the outbox replays: its lost answer must end as sent too."""
    from tests.e2e.test_lost_answers import LOST_ANSWER_TESTED

    offline_capable = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "idempotent", False)}
    assert offline_capable == LOST_ANSWER_TESTED, "add the form's test to tests/e2e/test_lost_answers.py"


def test_the_server_tells_whose_answer_it_is_and_who_is_signed_in(client, make_user):
    """What the service worker decides by: a page of nobody's is never kept, and the signed-in user is
    readable without the session cookie (HttpOnly) even offline."""
    anonymous = client.get("/login")
    assert anonymous.headers["X-User"] == ""
    user = make_user()
    signed_in = client.login(user)
    assert f"intranet_user={user.id};" in " ".join(signed_in.headers.getlist("Set-Cookie"))
    assert client.get("/").headers["X-User"] == str(user.id)
    signed_out = client.post_form("/logout")
    assert "intranet_user=;" in " ".join(signed_out.headers.getlist("Set-Cookie"))
