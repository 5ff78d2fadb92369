"""Complaints: the first-contact owner, the answer time on the branch calendar, its alarms, hand-on, reopening."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from intranet.access.roles import Role
from intranet.errors import Conflict, Invalid, NotFound
from intranet.frontdesk import branch_calendar, complaints, deadlines
from intranet.frontdesk.events import (
    AnswerTimeNear,
    AnswerTimePassed,
    ComplaintAnswered,
    ComplaintClosed,
    ComplaintHandedOn,
    ComplaintReceived,
    ComplaintReopened,
)
from intranet.frontdesk.models import Complaint, DutyAssignment
from intranet.jobs.service import JobData
from tests.conftest import page_text
from tests.frontdesk.conftest import at


def _complaint_data(customer, **values) -> complaints.ComplaintData:
    return complaints.ComplaintData(
        channel=values.pop("channel", "hotline"),
        category=values.pop("category", "repair_quality"),
        severity=values.pop("severity", "serious"),
        description=values.pop("description", "壁挂炉修后第二天又打不着火"),
        customer_id=customer.id,
        **values,
    )


@pytest.fixture
def national_day_2022(make_user):
    """The 2022 National Day schedule, entered by an administrator for every branch: 1-7 October
    off, Saturday 8 and Sunday 9 October worked."""
    admin = make_user(Role.ADMIN, login="calendar.admin")
    for day in range(1, 8):
        branch_calendar.add_calendar_day(admin, None, date(2022, 10, day), "holiday", "国庆节")
    for day in (8, 9):
        branch_calendar.add_calendar_day(admin, None, date(2022, 10, day), "workday", "国庆调休")
    return admin


def test_the_answer_time_of_a_complaint_received_friday_1630_before_the_holiday(
    db_session, receptionist, customer, national_day_2022
):
    # Default branch hours: 08:30-12:00 and 13:00-17:30 on weekdays, one working day (8 h) to answer.
    # Friday 30 September 2022, 16:30: 1 h until closing. 1-7 October are holidays. Saturday 8
    # October is a make-up working day: 3.5 h in the morning, then after the lunch break 3.5 h more
    # from 13:00. By hand: Saturday 8 October 2022, 16:30. The owner is warned with a quarter left,
    # after 6 working hours: 1 + 3.5 + 1.5 from 13:00, at 14:30 that Saturday.
    complaint = complaints.receive_complaint(receptionist, _complaint_data(customer), at(2022, 9, 30, 16, 30))
    assert complaint.answer_due_at == at(2022, 10, 8, 16, 30)
    assert complaint.warn_at == at(2022, 10, 8, 14, 30)
    assert complaint.owner == receptionist


def test_the_branch_answer_time_and_its_own_days_count(db_session, receptionist, manager, customer, branch):
    # Two working hours from Monday 11:00 land after the lunch break, at 14:00; a branch's own holiday
    # on the Tuesday moves a whole working day from Monday 16:30 to Wednesday 16:30.
    two_hours = branch_calendar.SettingsData(120, 25, 48, 15, ["08:30-12:00, 13:00-17:30"] * 5 + ["", ""])
    branch_calendar.save_settings(manager, branch, two_hours)
    assert complaints.promise(branch.id, at(2026, 11, 23, 11))[0] == at(2026, 11, 23, 14)
    branch_calendar.save_settings(manager, branch, branch_calendar.SettingsData(480, 25, 48, 15, two_hours.week))
    branch_calendar.add_calendar_day(manager, branch, date(2026, 11, 24), "holiday", "停电检修")
    assert complaints.promise(branch.id, at(2026, 11, 23, 16, 30))[0] == at(2026, 11, 25, 16, 30)


def test_the_owner_stays_the_owner_when_the_work_goes_to_another_branch(
    db_session, receptionist, customer, make_branch, make_user, published
):
    haidian = make_branch(code="BJ-HD", name="海淀维修中心")
    other_manager = make_user(Role.MANAGER, login="hd.manager", branch=haidian)
    stranger = make_user(Role.RECEPTIONIST, login="hd.reception", branch=make_branch(code="SH-PD"))
    complaint = complaints.receive_complaint(receptionist, _complaint_data(customer), at(2026, 11, 23, 10))
    complaints.hand_on(receptionist, complaint, other_manager.id, "请安排上门", at(2026, 11, 23, 10, 20))

    assert complaint.owner == receptionist and complaint.handler == other_manager
    assert complaint.status == "handed_on"
    # The handler's branch reaches it now, the owner still does, a third branch does not.
    assert complaints.get_complaint(other_manager, complaint.id) is complaint
    assert complaints.get_complaint(receptionist, complaint.id) is complaint
    with pytest.raises(NotFound):
        complaints.get_complaint(stranger, complaint.id)
    received, handed_on = [e for e in published if isinstance(e, ComplaintReceived | ComplaintHandedOn)]
    assert (received.owner, received.branch, received.answer_due_at) == (
        receptionist,
        complaint.branch,
        complaint.answer_due_at,
    )
    assert (handed_on.owner, handed_on.handler, handed_on.handler_branch) == (receptionist, other_manager, haidian)


def test_answer_close_and_reopen_keep_the_history_and_the_first_figures(
    db_session, receptionist, manager, customer, published
):
    complaint = complaints.receive_complaint(receptionist, _complaint_data(customer), at(2026, 11, 23, 9))
    first_due = complaint.answer_due_at
    complaints.answer(receptionist, complaint, "明早九点派技师上门", "accepted", "", at(2026, 11, 23, 11))
    with pytest.raises(Invalid):
        complaints.close(manager, complaint, "  ", at(2026, 11, 24, 9))
    complaints.close(manager, complaint, "更换点火针,试机正常", at(2026, 11, 24, 12))
    with pytest.raises(Conflict):
        complaints.answer(receptionist, complaint, "再答复", "accepted", "", at(2026, 11, 24, 13))
    complaints.reopen(receptionist, complaint, "客户来电:又灭火了", at(2026, 11, 25, 9))

    assert complaint.status == "open" and complaint.closed_at is None and complaint.answered_at is None
    assert complaint.answer_due_at == at(2026, 11, 26, 9)  # a new promise from the reopening
    assert (complaint.first_due_at, complaint.first_answered_at) == (first_due, at(2026, 11, 23, 11))
    assert [event.kind for event in complaint.events] == ["received", "answered", "closed", "reopened"]
    kinds = [type(event) for event in published]
    assert kinds == [ComplaintReceived, ComplaintAnswered, ComplaintClosed, ComplaintReopened]
    assert published[1].on_time is True


def test_the_alarms_fire_at_their_instants_once(db_session, receptionist, manager, customer, branch, published):
    complaint = complaints.receive_complaint(receptionist, _complaint_data(customer), at(2026, 11, 23, 9))
    db_session.add(DutyAssignment(branch_id=branch.id, day=date(2026, 11, 24), manager_id=manager.id))
    # Due Tuesday 09:00; with a quarter of the time left (after 6 working hours: 3 before lunch,
    # 3 after) the owner is warned, Monday 16:00.
    assert (complaint.warn_at, complaint.answer_due_at) == (at(2026, 11, 23, 16), at(2026, 11, 24, 9))
    assert deadlines.next_alarm_at() == complaint.warn_at

    assert deadlines.fire_due_alarms(at(2026, 11, 23, 15, 59)) == (0, 0)
    assert deadlines.fire_due_alarms(at(2026, 11, 23, 16)) == (1, 0)
    assert deadlines.fire_due_alarms(at(2026, 11, 23, 16, 1)) == (0, 0)  # run again: nothing twice
    assert deadlines.next_alarm_at() == complaint.answer_due_at
    assert deadlines.fire_due_alarms(at(2026, 11, 24, 9)) == (0, 1)
    assert deadlines.fire_due_alarms(at(2026, 11, 24, 9, 5)) == (0, 0)
    assert deadlines.next_alarm_at() is None

    near, passed = [e for e in published if isinstance(e, AnswerTimeNear | AnswerTimePassed)]
    assert (near.owner, near.answer_due_at) == (receptionist, complaint.answer_due_at)
    assert (passed.owner, passed.duty_manager, passed.branch) == (receptionist, manager, branch)
    assert [e.kind for e in complaint.events] == ["received", "warned", "overdue"]


def test_an_answer_in_time_silences_the_alarms(db_session, receptionist, customer, published):
    complaint = complaints.receive_complaint(receptionist, _complaint_data(customer), at(2026, 11, 23, 9))
    complaints.answer(receptionist, complaint, "已安排", "accepted", "", at(2026, 11, 23, 10))
    assert deadlines.fire_due_alarms(at(2026, 11, 25, 9)) == (0, 0)
    assert deadlines.next_alarm_at() is None


def test_a_job_from_the_complaint_is_linked_both_ways(client, db_session, receptionist, manager, customer):
    complaint = complaints.receive_complaint(receptionist, _complaint_data(customer), at(2026, 11, 23, 9))
    data = JobData(
        site_id=customer.sites[0].id,
        source="",
        priority="high",
        fault_description="修后又坏",
        due_at=at(2026, 11, 23, 14),
    )
    job = complaints.create_job(manager, complaint, data, at(2026, 11, 23, 9, 30))
    db_session.commit()
    assert (complaint.job, job.source) == (job, "complaint")
    with pytest.raises(Conflict):
        complaints.create_job(manager, complaint, data, at(2026, 11, 23, 9, 40))
    client.login(manager)
    assert f"From complaint {complaint.reference}" in page_text(
        client.get(f"/jobs/{job.id}", headers={"Accept-Language": "en"})
    )


def test_the_desk_lists_running_complaints_overdue_first(client, db_session, receptionist, customer):
    late = complaints.receive_complaint(
        receptionist, _complaint_data(customer, description="早上的"), at(2026, 11, 20, 9)
    )
    fresh = complaints.receive_complaint(
        receptionist, _complaint_data(customer, description="刚来的"), at(2026, 11, 23, 9)
    )
    db_session.commit()
    assert complaints.running_complaints(receptionist) == [late, fresh]
    client.login(receptionist)
    response = client.htmx_get("/desk", "desk-complaints", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert text.index(late.reference) < text.index(fresh.reference)
    assert "Overdue" in text  # computed from the clock at the time the desk is shown
    whole = page_text(client.get("/desk", headers={"Accept-Language": "en"}))  # read with the desk's other lists
    assert whole.index(late.reference) < whole.index(fresh.reference)
    assert whole.count("Overdue") == text.count("Overdue")


def test_receiving_from_the_form_records_a_new_customer_and_tells_the_answer_time(client, db_session, receptionist):
    client.login(receptionist)
    response = client.post_form(
        "/complaints/new",
        {
            "contact_name": "周大爷",
            "contact_phone": "139 0000 1111",
            "channel": "walk_in",
            "category": "attitude",
            "severity": "minor",
            "description": "柜台人员说话不耐烦",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 303
    complaint = db_session.scalar(select(Complaint))
    assert (complaint.customer.name, complaint.customer.phone, complaint.owner_id) == (
        "周大爷",
        "139 0000 1111",
        receptionist.id,
    )
    assert "Tell the customer: an answer by" in page_text(
        client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    )
    missing = client.post_form(
        "/complaints/new",
        {"channel": "walk_in", "category": "attitude", "severity": "minor", "description": "没有联系方式"},
    )
    assert missing.status_code == 422
    assert db_session.scalar(select(Complaint).where(Complaint.description == "没有联系方式")) is None


def test_nothing_is_promised_by_a_calendar_that_never_opens(db_session, receptionist, customer, manager, branch):
    with pytest.raises(Invalid):
        branch_calendar.save_settings(manager, branch, branch_calendar.SettingsData(480, 25, 48, 15, [""] * 7))
    with pytest.raises(Invalid):
        branch_calendar.save_settings(manager, branch, branch_calendar.SettingsData(480, 25, 48, 15, ["9-5"] * 7))
    assert timedelta(0) < complaints.promise(branch.id, at(2026, 11, 23, 9))[0] - at(2026, 11, 23, 9)
