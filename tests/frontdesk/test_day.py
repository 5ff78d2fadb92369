"""The desk's day: the duty roster, the close-out at closing time and its signature, the calls and their report."""

from datetime import date

import pytest
from sqlalchemy import func, select

from intranet.access.roles import Role
from intranet.errors import Conflict, Invalid, NotAllowed
from intranet.frontdesk import calls, closeout, complaints, roster, visitors
from intranet.frontdesk.events import CallHandedOn, CloseOutSigned, DayClosedOut
from intranet.frontdesk.models import CloseOut, Complaint, PhoneCall
from tests.conftest import page_text
from tests.frontdesk.conftest import at

MONDAY = date(2026, 11, 23)


def _complaint(receptionist, customer, received, text="服务态度差"):
    data = complaints.ComplaintData("walk_in", "attitude", "minor", text, customer_id=customer.id)
    return complaints.receive_complaint(receptionist, data, received)


def test_the_roster_names_the_duty_manager_of_each_day(db_session, manager, branch, make_user):
    second = make_user(Role.MANAGER, login="second.manager")
    roster.save_week(manager, branch, MONDAY, {MONDAY: manager.id, date(2026, 11, 24): second.id})
    assert roster.duty_manager_of(branch.id, MONDAY) == manager
    assert [m.login if m else None for _day, m in roster.week_of(branch.id, MONDAY)][:3] == [
        manager.login,
        second.login,
        None,
    ]
    roster.save_week(manager, branch, MONDAY, {MONDAY: None})
    assert roster.duty_manager_of(branch.id, MONDAY) is None
    with pytest.raises(Invalid):
        roster.save_week(manager, branch, MONDAY, {MONDAY: make_user(Role.RECEPTIONIST).id})


def test_the_close_out_lists_what_is_open_at_closing_and_is_made_once(
    db_session, receptionist, manager, customer, branch, published
):
    roster.save_week(manager, branch, MONDAY, {MONDAY: manager.id})
    overdue = _complaint(receptionist, customer, at(2026, 11, 20, 10), "上周五的")  # due Monday 10:00
    today = _complaint(receptionist, customer, at(2026, 11, 23, 11), "今天的")
    answered = _complaint(receptionist, customer, at(2026, 11, 23, 9), "已答复的")
    complaints.answer(receptionist, answered, "已处理", "accepted", "", at(2026, 11, 23, 10))
    guest = visitors.sign_in(
        receptionist,
        visitors.VisitorData(
            name="访客甲", purpose="洽谈", host_id=manager.id, id_kind="passport", id_number="E1234567"
        ),
        at(2026, 11, 23, 15),
    )
    assert closeout.close_days(at(2026, 11, 23, 17, 29)) == 0  # the day has not ended
    assert closeout.close_days(at(2026, 11, 23, 17, 30)) == 1
    assert closeout.close_days(at(2026, 11, 23, 18)) == 0  # run twice: made once

    close_out = db_session.scalar(select(CloseOut))
    entries = {(e.complaint or e.visitor).id: e.overdue for e in close_out.entries}
    assert entries == {overdue.id: True, today.id: False, guest.id: False}
    assert close_out.duty_manager == manager
    [event] = [e for e in published if isinstance(e, DayClosedOut)]
    assert event.overdue_complaints == (overdue,) and set(event.open_complaints) == {overdue, today}
    assert event.visitors_still_in == (guest,)


def test_only_the_duty_manager_signs_after_closing_with_a_note(
    db_session, receptionist, manager, customer, branch, make_user, published
):
    other = make_user(Role.MANAGER, login="other.manager")
    roster.save_week(manager, branch, MONDAY, {MONDAY: manager.id})
    with pytest.raises(Conflict):
        closeout.sign(manager, branch, MONDAY, "早签", at(2026, 11, 23, 16))
    with pytest.raises(NotAllowed):
        closeout.sign(other, branch, MONDAY, "代签", at(2026, 11, 23, 18))
    with pytest.raises(Invalid):
        closeout.sign(manager, branch, MONDAY, " ", at(2026, 11, 23, 18))
    signed = closeout.sign(manager, branch, MONDAY, "投诉均已跟进", at(2026, 11, 23, 18))
    assert (signed.signed_by, signed.note) == (manager, "投诉均已跟进")
    with pytest.raises(Conflict):
        closeout.sign(manager, branch, MONDAY, "再签", at(2026, 11, 23, 18, 5))
    assert [type(e) for e in published].count(CloseOutSigned) == 1
    with pytest.raises(Invalid):
        closeout.sign(manager, branch, date(2026, 11, 22), "周日", at(2026, 11, 23, 18))  # a Sunday: closed


def test_a_call_handed_on_opens_the_complaint_form_filled_in_and_is_linked(
    client, db_session, receptionist, customer, published
):
    client.login(receptionist)
    response = client.post_form(
        "/calls",
        {
            "caller_name": "张秀英的女儿",
            "number": customer.phone,
            "topic": "complaint",
            "summary": "壁挂炉修后又坏,老人家里没暖气",
            "action": "complaint",
        },
    )
    assert response.status_code == 303 and "/complaints/new?call=" in response.headers["Location"]
    call = db_session.scalar(select(PhoneCall))
    assert (call.outcome, call.handed_to, call.customer_id) == ("handed_on", "complaint", customer.id)
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "壁挂炉修后又坏" in form and f'value="{customer.id}"' in form
    saved = client.post_form(
        "/complaints/new",
        {
            "customer_id": customer.id,
            "call_id": call.id,
            "contact_name": "张秀英的女儿",
            "contact_phone": customer.phone,
            "channel": "hotline",
            "category": "repair_quality",
            "severity": "serious",
            "description": "壁挂炉修后又坏,老人家里没暖气",
        },
    )
    assert saved.status_code == 303
    db_session.refresh(call)
    complaint = db_session.scalar(select(Complaint))
    assert call.complaint_id == complaint.id and complaint.customer_id == customer.id
    assert client.get(response.headers["Location"]).status_code == 409  # handed on once
    assert isinstance(published[0], CallHandedOn)


def test_the_daily_call_report_counts_per_receptionist(client, db_session, receptionist, manager, make_article):
    article = make_article(title="燃气报警器年检", body="年检需带购气卡与上次检验单。")

    def log(actor, topic, outcome, hand_on_to=None, minute=0, **values):
        data = calls.CallData(
            caller_name="来电",
            number="010-1234 5678",
            topic=topic,
            summary=values.get("summary", "问询"),
            outcome=outcome,
            hand_on_to=hand_on_to,
            article_id=values.get("article_id"),
        )
        return calls.log_call(actor, data, at(2026, 11, 23, 9, minute))

    log(receptionist, "enquiry", "answered", article_id=article.id)
    log(receptionist, "repair", "handed_on", "job", minute=5)
    log(receptionist, "complaint", "handed_on", "complaint", minute=10)
    log(manager, "billing", "answered", minute=15)
    with pytest.raises(Invalid):
        log(receptionist, "enquiry", "answered", summary="")  # answered, but with what?
    per_taker, branch_total = calls.daily_report(manager, receptionist.branch_id, MONDAY)
    mine = next(t for t in per_taker if t.taker == receptionist)
    assert (mine.total, mine.answered, mine.with_article, dict(mine.handed_on)) == (3, 1, 1, {"job": 1, "complaint": 1})
    assert (branch_total.total, branch_total.answered, branch_total.topics["billing"]) == (4, 2, 1)
    db_session.commit()
    client.login(manager)
    text = page_text(client.get("/calls/report?day=2026-11-23", headers={"Accept-Language": "en"}))
    assert "李静 3 1 1 1 1 0" in text
    assert db_session.scalar(select(func.count(PhoneCall.id))) == 4


def test_each_clock_job_says_when_it_next_has_work(db_session, receptionist, customer, branch):
    from datetime import timedelta

    from intranet.frontdesk import appointments
    from intranet.frontdesk.models import AppointmentSlot

    now = at(2026, 11, 23, 9)
    assert closeout.next_closing_at(now) == at(2026, 11, 23, 17, 30)
    assert closeout.next_closing_at(at(2026, 11, 27, 18)) == at(2026, 11, 30, 17, 30)  # Friday evening: Monday
    slot = AppointmentSlot(
        branch_id=branch.id, starts_at=at(2026, 11, 26, 10), ends_at=at(2026, 11, 26, 10, 30), capacity=1
    )
    db_session.add(slot)
    db_session.flush()
    appointments.book(receptionist, appointments.BookingData(slot.id, "repair", customer_id=customer.id), now)
    lapse = appointments.next_lapse_at(now)
    assert at(2026, 11, 26, 10, 15) < lapse <= at(2026, 11, 26, 10, 15) + timedelta(seconds=1)
    assert appointments.mark_no_shows(lapse) == 1 and appointments.next_lapse_at(lapse) is None


def test_the_clock_commands_take_now_and_are_safe_twice(app, db_session, receptionist, customer):
    received = at(2026, 11, 23, 9)
    _complaint(receptionist, customer, received)
    db_session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["frontdesk-alarms", "--now", "2026-11-23T16:00+08:00"])
    again = runner.invoke(args=["frontdesk-alarms", "--now", "2026-11-23T16:00+08:00"])
    assert "Warned 1 owners, alerted 0 overdue complaints." in first.output
    assert "Next alarm at 2026-11-24T01:00:00+00:00." in first.output  # the promise: Tuesday 09:00 in Beijing
    assert "Warned 0 owners, alerted 0 overdue complaints." in again.output
    late = runner.invoke(args=["frontdesk-alarms", "--now", "2026-11-24T09:00+08:00"])
    assert "Warned 0 owners, alerted 1 overdue complaints." in late.output
    assert "Made 1 close-outs." in runner.invoke(args=["frontdesk-close-day", "--now", "2026-11-23T18:00+08:00"]).output
    assert "Made 0 close-outs." in runner.invoke(args=["frontdesk-close-day", "--now", "2026-11-23T18:00+08:00"]).output
    assert "Marked 0 no-shows." in runner.invoke(args=["frontdesk-no-shows", "--now", "2026-11-23T18:00+08:00"]).output
    assert runner.invoke(args=["frontdesk-alarms", "--now", "2026-11-24 09:00"]).exit_code != 0  # no zone: refused


def test_a_call_handed_on_as_a_job_makes_the_job_for_the_callers_customer(client, db_session, receptionist, customer):
    client.login(receptionist)
    response = client.post_form(
        "/calls",
        {
            "caller_name": "孙立新",
            "number": customer.phone,
            "topic": "repair",
            "summary": "叫号机不出票",
            "action": "job",
        },
    )
    assert response.status_code == 303 and "/calls/job?call=" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "叫号机不出票" in form
    call = db_session.scalar(select(PhoneCall))
    saved = client.post_form(
        f"/calls/job?call={call.id}&customer={customer.id}",
        {
            "site_id": customer.sites[0].id,
            "source": "walk_in",
            "priority": "normal",
            "fault_description": "叫号机不出票",
            "due_at": "2026-11-24T10:00",
        },
    )
    assert saved.status_code == 303 and "/jobs/" in saved.headers["Location"]
    db_session.refresh(call)
    assert call.job is not None and call.job.customer_id == customer.id and call.job.fault_description == "叫号机不出票"
    assert client.get(f"/calls/job?call={call.id}").status_code == 409  # handed on once
