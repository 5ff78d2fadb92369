"""Who is told what: one test per rule of the issue, each also checking that nobody of another branch
(and not the person who acted) is told."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.forms import Upload
from intranet.frontdesk import appointments, complaints, deadlines
from intranet.frontdesk.models import AppointmentSlot, DeskSettings, DutyAssignment
from intranet.inspections import actions as action_service
from intranet.inspections import filling, sign_off
from intranet.inspections.filling import AnswerInput
from intranet.inspections.models import CorrectiveAction
from intranet.jobs import callbacks
from intranet.jobs import service as jobs
from intranet.kb import publishing as kb
from intranet.notifications import reminders
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.models import Notification
from intranet.parts import ledger, part_requests
from intranet.parts.models import LowStock
from intranet.timezones import local_to_utc, utc_to_local
from tests.conftest import image_bytes
from tests.jobs.test_reports import post_report, report_form


@pytest.fixture
def world(make_user, make_branch, branch):
    """Two branches with one person of every role each; the home branch has two managers and two technicians."""
    other = make_branch(code="BJ-HD", name="海淀维修中心")
    people = {
        "tech": make_user(Role.TECHNICIAN, login="tech", locale="en"),
        "tech2": make_user(Role.TECHNICIAN, login="tech2"),
        "manager": make_user(Role.MANAGER, login="manager", locale="en"),
        "manager2": make_user(Role.MANAGER, login="manager2"),
        "reception": make_user(Role.RECEPTIONIST, login="reception"),
        "keeper": make_user(Role.STOREKEEPER, login="keeper", locale="en"),
        "admin": make_user(Role.ADMIN, login="admin"),
    }
    for role in (Role.TECHNICIAN, Role.MANAGER, Role.RECEPTIONIST, Role.STOREKEEPER):
        people[f"other.{role}"] = make_user(role, login=f"other.{role}", branch=other)
    people["inactive.manager"] = make_user(Role.MANAGER, login="inactive.manager", active=False)
    return people


def told(kind: NotificationKind) -> dict[str, list[Notification]]:
    """login -> the notifications of `kind` they received."""
    db.session.flush()
    rows = db.session.execute(
        select(User.login, Notification)
        .join(User, User.id == Notification.recipient_id)
        .where(Notification.kind == kind)
    )
    found: dict[str, list[Notification]] = {}
    for login, notification in rows:
        found.setdefault(login, []).append(notification)
    return found


def nobody_elsewhere(recipients) -> bool:
    return not any(login.startswith("other.") for login in recipients)


def test_a_dispatched_job_is_told_to_its_technician_and_a_reassignment_to_the_new_one(world, make_site):
    site = make_site()
    data = jobs.JobData(
        site_id=site.id,
        source="complaint",
        priority="urgent",
        fault_description="壁挂炉不点火",
        due_at=utcnow() + timedelta(hours=2),
        assigned_to_id=world["tech"].id,
    )
    job = jobs.create_job(world["reception"], site.customer, data)
    recipients = told(NotificationKind.JOB_DISPATCHED)
    assert list(recipients) == ["tech"]
    [notification] = recipients["tech"]
    assert job.reference in notification.title and notification.title.startswith("New job")  # tech reads English
    assert "壁挂炉不点火" in notification.body and notification.link == f"/jobs/{job.id}"

    jobs.assign_job(world["manager"], job, world["tech2"].id)
    jobs.assign_job(world["manager"], job, world["tech2"].id)  # the same technician again: no news
    recipients = told(NotificationKind.JOB_DISPATCHED)
    assert sorted(recipients) == ["tech", "tech2"] and len(recipients["tech2"]) == 1
    assert recipients["tech2"][0].title.startswith("新工单")  # no language chosen: Chinese


def test_a_low_rating_on_the_report_is_told_to_the_managers_of_the_branch(app, world, make_job):
    job = make_job(technician=world["tech"])
    client = app.test_client()
    client.login(world["tech"])
    form = report_form(satisfaction="2", **{"parts-0-part_code": "", "parts-0-quantity": "", "parts-0-description": ""})
    assert post_report(client, job, form).status_code == 303
    recipients = told(NotificationKind.CUSTOMER_UNHAPPY)
    assert sorted(recipients) == ["manager", "manager2"]  # not the inactive one, not the other branch's
    assert "2 of 5" in recipients["manager"][0].body


def test_a_good_rating_tells_nobody(app, world, make_job):
    job = make_job(technician=world["tech"])
    client = app.test_client()
    client.login(world["tech"])
    form = report_form(satisfaction="4", **{"parts-0-part_code": "", "parts-0-quantity": "", "parts-0-description": ""})
    assert post_report(client, job, form).status_code == 303
    assert told(NotificationKind.CUSTOMER_UNHAPPY) == {}


def test_a_callback_not_satisfied_is_told_to_the_managers(world, make_report):
    report = make_report(technician=world["tech"])
    marks = {"skill": 4, "attitude": 2, "value": 1}
    answers = callbacks.CallbackAnswers(True, True, marks, note="维修后两天又坏了")
    callbacks.record_callback(world["reception"], report.job, answers)
    recipients = told(NotificationKind.CUSTOMER_UNHAPPY)
    assert sorted(recipients) == ["manager", "manager2"]
    assert recipients["manager"][0].body == "Marks below 3: Attitude, Value for money. 维修后两天又坏了"  # in English
    assert recipients["manager2"][0].body == "低于 3 分:态度, 性价比。 维修后两天又坏了"

    other = make_report(technician=world["tech2"])
    callbacks.record_callback(world["reception"], other.job, callbacks.CallbackAnswers(True, True, {"skill": 3}))
    assert len(told(NotificationKind.CUSTOMER_UNHAPPY)["manager"]) == 1


FAILING = {"未使用文明用语": AnswerInput(count="2"), "提示客户当面点验": AnswerInput(result="pass")}


def test_a_submitted_inspection_is_told_to_the_managers_and_its_actions_to_their_owner(world, make_inspection):
    inspection = make_inspection(inspector=world["tech"], assigned_by=world["manager"], answers=FAILING)
    recipients = told(NotificationKind.INSPECTION_SUBMITTED)
    assert sorted(recipients) == ["manager", "manager2"] and nobody_elsewhere(recipients)
    assert inspection.reference in recipients["manager"][0].title
    assert recipients["manager"][0].link == f"/inspections/{inspection.id}"
    owners = told(NotificationKind.ACTION_ASSIGNED)
    assert list(owners) == ["manager"] and "未使用文明用语" in owners["manager"][0].body


def test_a_manager_who_filled_an_inspection_is_not_asked_to_sign_it(world, make_inspection):
    make_inspection(inspector=world["manager2"], assigned_by=world["manager"], answers=FAILING)
    assert list(told(NotificationKind.INSPECTION_SUBMITTED)) == ["manager"]


def test_returned_and_signed_inspections_are_told_to_their_inspector(world, make_inspection):
    inspection = make_inspection(inspector=world["tech"], assigned_by=world["manager"], answers=FAILING)
    sign_off.return_inspection(world["manager2"], inspection, "第二部分照片不清楚")
    [returned] = told(NotificationKind.INSPECTION_REVIEWED)["tech"]
    assert "returned" in returned.title and returned.body == "第二部分照片不清楚"
    assert returned.link == f"/inspections/{inspection.id}/fill"

    by_text = {item.text: item.id for item in inspection.template.items}
    answers = {by_text[text]: answer for text, answer in FAILING.items()}
    filling.submit_inspection(world["tech"], inspection, str(uuid.uuid4()), answers)
    sign_off.sign_off(world["manager2"], inspection, Upload(image_bytes(image_format="PNG"), "s.png"), True)
    recipients = told(NotificationKind.INSPECTION_REVIEWED)
    assert list(recipients) == ["tech"] and "signed off" in recipients["tech"][1].title
    # Submitted twice: each manager was asked twice, but the action's owner was told of it once.
    assert len(told(NotificationKind.ACTION_ASSIGNED)["manager"]) == 1


def test_a_reassigned_corrective_action_is_told_to_its_new_owner(world, make_inspection):
    inspection = make_inspection(inspector=world["tech"], assigned_by=world["manager"], answers=FAILING)
    action = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.inspection_id == inspection.id))
    action_service.reassign_action(world["manager"], action, world["reception"].id, date.today() + timedelta(days=3))
    owners = told(NotificationKind.ACTION_ASSIGNED)
    assert sorted(owners) == ["manager", "reception"]


def test_corrective_actions_due_tomorrow_and_overdue_are_told_to_their_owner(world, make_inspection):
    inspection = make_inspection(inspector=world["tech"], assigned_by=world["manager"], answers=FAILING)
    action = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.inspection_id == inspection.id))
    action.owner_id = world["tech2"].id
    now = utcnow()
    action.due_on = (now + timedelta(days=1, hours=8)).date()  # tomorrow, in Shanghai
    assert reminders.corrective_actions(now) == 1
    [due] = told(NotificationKind.ACTION_DUE)["tech2"]
    assert "明天" in due.title or "tomorrow" in due.title

    action.due_on = (now - timedelta(days=2)).date()
    assert reminders.corrective_actions(now) == 1
    assert len(told(NotificationKind.ACTION_DUE)["tech2"]) == 2
    assert nobody_elsewhere(told(NotificationKind.ACTION_DUE))


@pytest.fixture
def stocked(world, make_part, make_store, stock):
    warehouse = make_store(name="丰台仓库")
    make_store("van", technician=world["tech"], name="张伟的车")
    part = make_part(code="IGN-07", name="点火针", min_stock=Decimal(3))
    stock(warehouse, part, 5)
    return warehouse, part


def ask_for_parts(technician, quantity="2"):
    data = part_requests.RequestData(
        client_id=str(uuid.uuid4()), lines=[part_requests.RequestLineData("IGN-07", Decimal(quantity))]
    )
    return part_requests.create_request(technician, data)


def test_a_part_request_goes_to_the_managers_then_the_storekeepers_then_back_to_the_technician(world, stocked):
    request = ask_for_parts(world["tech"])
    managers = told(NotificationKind.PART_REQUEST_SUBMITTED)
    assert sorted(managers) == ["manager", "manager2"]
    assert request.reference in managers["manager"][0].title and "点火针 × 2" in managers["manager"][0].body

    part_requests.approve_request(world["manager"], request)
    keepers = db.session.scalars(
        select(User.login).where(User.role == Role.STOREKEEPER, User.branch_id == world["keeper"].branch_id)
    )
    assert sorted(told(NotificationKind.PART_REQUEST_APPROVED)) == sorted(keepers)  # "keeper" and the stock fixture's

    part_requests.issue_request(world["keeper"], request)
    issued = told(NotificationKind.PART_REQUEST_ISSUED)
    assert list(issued) == ["tech"] and issued["tech"][0].link == f"/parts/requests/{request.id}"


def test_a_draft_request_waits_until_it_is_sent(world, stocked):
    data = part_requests.RequestData(
        client_id=str(uuid.uuid4()), lines=[part_requests.RequestLineData("IGN-07", Decimal(1))], draft=True
    )
    request = part_requests.create_request(world["tech"], data)
    assert told(NotificationKind.PART_REQUEST_SUBMITTED) == {}
    part_requests.submit_request(world["tech"], request)
    assert sorted(told(NotificationKind.PART_REQUEST_SUBMITTED)) == ["manager", "manager2"]


def test_low_stock_is_told_to_the_storekeepers_of_the_branch_once(world, stocked):
    warehouse, part = stocked
    ledger.post_move(world["keeper"], "scrap", part, 3, from_store=warehouse)  # 2 left, the minimum is 3
    assert db.session.scalar(select(LowStock.id)) is not None
    now = utcnow()
    assert reminders.low_stock(now) > 0  # "keeper" and the stock fixture's storekeeper
    assert reminders.low_stock(now) == 0
    [low] = told(NotificationKind.LOW_STOCK)["keeper"]
    assert "点火针" in low.title and "2" in low.body
    assert "keeper" in told(NotificationKind.LOW_STOCK) and nobody_elsewhere(told(NotificationKind.LOW_STOCK))


def test_callbacks_due_are_told_to_the_front_desk_once_a_day(world, make_report):
    make_report(technician=world["tech"])
    make_report(technician=world["tech2"])
    now = utcnow()
    # Later the same day, however late in the day the test runs (an hour later may be tomorrow).
    next_midnight = local_to_utc(datetime.combine(utc_to_local(now).date() + timedelta(days=1), datetime.min.time()))
    later_that_day = min(now + timedelta(hours=1), next_midnight - timedelta(seconds=1))
    assert reminders.callbacks_due(now) > 0  # "reception" and the receptionists who made the jobs
    assert reminders.callbacks_due(later_that_day) == 0
    [due] = told(NotificationKind.CALLBACKS_DUE)["reception"]
    assert due.title.startswith("2") and due.link == "/callbacks"
    assert nobody_elsewhere(told(NotificationKind.CALLBACKS_DUE))


def test_a_required_revision_is_told_to_every_targeted_person(world, branch):
    article = kb.create_article(
        world["manager"], kb.ArticleData(title="燃气泄漏处置", body="先关阀,再开窗。", roles=["technician", "manager"])
    )
    kb.publish(world["manager"], article, "第一版", required=False)
    assert told(NotificationKind.MANUAL_REVISION) == {}  # not required: nobody must read it

    kb.publish(world["manager"], article, "增加报警电话", required=True)
    recipients = told(NotificationKind.MANUAL_REVISION)
    # Technicians and managers of every branch, but not the manager who published it.
    assert sorted(recipients) == ["manager2", "other.manager", "other.technician", "tech", "tech2"]
    assert recipients["tech"][0].body == "增加报警电话" and recipients["tech"][0].link == f"/kb/{article.id}"

    for_one_branch = kb.create_article(
        world["manager"], kb.ArticleData(title="丰台站值班表", body="……", branch_ids=[branch.id])
    )
    kb.publish(None, for_one_branch, "第一版", required=True)
    recipients = told(NotificationKind.MANUAL_REVISION)
    assert {login for login, rows in recipients.items() if len(rows) == 2} == {
        "tech",
        "tech2",
        "manager2",
    }
    assert {"reception", "keeper", "manager"} <= set(recipients) and nobody_elsewhere(
        {login for login, rows in recipients.items() if any(r.link == f"/kb/{for_one_branch.id}" for r in rows)}
    )


# The front desk


def _receive(receptionist, customer, now):
    data = complaints.ComplaintData(
        channel="hotline", category="repair_quality", severity="serious", description="壁挂炉修后又坏了",
        customer_id=customer.id,
    )  # fmt: skip
    return complaints.receive_complaint(receptionist, data, now)


# Monday 23 November 2026, 09:00 in Beijing: the answer is due Tuesday 09:00 (a working day of 8 hours
# over 08:30-12:00 and 13:00-17:30), the owner warned with a quarter left, Monday 16:00.
MONDAY_0900 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
MONDAY_1600, TUESDAY_0900 = MONDAY_0900 + timedelta(hours=7), MONDAY_0900 + timedelta(days=1)


def test_a_complaint_handed_on_is_told_to_its_handler_and_its_owner(world, make_site):
    complaint = _receive(world["reception"], make_site().customer, MONDAY_0900)
    complaints.hand_on(world["reception"], complaint, world["manager2"].id, "请站长处理", MONDAY_0900)
    recipients = told(NotificationKind.COMPLAINT_HANDED_ON)
    assert list(recipients) == ["manager2"], "the owner handed it on: only the handler hears"
    assert complaint.reference in recipients["manager2"][0].title
    assert recipients["manager2"][0].link == f"/complaints/{complaint.id}"

    # The manager hands it to another branch's desk: that handler, and the owner, are told.
    complaints.hand_on(world["manager2"], complaint, world[f"other.{Role.RECEPTIONIST}"].id, "", MONDAY_0900)
    recipients = told(NotificationKind.COMPLAINT_HANDED_ON)
    assert sorted(recipients) == ["manager2", f"other.{Role.RECEPTIONIST}", "reception"]
    assert len(recipients["manager2"]) == 1, "not told of their own hand-on"
    assert "海淀维修中心" in recipients["reception"][0].title


def test_a_complaint_near_its_answer_time_is_told_to_its_owner_and_handler_once(world, make_site):
    complaint = _receive(world["reception"], make_site().customer, MONDAY_0900)
    complaints.hand_on(world["reception"], complaint, world["manager"].id, "", MONDAY_0900)
    assert deadlines.fire_due_alarms(MONDAY_1600 - timedelta(minutes=1)) == (0, 0)
    assert told(NotificationKind.COMPLAINT_DUE) == {}
    assert deadlines.fire_due_alarms(MONDAY_1600) == (1, 0)
    assert deadlines.fire_due_alarms(MONDAY_1600 + timedelta(minutes=1)) == (0, 0)
    recipients = told(NotificationKind.COMPLAINT_DUE)
    assert sorted(recipients) == ["manager", "reception"] and len(recipients["manager"]) == 1
    assert recipients["manager"][0].title.startswith(f"Complaint {complaint.reference}: the customer expects")


def test_an_overdue_complaint_is_told_to_its_owner_and_the_duty_manager(world, make_site):
    complaint = _receive(world["reception"], make_site().customer, MONDAY_0900)
    on_duty = DutyAssignment(branch_id=complaint.branch_id, day=date(2026, 11, 24), manager_id=world["manager2"].id)
    db.session.add(on_duty)
    assert deadlines.fire_due_alarms(TUESDAY_0900) == (0, 1)  # past the warning too: the alert says it all
    recipients = told(NotificationKind.COMPLAINT_DUE)
    assert sorted(recipients) == ["manager2", "reception"], "the manager on duty that day, not the other one"
    assert "overdue" in recipients["manager2"][0].title or "超时" in recipients["manager2"][0].title


def test_with_nobody_on_duty_an_overdue_complaint_goes_to_every_manager_of_the_branch(world, make_site):
    complaint = _receive(world["reception"], make_site().customer, MONDAY_0900)
    deadlines.fire_due_alarms(TUESDAY_0900)
    recipients = told(NotificationKind.COMPLAINT_DUE)
    assert sorted(recipients) == ["manager", "manager2", "reception"]  # not the inactive one, nor other branches
    assert all(row.link == f"/complaints/{complaint.id}" for rows in recipients.values() for row in rows)


def test_a_reopened_complaint_is_warned_and_alerted_again_for_its_new_promise(world, make_site):
    complaint = _receive(world["reception"], make_site().customer, MONDAY_0900)
    deadlines.fire_due_alarms(TUESDAY_0900)
    complaints.answer(world["reception"], complaint, "已更换点火针", "accepted", "", TUESDAY_0900)
    complaints.close(world["reception"], complaint, "更换点火针后正常", TUESDAY_0900)
    complaints.reopen(world["manager"], complaint, "客户又来电", TUESDAY_0900)
    assert deadlines.fire_due_alarms(TUESDAY_0900 + timedelta(days=1)) == (0, 1)
    assert len(told(NotificationKind.COMPLAINT_DUE)["reception"]) == 2


@pytest.fixture
def booking(world, make_site, branch):
    """A slot on Wednesday 25 November 2026, 10:00 Beijing; this branch books two hours ahead."""
    db.session.add(DeskSettings(branch_id=branch.id, booking_lead_hours=2))
    starts_at = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    slot = AppointmentSlot(branch_id=branch.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), capacity=3)
    db.session.add(slot)
    db.session.flush()
    customer = make_site(address="北京市丰台区方庄芳古园一区 12 号楼").customer

    def book(now, technician="tech"):
        data = appointments.BookingData(
            slot_id=slot.id, service_type="repair", customer_id=customer.id, note="热水器忽冷忽热",
            technician_id=world[technician].id if technician else None,
        )  # fmt: skip
        return appointments.book(world["reception"], data, now)

    return book


def test_an_appointment_booked_for_tomorrow_is_told_to_its_technician(world, booking):
    booking(MONDAY_0900)  # for Wednesday: the evening before will tell
    assert told(NotificationKind.APPOINTMENT_TOMORROW) == {}
    appointment = booking(MONDAY_0900 + timedelta(days=1))  # Tuesday, for tomorrow
    recipients = told(NotificationKind.APPOINTMENT_TOMORROW)
    assert list(recipients) == ["tech"]
    [notification] = recipients["tech"]
    assert notification.link == f"/customers/{appointment.customer_id}"
    assert "热水器忽冷忽热" in notification.body and "芳古园" in notification.body
    booking(MONDAY_0900 + timedelta(days=1), technician=None)  # nobody chosen: nobody told
    assert len(told(NotificationKind.APPOINTMENT_TOMORROW)["tech"]) == 1


def test_the_evening_before_each_technician_hears_of_tomorrows_customers_once(world, booking):
    first = booking(MONDAY_0900)
    booking(MONDAY_0900, technician="tech2")
    tuesday_1700 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert reminders.appointments_tomorrow(tuesday_1700 - timedelta(days=1)) == 0  # Monday: not tomorrow yet
    assert reminders.appointments_tomorrow(tuesday_1700) == 2
    assert reminders.appointments_tomorrow(tuesday_1700 + timedelta(minutes=15)) == 0
    recipients = told(NotificationKind.APPOINTMENT_TOMORROW)
    assert sorted(recipients) == ["tech", "tech2"] and nobody_elsewhere(recipients)
    appointments.cancel(world["reception"], first, tuesday_1700)
    assert reminders.appointments_tomorrow(tuesday_1700 + timedelta(hours=1)) == 0


def test_the_arrival_gives_the_job_to_the_technician_of_the_booking(world, booking):
    appointment = booking(MONDAY_0900)
    job = appointments.arrive(world["reception"], appointment, datetime(2026, 11, 25, 1, 55, tzinfo=UTC))
    assert job.assigned_to_id == world["tech"].id and job.status == "assigned"
    assert list(told(NotificationKind.JOB_DISPATCHED)) == ["tech"]
