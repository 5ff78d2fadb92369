"""The schedule that replaces cron, on a controlled clock: every job runs when it is due, and running
one twice in its period makes or tells nothing twice."""

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from intranet import schedule, task_queue
from intranet.access.roles import Role
from intranet.db_types import utcnow
from intranet.downloads.models import ExportFile
from intranet.extensions import db
from intranet.frontdesk import alarm_clock, complaints
from intranet.frontdesk.models import Appointment, AppointmentSlot, CloseOut, Complaint, ComplaintEvent
from intranet.inspections import schedules
from intranet.inspections.assigning import AssignData
from intranet.inspections.filling import AnswerInput
from intranet.inspections.models import CorrectiveAction, Inspection
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.models import Notification
from intranet.parts import ledger
from intranet.unit_of_work import transaction
from tests.notifications.test_queue import queue_at

# Monday 2026-11-30, 00:00 in Shanghai (16:00 UTC the day before).
START = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
BEIJING = ZoneInfo("Asia/Shanghai")


# Every minute: pushes that wait, and the front desk's safety nets (alarms missed, bookings lapsed).
EVERY_MINUTE = {"push_sweep", "complaint_alarms", "appointment_no_shows"}


def test_the_jobs_are_due_at_their_minutes_in_company_time(app, db_session):
    def names(hour_utc, minute):
        return {job.name for job in schedule.due(START.replace(hour=hour_utc, minute=minute))}

    # 16:05 UTC is 00:05 in Shanghai: the hourly generation, the close-out every 5 minutes, and the
    # every-minute jobs.
    assert names(16, 5) == EVERY_MINUTE | {"inspections_generate", "close_out"}
    assert names(16, 10) == EVERY_MINUTE | {"low_stock", "close_out", "downloads_tidy"}
    assert names(16, 11) == EVERY_MINUTE
    # 09:00 UTC is 17:00 in Shanghai: technicians hear of tomorrow's customers from then until 21:45.
    assert "appointments_tomorrow" in names(9, 0) and "appointments_tomorrow" in names(13, 45)
    assert "appointments_tomorrow" not in names(8, 45) and "appointments_tomorrow" not in names(14, 0)
    # 00:30 UTC is 08:30 in Shanghai: callbacks are told in working hours only.
    assert "callbacks_due" in {job.name for job in schedule.due(START + timedelta(hours=8, minutes=30))}
    assert "callbacks_due" not in {job.name for job in schedule.due(START + timedelta(hours=7, minutes=30))}
    assert {job.name for job in schedule.due(START + timedelta(hours=9))} >= {"corrective_actions"}


def test_the_queue_knows_every_job_and_asks_the_same_clock(app, db_session):
    queued = {task.__name__ for task in task_queue.huey._registry._periodic_tasks}
    assert queued >= {job.name for job in schedule.SCHEDULE}
    at_0830 = (START + timedelta(hours=8, minutes=30)).replace(tzinfo=None)  # Huey hands over naive UTC
    due = {type(task).__name__ for task in task_queue.huey.read_periodic(at_0830)}
    assert due == EVERY_MINUTE | {"callbacks_due", "low_stock", "close_out", "downloads_tidy"}


@pytest.fixture
def world(make_user, make_template, make_inspection, make_report, make_part, make_store, stock, db_session):
    manager = make_user(Role.MANAGER, login="sched.manager")
    inspector = make_user(Role.TECHNICIAN, login="sched.tech")
    receptionist = make_user(Role.RECEPTIONIST, login="sched.reception")
    keeper = make_user(Role.STOREKEEPER, login="sched.keeper")
    template = make_template()
    schedules.create_schedule(
        manager,
        template,
        AssignData(template.id, inspector.branch_id, inspector.id, START, frequency="daily"),
    )
    inspection = make_inspection(
        template=template,
        inspector=inspector,
        assigned_by=manager,
        answers={"未使用文明用语": AnswerInput(count="1"), "提示客户当面点验": AnswerInput(result="pass")},
    )
    action = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.inspection_id == inspection.id))
    action.due_on = date(2026, 12, 1)  # due Tuesday: "due tomorrow" on Monday, overdue on Wednesday
    report = make_report(technician=inspector)
    report.job.callback_due_at = START + timedelta(hours=3)
    warehouse = make_store(name="丰台仓库")
    part = make_part(code="IGN-07", name="点火针", min_stock=Decimal(3))
    stock(warehouse, part, 5)
    ledger.post_move(keeper, "scrap", part, 4, from_store=warehouse)
    # The front desk: a complaint received Monday 09:00 (the owner warned at 16:00, the answer due Tuesday
    # 09:00), a booking at 10:00 that nobody comes to, one for Tuesday 10:00 with the technician.
    data = complaints.ComplaintData("hotline", "repair_quality", "serious", "热水器修后又坏", report.job.customer_id)
    complaints.receive_complaint(receptionist, data, START + timedelta(hours=9))
    monday_1000, tuesday_1000 = START + timedelta(hours=10), START + timedelta(days=1, hours=10)
    for starts_at, technician in ((monday_1000, None), (tuesday_1000, inspector)):
        slot = AppointmentSlot(
            branch_id=inspector.branch_id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), capacity=2
        )
        db.session.add(slot)
        db.session.flush()
        db.session.add(
            Appointment(
                branch_id=inspector.branch_id, slot_id=slot.id, starts_at=starts_at, customer_id=report.job.customer_id,
                site_id=report.job.site_id, service_type="repair", status="booked", booked_by_id=receptionist.id,
                booked_at=START - timedelta(days=3), technician_id=technician.id if technician else None,
            )
        )  # fmt: skip
    # A background export that was fetched long ago: removed by the tidy-up.
    db.session.add(
        ExportFile(
            owner_id=manager.id, export_name="jobs", file_format="csv", locale="zh_Hans", file_name="jobs.csv",
            status="ready", expires_at=START + timedelta(minutes=30),
        )
    )  # fmt: skip
    db.session.commit()
    return {"manager": manager, "inspector": inspector, "receptionist": receptionist, "keeper": keeper}


def counts(kind) -> dict[str, int]:
    db.session.commit()
    rows = db.session.execute(
        select(Notification.recipient_id, func.count())
        .where(Notification.kind == kind)
        .group_by(Notification.recipient_id)
    )
    return dict(rows.all())


def test_three_days_of_the_schedule_on_a_controlled_clock(app, world):
    ran: dict[str, int] = {}
    minute = START
    while minute < START + timedelta(days=3):
        for job in schedule.due(minute):
            if job.name in EVERY_MINUTE:
                continue  # pushes are tested on their own, the desk's minute jobs over one day below
            schedule.run(job, minute)
            ran[job.name] = ran.get(job.name, 0) + 1
        minute += timedelta(minutes=1)

    assert ran == {
        "inspections_generate": 72,
        "low_stock": 432,
        "callbacks_due": 30,
        "corrective_actions": 30,
        "close_out": 864,
        "appointments_tomorrow": 60,
        "downloads_tidy": 432,
    }
    generated = db.session.scalars(select(Inspection.period).where(Inspection.schedule_id.is_not(None)))
    assert sorted(generated) == ["2026-11-30", "2026-12-01", "2026-12-02"]  # one a day, however often it ran
    inspector, receptionist = world["inspector"], world["receptionist"]
    assert counts(NotificationKind.LOW_STOCK)[world["keeper"].id] == 1
    assert counts(NotificationKind.CALLBACKS_DUE)[receptionist.id] == 3  # once a day while the call waits
    # The action's owner (the manager who assigned the inspection): due tomorrow on Monday, overdue on Wednesday.
    reminders = db.session.scalars(
        select(Notification.dedup_key).where(Notification.kind == NotificationKind.ACTION_DUE).order_by(Notification.id)
    ).all()
    action_id = db.session.scalar(select(CorrectiveAction.id))
    assert reminders == [f"action-due:{action_id}:2026-12-01", f"action-overdue:{action_id}:2026-12-01"]
    assert inspector.id not in counts(NotificationKind.ACTION_DUE)
    # One close-out a working day, however often it ran; the technician heard of Tuesday's customer once.
    assert db.session.scalars(select(CloseOut.day).order_by(CloseOut.day)).all() == [
        date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2),
    ]  # fmt: skip
    assert counts(NotificationKind.APPOINTMENT_TOMORROW) == {inspector.id: 1}
    assert db.session.scalar(select(func.count()).select_from(ExportFile)) == 0


def test_every_job_run_twice_in_its_period_does_nothing_the_second_time(app, world):
    monday_1745 = START + timedelta(hours=17, minutes=45)  # after closing: every job has work
    first = {job.name: schedule.run(job, monday_1745) for job in schedule.SCHEDULE if job.name != "push_sweep"}
    assert all(first.values()), first  # each had something to do
    again = {job.name: schedule.run(job, monday_1745 + timedelta(minutes=1)) for job in schedule.SCHEDULE}
    assert again == dict.fromkeys(again, 0)


def test_the_front_desks_day_on_a_controlled_clock(app, world):
    """Minute by minute, Monday 08:00 to Tuesday 09:30 in Beijing: each thing happens at its minute, once."""
    desk = {"complaint_alarms", "appointment_no_shows", "close_out", "appointments_tomorrow"}
    did: list[tuple[str, str]] = []
    minute = START + timedelta(hours=8)
    while minute <= START + timedelta(days=1, hours=9, minutes=30):
        for job in schedule.due(minute):
            if job.name in desk and schedule.run(job, minute):
                did.append((job.name, minute.astimezone(BEIJING).strftime("%a %H:%M")))
        minute += timedelta(minutes=1)
    assert did == [
        ("appointment_no_shows", "Mon 10:16"),  # 15 minutes' grace after 10:00
        ("complaint_alarms", "Mon 16:00"),  # the owner warned with a quarter of the answer time left
        ("appointments_tomorrow", "Mon 17:00"),  # the technician of Tuesday's booking
        ("close_out", "Mon 17:30"),  # the branch closes at 17:30
        ("complaint_alarms", "Tue 09:00"),  # the answer time passed: the duty manager alerted
    ]
    warned = db.session.scalar(select(ComplaintEvent.at).where(ComplaintEvent.kind == "warned"))
    assert warned == START + timedelta(hours=16)


def test_a_consumer_that_missed_its_minute_catches_up_at_the_next_run(app, world):
    generate = next(job for job in schedule.SCHEDULE if job.name == "inspections_generate")
    assert schedule.run(generate, START + timedelta(hours=5, minutes=5)) == 1  # 00:05 was missed: 05:05 makes it
    assert db.session.scalar(select(func.count()).select_from(Inspection).where(Inspection.period == "2026-11-30"))


# The complaint alarms ring at their own second, not at the next sweep


def test_a_complaint_wakes_the_queue_at_its_two_alarm_instants(app, db_session, make_user, make_site):
    task_queue.init_app(app)
    task_queue.huey.flush()
    customer = make_site().customer
    data = complaints.ComplaintData("hotline", "repair_quality", "serious", "热水器修后又坏", customer.id)
    with transaction():
        complaint = complaints.receive_complaint(make_user(Role.RECEPTIONIST), data, START + timedelta(hours=9))
    woken = sorted(task.eta for task in task_queue.huey.pending() if task.name == "ring")
    naive = [moment.astimezone(UTC).replace(tzinfo=None) for moment in (complaint.warn_at, complaint.answer_due_at)]
    assert woken == naive == [datetime(2026, 11, 30, 8, 0), datetime(2026, 12, 1, 1, 0)]  # 16:00, 09:00 Beijing
    task_queue.huey.flush()


def test_an_alarm_rings_at_its_second_with_no_sweep_running(app, db_session, make_user, make_site, tmp_path):
    """A real consumer without its periodic tasks: only the task woken at the deadline can alert."""
    owner = make_user(Role.RECEPTIONIST)
    manager = make_user(Role.MANAGER)
    due_at = utcnow().replace(microsecond=0) + timedelta(seconds=3)
    complaint = Complaint(
        branch_id=owner.branch_id, customer_id=make_site().customer_id, channel="hotline", category="delay",
        severity="minor", description="等了很久", status="open", owner_id=owner.id,
        received_at=due_at - timedelta(hours=8), answer_due_at=due_at, first_due_at=due_at,
        warn_at=due_at - timedelta(hours=2), warned_at=due_at - timedelta(hours=2),  # warned before: the alert only
    )  # fmt: skip
    db.session.add(complaint)
    db.session.commit()
    with queue_at(app, f"sqlite:///{tmp_path / 'queue.sqlite'}"):
        alarm_clock.wake_at(due_at)
        consumer = task_queue.consumer(app, workers=2, periodic_tasks=False)
        consumer.start()
        try:
            while utcnow() < due_at - timedelta(seconds=0.5):
                assert counts(NotificationKind.COMPLAINT_DUE) == {}, "not before its time"
                time.sleep(0.2)
            deadline = time.monotonic() + 15
            while not counts(NotificationKind.COMPLAINT_DUE) and time.monotonic() < deadline:
                time.sleep(0.1)
            rang_at = utcnow()
        finally:
            consumer.stop(graceful=True)
    assert counts(NotificationKind.COMPLAINT_DUE) == {owner.id: 1, manager.id: 1}
    assert due_at <= rang_at < due_at + timedelta(seconds=4), "within the scheduler's second or two"
    alerted = db.session.scalar(select(Complaint.overdue_alerted_at).where(Complaint.id == complaint.id))
    assert due_at <= alerted < due_at + timedelta(seconds=4)
