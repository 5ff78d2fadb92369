"""Callbacks: the questionnaire at the front desk and the rules the manual promises (callback_rules.py).

Complaints, rescues, urgent jobs and a visit rated below 3 are called back the next day, the others
after CALLBACK_DELAY_DAYS; an unreachable customer is tried the next day and the third unanswered
call closes the callback; a mark below 3 or a problem not solved leaves the job to a manager, and a
problem not solved opens a follow-up job for the technician.
"""

from datetime import timedelta

import pytest

from intranet.access.roles import Role
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.jobs import callback_rules, callbacks
from intranet.jobs.callbacks import CallbackAnswers
from intranet.jobs.models import Callback, Job
from intranet.jobs.survey import QUESTIONS
from tests.conftest import page_text
from tests.jobs.test_reports import post_report, report_form

ALL_FIVES = {f"{q.name}": "5" for q in QUESTIONS}
NO_PARTS = {"parts-0-part_code": "", "parts-0-quantity": "", "parts-0-description": ""}


@pytest.fixture
def receptionist(make_user):
    return make_user(Role.RECEPTIONIST, login="desk")


@pytest.fixture
def desk(client, receptionist):
    client.login(receptionist)
    return client


@pytest.mark.parametrize(
    ("source", "priority", "rating", "days"),
    [
        ("walk_in", "normal", 5, 3),
        ("appointment", "high", 3, 3),
        ("complaint", "normal", 5, 1),
        ("rescue", "low", 4, 1),
        ("walk_in", "urgent", 5, 1),
        ("maintenance", "normal", 2, 1),  # the customer rated the visit below 3
    ],
)
def test_the_callback_is_due_the_next_day_for_complaints_rescues_urgent_jobs_and_low_ratings(
    client, db_session, make_user, make_job, source, priority, rating, days
):
    technician = make_user(Role.TECHNICIAN)
    job = make_job(technician=technician, source=source, priority=priority)
    client.login(technician)
    assert post_report(client, job, report_form(satisfaction=str(rating), **NO_PARTS)).status_code == 303
    stored = db_session.get(Job, job.id)
    assert stored.callback_due_at - stored.done_at == timedelta(days=days)
    assert callback_rules.delay_days(source, priority, rating, 3, 1) == days


def test_the_questionnaire_page_asks_the_survey_and_a_satisfied_customer_closes_the_job(desk, make_report, db_session):
    report = make_report()
    page = desk.get(f"/jobs/{report.job_id}/callback", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page_text(page)
    for question in ("Was it easy to reach us?", "How quickly did we respond?", "How quickly was it repaired?",
                     "How skilled was the technician?", "Were our staff friendly?", "worth its price",
                     "Was the site left clean", "particularly warm", "How should we improve?"):  # fmt: skip
        assert question in text, question
    answers = {
        "reached": "yes",
        "problem_solved": "yes",
        **ALL_FIVES,
        "value": "4",
        "staff_named": "张伟",
        "staff_remark": "praised",
        "suggestions": "周末也能上门就更好了",
    }
    response = desk.post_form(f"/jobs/{report.job_id}/callback", answers)
    assert response.status_code == 303
    job = db_session.get(Job, report.job_id)
    [callback] = job.callbacks
    assert (job.status, job.needs_manager_attention, callback.outcome) == ("closed", False, "satisfied")
    assert callback.marks == {q.name: 4 if q.name == "value" else 5 for q in QUESTIONS}
    assert (callback.staff_named, callback.staff_remark, callback.attempt) == ("张伟", "praised", 1)
    assert callback.suggestions == "周末也能上门就更好了"
    assert f'href="/jobs/{report.job_id}"' not in desk.get("/callbacks").get_data(True)


def test_a_mark_below_3_leaves_the_job_to_a_manager(desk, make_report, db_session):
    report = make_report()
    desk.post_form(f"/jobs/{report.job_id}/callback", {"reached": "yes", "problem_solved": "yes", **ALL_FIVES,
                                                        "attitude": "2"})  # fmt: skip
    job = db_session.get(Job, report.job_id)
    assert (job.status, job.needs_manager_attention, job.callbacks[0].outcome) == ("closed", True, "not_satisfied")
    assert db_session.query(Job).count() == 1, "no follow-up: the problem itself is solved"


def test_a_problem_not_solved_opens_a_follow_up_job_for_the_technician(desk, make_report, make_user, db_session):
    technician = make_user(Role.TECHNICIAN, name="张伟")
    report = make_report(technician=technician)
    now = utcnow()
    response = desk.post_form(
        f"/jobs/{report.job_id}/callback",
        {"reached": "yes", "problem_solved": "no", **ALL_FIVES, "note": "水管接头又开始滴水"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 303
    job = db_session.get(Job, report.job_id)
    [callback] = job.callbacks
    follow_up = callback.follow_up_job
    assert (job.status, job.needs_manager_attention, callback.outcome) == ("closed", True, "not_satisfied")
    assert (follow_up.source, follow_up.status, follow_up.assigned_to_id) == ("follow_up", "assigned", technician.id)
    assert follow_up.follow_up_of_id == job.id and follow_up.fault_description == f"{job.reference}: 水管接头又开始滴水"
    assert timedelta(hours=23) < follow_up.due_at - now <= timedelta(days=1, minutes=1)
    shown = page_text(desk.get(f"/jobs/{job.id}", headers={"Accept-Language": "en"}))
    assert f"follow-up {follow_up.reference}" in shown


def test_the_third_unanswered_call_closes_the_callback(desk, make_report, receptionist, db_session):
    report = make_report()
    job_id, start = report.job_id, utcnow()
    for attempt, days in ((1, 0), (2, 1)):
        callback = callbacks.record_callback(receptionist, report.job, CallbackAnswers(False), start + timedelta(days))
        assert (callback.attempt, callback.outcome, report.job.status) == (attempt, "unreachable", "done")
        assert report.job.callback_due_at == start + timedelta(days=days + 1)
    db_session.commit()
    # A second "No answer" before the next try is due (a double click) does not use up a try.
    with pytest.raises(Conflict):
        callbacks.record_callback(receptionist, report.job, CallbackAnswers(False), start + timedelta(days=1, hours=2))
    db_session.rollback()
    report.job.callback_due_at = start  # the next day came
    db_session.commit()
    # The third, from the list's "No answer" button.
    response = desk.post_form(f"/jobs/{job_id}/callback", {"reached": "no", "back": "list"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/callbacks")
    job = db_session.get(Job, job_id)
    assert [c.attempt for c in job.callbacks] == [1, 2, 3] and {c.outcome for c in job.callbacks} == {"unreachable"}
    assert (job.status, job.needs_manager_attention) == ("closed", False)
    assert "callback_closed_unreachable" in [event.kind for event in job.events]
    assert f'href="/jobs/{job_id}"' not in desk.get("/callbacks").get_data(True)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"reached": "yes", **ALL_FIVES}, "Ask whether the problem is solved."),
        ({"reached": "yes", "problem_solved": "yes", "staff_named": "张伟"}, "Name the member of staff"),
        ({"reached": "yes", "problem_solved": "yes", "skill": "6"}, "Not a valid choice"),
        ({"problem_solved": "yes"}, "Say whether you reached the customer."),
        ({"reached": "no", "note": "a\r\nb" * 400}, "cannot be longer than 1000 characters"),
    ],
)
def test_an_incomplete_questionnaire_is_refused_and_saves_nothing(desk, make_report, db_session, answers, message):
    report = make_report()
    response = desk.post_form(f"/jobs/{report.job_id}/callback", answers, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and message in page_text(response)
    assert db_session.query(Callback).count() == 0 and db_session.get(Job, report.job_id).status == "done"


def test_only_a_job_that_is_done_waits_for_a_callback(receptionist, make_job):
    with pytest.raises(Conflict):
        callbacks.record_callback(receptionist, make_job(), CallbackAnswers(True, True))


def test_the_service_refuses_marks_out_of_range(receptionist, make_report):
    with pytest.raises(Invalid):
        callbacks.record_callback(receptionist, make_report().job, CallbackAnswers(True, True, {"skill": 0}))
