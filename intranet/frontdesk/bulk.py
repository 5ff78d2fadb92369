"""Bulk front-desk data for the benchmark: two years of complaints, appointments, visitors and calls.

Rows go in through Core executemany in batches; deterministic (a seeded random), so two runs measure
the same database. Most rows are history; the last days hold what the desk shows today: complaints
still running (some overdue), today's bookings, visitors in the building, today's calls.
"""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, insert, select

from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.auth.service import hash_password
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Site
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import local_day, zone
from intranet.frontdesk.models import (
    Appointment,
    AppointmentSlot,
    CallTopic,
    ComplaintCategory,
    ComplaintChannel,
    IdKind,
    PhoneCall,
    ServiceType,
    Visitor,
)
from intranet.frontdesk.models import Complaint as ComplaintRow

BATCH = 5000
HISTORY_DAYS = 730
# Half hours from 09:00 to 12:00 and from 13:00 to 17:00: the lunch break takes no bookings.
SLOT_TIMES = [time(hour, minute) for hour in (9, 10, 11, 13, 14, 15, 16) for minute in (0, 30)]
TEXTS = ["维修后故障复发", "上门迟到一小时", "收费与报价不符", "师傅未穿工装", "热线无人回电", "配件等了两周"]


def _desk_people(branches, password_hash) -> dict[int, list[int]]:
    people = {}
    for branch in branches:
        for n in range(5):
            login = f"bench.desk.{branch.code.lower()}.{n}"
            if db.session.scalar(select(User.id).where(User.login == login)) is None:
                db.session.add(
                    User(
                        login=login,
                        name=f"前台 {branch.code}-{n}",
                        role=Role.RECEPTIONIST,
                        branch_id=branch.id,
                        password_hash=password_hash,
                    )
                )
        db.session.flush()
        people[branch.id] = list(
            db.session.scalars(
                select(User.id).where(User.branch_id == branch.id, User.role.in_([Role.RECEPTIONIST, Role.MANAGER]))
            )
        )
    return people


def _customers(branches) -> dict[int, list[tuple[int, int]]]:
    return {
        branch.id: list(
            db.session.execute(
                select(Customer.id, func.min(Site.id))
                .join(Site, Site.customer_id == Customer.id)
                .where(Customer.branch_id == branch.id)
                .group_by(Customer.id)
            ).tuples()
        )
        for branch in branches
    }


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model), rows)
        rows.clear()


def _moment(rng, now: datetime, recent_share: float) -> datetime:
    """Mostly a time in the last two years, sometimes one in the last days."""
    if rng.random() < recent_share:
        return now - timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
    return now - timedelta(minutes=rng.randrange(0, HISTORY_DAYS * 24 * 60))


def seed_complaints(rng, count, branches, people, customers, now) -> None:
    rows = []
    categories, channels = list(ComplaintCategory), list(ComplaintChannel)
    for _ in range(count):
        branch = rng.choice(branches)
        received = _moment(rng, now, 0.02)
        due = received + timedelta(days=1)
        owner = rng.choice(people[branch.id])
        customer_id, _site = rng.choice(customers[branch.id])
        running = now - received < timedelta(days=3) and rng.random() < 0.7
        answered = None if running else received + timedelta(hours=rng.choice([2, 5, 20, 30]))
        rows.append(
            {
                "branch_id": branch.id,
                "customer_id": customer_id,
                "contact_name": "",
                "contact_phone": "",
                "channel": rng.choice(channels).value,
                "category": rng.choice(categories).value,
                "severity": rng.choice(["minor", "minor", "serious", "critical"]),
                "description": rng.choice(TEXTS),
                "status": rng.choice(["open", "handed_on"])
                if running
                else rng.choice(["answered", "closed", "closed"]),
                "owner_id": owner,
                "handler_id": rng.choice(people[branch.id]) if running and rng.random() < 0.5 else None,
                "received_at": received,
                "answer_due_at": due,
                "warn_at": due - timedelta(hours=2),
                "warned_at": due - timedelta(hours=2) if due - timedelta(hours=2) <= now else None,
                "overdue_alerted_at": due if due <= now and running else None,
                "answered_at": answered,
                "first_answered_at": answered,
                "first_due_at": due,
                "reply": "" if running else "已答复客户",
                "resolution": "",
                "response_note": "",
                "reopened_count": 0,
            }
        )
        if len(rows) >= BATCH:
            _insert(ComplaintRow, rows)
    _insert(ComplaintRow, rows)


def seed_appointments(rng, count, branches, people, customers, now) -> None:
    """Slots of 14 half hours on every weekday of two years and the next two weeks, filled at random."""
    today = local_day(now)
    first_slot_id = (db.session.scalar(select(func.max(AppointmentSlot.id))) or 0) + 1
    slots = []
    for branch in branches:
        for offset in range(-HISTORY_DAYS, 14):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for moment in SLOT_TIMES:
                starts = datetime.combine(day, moment, tzinfo=zone())
                slots.append([branch.id, starts, 0])
    capacity = max(2, -(-count // len(slots)) + 1)
    slot_rows = [
        {
            "id": first_slot_id + n,
            "branch_id": branch_id,
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=30),
            "capacity": capacity,
            "booked": 0,
        }
        for n, (branch_id, starts, _booked) in enumerate(slots)
    ]
    services = list(ServiceType)
    rows = []
    for _ in range(count):
        n = rng.randrange(len(slots))
        while slots[n][2] >= capacity:
            n = (n + 1) % len(slots)
        slots[n][2] += 1
        branch_id, starts, _booked = slots[n]
        if starts.date() < today:
            status = rng.choices(["arrived", "no_show", "cancelled"], weights=[80, 12, 8])[0]
        else:
            status = rng.choice(["booked", "confirmed", "unreachable"])
        customer_id, site_id = rng.choice(customers[branch_id])
        booker = rng.choice(people[branch_id])
        rows.append(
            {
                "branch_id": branch_id,
                "slot_id": first_slot_id + n,
                "starts_at": starts,
                "customer_id": customer_id,
                "site_id": site_id,
                "service_type": rng.choice(services).value,
                "contact_name": "预约客户",
                "contact_phone": "",
                "note": "",
                "status": status,
                "booked_by_id": booker,
                "booked_at": starts - timedelta(days=3),
                "arrived_at": starts if status == "arrived" else None,
                "no_show_at": starts + timedelta(minutes=16) if status == "no_show" else None,
                "cancelled_at": starts - timedelta(days=1) if status == "cancelled" else None,
            }
        )
    for row, (_branch, _starts, booked) in zip(slot_rows, slots, strict=True):
        row["booked"] = booked
    for start in range(0, len(slot_rows), BATCH):
        db.session.execute(insert(AppointmentSlot), slot_rows[start : start + BATCH])
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(Appointment), rows[start : start + BATCH])
    if db.engine.dialect.name == "postgresql":
        # Explicit ids were inserted: move the sequence past them.
        sequence = "pg_get_serial_sequence('appointment_slot', 'id')"
        db.session.execute(db.text(f"SELECT setval({sequence}, (SELECT max(id) FROM appointment_slot))"))


def seed_visitors(rng, count, branches, people, now) -> None:
    rows = []
    kinds = list(IdKind)
    for n in range(count):
        branch = rng.choice(branches)
        signed_in = _moment(rng, now, 0.01)
        still_in = n < 15  # a few in the building now
        if still_in:
            signed_in = now - timedelta(minutes=rng.randrange(5, 240))
        clerk = rng.choice(people[branch.id])
        rows.append(
            {
                "branch_id": branch.id,
                "name": f"访客 {n}",
                "company": "",
                "purpose": "洽谈业务",
                "host_id": rng.choice(people[branch.id]),
                "id_kind": rng.choice(kinds).value,
                "id_last4": f"{rng.randrange(10000):04d}",
                "badge": "",
                "signed_in_at": signed_in,
                "signed_in_by_id": clerk,
                "signed_out_at": None if still_in else signed_in + timedelta(minutes=rng.randrange(10, 180)),
                "signed_out_by_id": None if still_in else clerk,
            }
        )
        if len(rows) >= BATCH:
            _insert(Visitor, rows)
    _insert(Visitor, rows)


def seed_calls(rng, count, branches, people, now) -> None:
    rows = []
    topics = list(CallTopic)
    for _ in range(count):
        branch = rng.choice(branches)
        handed = rng.random() < 0.3
        rows.append(
            {
                "branch_id": branch.id,
                "taken_by_id": rng.choice(people[branch.id]),
                "at": _moment(rng, now, 0.005),
                "caller_name": "来电客户",
                "number": f"010-{rng.randrange(10**7, 10**8)}",
                "topic": rng.choice(topics).value,
                "summary": "咨询",
                "outcome": "handed_on" if handed else "answered",
                "handed_to": rng.choice(["job", "complaint", "appointment"]) if handed else None,
            }
        )
        if len(rows) >= BATCH:
            _insert(PhoneCall, rows)
    _insert(PhoneCall, rows)


def seed_desk(complaints: int, appointments: int, visitors: int, calls: int) -> dict[str, int]:
    rng = random.Random(20261127)
    now = utcnow()
    branches = list(db.session.scalars(select(Branch).order_by(Branch.id)))
    people = _desk_people(branches, hash_password("demo1234"))
    customers = _customers(branches)
    seed_complaints(rng, complaints, branches, people, customers, now)
    seed_appointments(rng, appointments, branches, people, customers, now)
    seed_visitors(rng, visitors, branches, people, now)
    seed_calls(rng, calls, branches, people, now)
    return {"complaints": complaints, "appointments": appointments, "visitors": visitors, "calls": calls}
