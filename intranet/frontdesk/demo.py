"""Demo front desk for `flask seed-demo`: each branch's hours and rules, roster, complaints, bookings, visitors, calls.

The registers follow the manuals' front-desk forms (complaint report, appointment sheet and board,
visitor book, telephone register, the duty manager's book), written in our own words. Times are set
around the moment of seeding, so the desk has something due, late and signed. Safe to run twice:
each register is looked up before anything is added.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Customer
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.frontdesk.appointments import SlotPlan, open_slots
from intranet.frontdesk.branch_calendar import calendar_of, local_day, zone
from intranet.frontdesk.complaints import promise
from intranet.frontdesk.models import (
    Appointment,
    AppointmentSlot,
    CalendarDay,
    CloseOut,
    Complaint,
    ComplaintEvent,
    DeskSettings,
    DutyAssignment,
    MeetingRoom,
    PhoneCall,
    RoomBooking,
    Visitor,
)

OFFICE_WEEK = ["08:30-12:00, 13:00-17:30"] * 5 + ["", ""]
# branch code -> answer minutes, warn % left, booking lead hours, no-show minutes, week (Monday first)
SETTINGS = {
    "BJ-FT": (480, 25, 48, 15, OFFICE_WEEK),
    "BJ-HD": (480, 25, 48, 15, ["08:30-12:00, 13:00-17:30"] * 5 + ["09:00-12:00", ""]),
    # The customer-service hall answers hotline hand-offs within two hours and opens every day.
    "SH-PD": (120, 25, 24, 15, ["09:00-12:00, 13:00-17:00"] * 7),
}

# branch code (None: every branch), days from today, kind, name, hours
CALENDAR = [
    (None, None, "holiday", "元旦", ""),  # 1 January of the coming year
    ("BJ-FT", 20, "holiday", "配电室检修,全站停业", ""),
    ("BJ-HD", 13, "workday", "周末加开预约日", "09:00-12:00"),
]

ROOMS = {
    "BJ-FT": [("一号会议室", 12), ("洽谈室", 6)],
    "BJ-HD": [("培训室", 20)],
    "SH-PD": [("客户接待室", 8)],
}

# branch, owner login, customer, channel, category, severity, hours ago, description,
#   handed to (login or None), answered (reply, response) or None, resolution or None
COMPLAINTS = [
    (
        "BJ-FT",
        "reception",
        "张秀英",
        "hotline",
        "repair_quality",
        "serious",
        30,
        "上周刚修过的壁挂炉又打不着火,老人独自在家没有暖气,女儿来电要求今天有人上门。",
        "manager",
        None,
        None,
    ),
    (
        "BJ-FT",
        "reception",
        "北京永和物业管理有限公司",
        "walk_in",
        "delay",
        "minor",
        3,
        "约好上午十点来修 3 号楼空调外机,师傅到十一点半还没到,业主在物业中心等着。",
        None,
        None,
        None,
    ),
    (
        "BJ-FT",
        "reception",
        "顺达汽车维修有限公司",
        "letter",
        "charges",
        "minor",
        120,
        "来函说举升机维修的发票金额比报价单多出两百元,要求说明差额。",
        None,
        ("已核对:差额是更换的液压油封,报价时未列,已补开明细并致歉。", "accepted"),
        "补开费用明细,报价单模板增加易损件一栏。",
    ),
    (
        "BJ-HD",
        "manager.hd",
        "李国华",
        "supervision_phone",
        "attitude",
        "serious",
        6,
        "监督电话转来:上门师傅未穿工装、未出示工作证,客户对身份有疑虑。",
        None,
        None,
        None,
    ),
    (
        "SH-PD",
        "reception.pd",
        "浦东新区城市燃气客户服务中心",
        "hotline",
        "delay",
        "serious",
        4,
        "热线转派的报修单超过两小时无人联系客户,中心要求说明原因。",
        None,
        None,
        None,
    ),
]

# branch, booked by, customer, service, day offset, time, status, note
APPOINTMENTS = [
    (
        "BJ-FT",
        "reception",
        "丰台区农村信用社卢沟桥分社",
        "maintenance",
        0,
        time(9, 30),
        "arrived",
        "自动柜员机季度保养",
    ),
    ("BJ-FT", "reception", "华远燃气丰台营业厅", "safety_check", 0, time(14, 0), "confirmed", "营业厅燃气报警器年检"),
    ("BJ-FT", "reception", "北京永和物业管理有限公司", "repair", 0, time(15, 30), "booked", "物业中心空调不制冷"),
    ("BJ-FT", "reception", "顺达汽车维修有限公司", "installation", 3, time(10, 0), "booked", "新到诊断仪安装调试"),
    ("BJ-HD", "manager.hd", "中关村智汇科技有限公司", "maintenance", 0, time(10, 0), "confirmed", "机房 UPS 电池巡检"),
    (
        "SH-PD",
        "reception.pd",
        "上海恒通汽车服务有限公司",
        "consultation",
        0,
        time(13, 30),
        "booked",
        "咨询分析仪延保方案",
    ),
]

# branch, signed in by, name, company, purpose, host login, id kind, last 4, badge, minutes ago, out minutes ago
VISITORS = [
    (
        "BJ-FT",
        "reception",
        "赵立峰",
        "格力空调北京服务中心",
        "送修配件、核对保修单",
        "store",
        "resident_id",
        "302X",
        "访客 01",
        95,
        None,
    ),
    ("BJ-FT", "reception", "钱晓梅", "", "面试服务顾问岗位", "manager", "resident_id", "0417", "访客 02", 40, None),
    ("BJ-FT", "reception", "孙浩", "卢沟桥分社", "取回维修完成的叫号机", "tech", "staff_card", "8821", "", 180, 150),
    (
        "BJ-HD",
        "manager.hd",
        "周文",
        "智汇科技",
        "机房空调改造方案沟通",
        "manager.hd",
        "resident_id",
        "5536",
        "HD-01",
        60,
        None,
    ),
]

# branch, taker, minutes ago, caller, number, topic, summary, outcome, handed to
CALLS = [
    ("BJ-FT", "reception", 200, "马春燕", "139 1066 2381", "enquiry", "问燃气报警器年检要带哪些资料", "answered", None),
    (
        "BJ-FT",
        "reception",
        150,
        "何志强",
        "137 1888 6602",
        "repair",
        "物业中心空调不制冷,约今天下午",
        "handed_on",
        "appointment",
    ),
    (
        "BJ-FT",
        "reception",
        45,
        "张秀英的女儿",
        "136 9120 5521",
        "complaint",
        "壁挂炉又坏,催问上门时间",
        "answered",
        None,
    ),
    ("BJ-HD", "manager.hd", 80, "田野", "185 1234 7788", "billing", "问 UPS 电池更换是否在保修内", "answered", None),
]


def _user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def _customer(name: str) -> Customer:
    return db.session.scalar(select(Customer).where(Customer.name == name))


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone())


def _seed_settings(branches: dict[str, Branch]) -> None:
    for code, (answer, warn, lead, grace, week) in SETTINGS.items():
        if code not in branches or db.session.scalar(
            select(DeskSettings.id).where(DeskSettings.branch_id == branches[code].id)
        ):
            continue
        names = ("hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun")
        db.session.add(
            DeskSettings(
                branch_id=branches[code].id,
                answer_minutes=answer,
                warn_percent_left=warn,
                booking_lead_hours=lead,
                no_show_minutes=grace,
                **dict(zip(names, week, strict=True)),
            )
        )
    today = local_day(utcnow())
    for code, offset, kind, name, hours in CALENDAR:
        branch_id = branches[code].id if code else None
        day = date(today.year + 1, 1, 1) if offset is None else today + timedelta(days=offset)
        exists = db.session.scalar(
            select(CalendarDay.id).where(
                CalendarDay.name == name,
                CalendarDay.branch_id.is_(None) if branch_id is None else CalendarDay.branch_id == branch_id,
            )
        )
        if not exists:
            db.session.add(CalendarDay(branch_id=branch_id, day=day, kind=kind, name=name, hours=hours))
    db.session.flush()


def _seed_roster(branches: dict[str, Branch]) -> None:
    today = local_day(utcnow())
    for code, login in (("BJ-FT", "manager"), ("BJ-HD", "manager.hd")):
        manager = _user(login)
        for offset in range(-7, 14):
            day = today + timedelta(days=offset)
            if not db.session.scalar(
                select(DutyAssignment.id).where(
                    DutyAssignment.branch_id == branches[code].id, DutyAssignment.day == day
                )
            ):
                db.session.add(DutyAssignment(branch_id=branches[code].id, day=day, manager_id=manager.id))
    db.session.flush()


def _seed_complaints(branches: dict[str, Branch], now: datetime) -> int:
    added = 0
    for (
        code,
        login,
        customer_name,
        channel,
        category,
        severity,
        hours,
        text,
        handed_to,
        answered,
        resolution,
    ) in COMPLAINTS:
        customer = _customer(customer_name)
        if customer is None or db.session.scalar(select(Complaint.id).where(Complaint.description == text)):
            continue
        owner = _user(login)
        received = now - timedelta(hours=hours)
        due, warn = promise(branches[code].id, received)
        complaint = Complaint(
            branch_id=branches[code].id,
            customer_id=customer.id,
            contact_name=customer.name,
            contact_phone=customer.phone,
            channel=channel,
            category=category,
            severity=severity,
            description=text,
            status="open",
            owner_id=owner.id,
            received_at=received,
            answer_due_at=due,
            warn_at=warn,
            first_due_at=due,
            # The clock's alarms of the past are not replayed for demo rows.
            warned_at=warn if warn <= now else None,
            overdue_alerted_at=due if due <= now else None,
        )
        complaint.events.append(ComplaintEvent(actor_id=owner.id, kind="received", at=received))
        if handed_to:
            handler = _user(handed_to)
            complaint.handler_id, complaint.handler_branch_id, complaint.status = (
                handler.id,
                handler.branch_id,
                "handed_on",
            )
            complaint.events.append(
                ComplaintEvent(
                    actor_id=owner.id, kind="handed_on", detail=handler.name, at=received + timedelta(minutes=20)
                )
            )
        if answered:
            reply, response = answered
            answered_at = min(due, received + timedelta(hours=5))
            complaint.reply, complaint.customer_response = reply, response
            complaint.answered_at = complaint.first_answered_at = answered_at
            complaint.status = "answered"
            complaint.events.append(ComplaintEvent(actor_id=owner.id, kind="answered", detail=response, at=answered_at))
        if resolution:
            complaint.resolution, complaint.status = resolution, "closed"
            complaint.closed_at = complaint.answered_at + timedelta(days=1)
            complaint.events.append(
                ComplaintEvent(actor_id=owner.id, kind="closed", detail=resolution, at=complaint.closed_at)
            )
        db.session.add(complaint)
        added += 1
    db.session.flush()
    return added


# The technician some bookings were given to (by the booking's note): told the evening before.
TECHNICIAN_OF = {"物业中心空调不制冷": "tech", "新到诊断仪安装调试": "tech2", "机房 UPS 电池巡检": "tech.hd"}


def _seed_appointments(branches: dict[str, Branch], now: datetime) -> int:
    admin = _user("admin")
    today = local_day(now)
    for branch in branches.values():
        calendar = calendar_of(branch.id)
        for offset in range(0, 15):
            day = today + timedelta(days=offset)
            if calendar.is_working_day(day):
                open_slots(admin, branch, SlotPlan(day, time(9, 0), time(17, 0), 30, 2), now)
    added = 0
    for code, login, customer_name, service, offset, moment, status, note in APPOINTMENTS:
        customer = _customer(customer_name)
        if customer is None or not customer.sites:
            continue
        if db.session.scalar(select(Appointment.id).where(Appointment.note == note)):
            continue
        starts_at = _at(today + timedelta(days=offset), moment)
        slot = db.session.scalar(
            select(AppointmentSlot).where(
                AppointmentSlot.branch_id == branches[code].id, AppointmentSlot.starts_at == starts_at
            )
        )
        if slot is None:
            slot = AppointmentSlot(
                branch_id=branches[code].id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=2
            )
            db.session.add(slot)
            db.session.flush()
        booker = _user(login)
        slot.booked += 1
        booked_at = now - timedelta(days=3)
        db.session.add(
            Appointment(
                branch_id=branches[code].id,
                slot_id=slot.id,
                starts_at=starts_at,
                customer_id=customer.id,
                site_id=customer.sites[0].id,
                service_type=service,
                contact_name=customer.sites[0].contact_name or customer.name,
                contact_phone=customer.sites[0].contact_phone or customer.phone,
                note=note,
                status=status,
                booked_by_id=booker.id,
                booked_at=booked_at,
                confirmed_at=booked_at + timedelta(days=2) if status in ("confirmed", "arrived") else None,
                confirmed_by_id=booker.id if status in ("confirmed", "arrived") else None,
                arrived_at=starts_at if status == "arrived" else None,
                technician_id=_user(TECHNICIAN_OF[note]).id if note in TECHNICIAN_OF else None,
            )
        )
        added += 1
    db.session.flush()
    return added


def _seed_visitors_and_rooms(branches: dict[str, Branch], now: datetime) -> None:
    for code, rooms in ROOMS.items():
        for name, seats in rooms:
            if not db.session.scalar(
                select(MeetingRoom.id).where(MeetingRoom.branch_id == branches[code].id, MeetingRoom.name == name)
            ):
                db.session.add(MeetingRoom(branch_id=branches[code].id, name=name, seats=seats))
    db.session.flush()
    today = local_day(now)
    for code, title, for_whom, room_name, offset, start, end, login in (
        ("BJ-FT", "季度服务质量分析会", "全站", "一号会议室", 1, time(9, 0), time(10, 30), "reception"),
        ("BJ-HD", "新员工上岗培训", "维修组", "培训室", 2, time(14, 0), time(16, 0), "manager.hd"),
    ):
        if db.session.scalar(select(RoomBooking.id).where(RoomBooking.title == title)):
            continue
        room = db.session.scalar(
            select(MeetingRoom).where(MeetingRoom.branch_id == branches[code].id, MeetingRoom.name == room_name)
        )
        day = today + timedelta(days=offset)
        db.session.add(
            RoomBooking(
                room_id=room.id,
                branch_id=room.branch_id,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                title=title,
                booked_for=for_whom,
                booked_by_id=_user(login).id,
                booked_at=now - timedelta(days=2),
            )
        )
    for code, by, name, company, purpose, host, kind, last4, badge, minutes, out in VISITORS:
        if db.session.scalar(select(Visitor.id).where(Visitor.name == name, Visitor.purpose == purpose)):
            continue
        clerk = _user(by)
        db.session.add(
            Visitor(
                branch_id=branches[code].id,
                name=name,
                company=company,
                purpose=purpose,
                host_id=_user(host).id,
                id_kind=kind,
                id_last4=last4,
                badge=badge,
                signed_in_at=now - timedelta(minutes=minutes),
                signed_in_by_id=clerk.id,
                signed_out_at=now - timedelta(minutes=out) if out is not None else None,
                signed_out_by_id=clerk.id if out is not None else None,
            )
        )
    db.session.flush()


def _seed_calls(branches: dict[str, Branch], now: datetime) -> None:
    for code, taker, minutes, caller, number, topic, summary, outcome, handed_to in CALLS:
        if db.session.scalar(select(PhoneCall.id).where(PhoneCall.summary == summary)):
            continue
        customer = db.session.scalar(select(Customer).where(Customer.phone == number))
        db.session.add(
            PhoneCall(
                branch_id=branches[code].id,
                taken_by_id=_user(taker).id,
                at=now - timedelta(minutes=minutes),
                caller_name=caller,
                number=number,
                customer_id=customer.id if customer else None,
                topic=topic,
                summary=summary,
                outcome=outcome,
                handed_to=handed_to,
            )
        )
    db.session.flush()


def _seed_close_out(branches: dict[str, Branch], now: datetime) -> None:
    """At Fengtai, the last worked day before today closed out and signed by its duty manager, and the
    worked day before it closed out but never signed: a forgotten signature waiting on its page."""
    branch = branches["BJ-FT"]
    calendar = calendar_of(branch.id)
    signed_day = _worked_day_before(calendar, local_day(now))
    unsigned_day = _worked_day_before(calendar, signed_day)
    if db.session.scalar(select(CloseOut.id).where(CloseOut.branch_id == branch.id, CloseOut.day == signed_day)):
        return
    manager = _user("manager")
    for day, signed in ((unsigned_day, False), (signed_day, True)):
        closes_at = calendar.closing_time(day)
        db.session.add(
            CloseOut(
                branch_id=branch.id,
                day=day,
                closes_at=closes_at,
                made_at=closes_at,
                duty_manager_id=manager.id,
                signed_at=closes_at + timedelta(minutes=20) if signed else None,
                signed_by_id=manager.id if signed else None,
                note="当日投诉均已答复。永和物业的空调维修改约明天上午,已电话告知何经理。" if signed else "",
            )
        )
    db.session.flush()


def _worked_day_before(calendar, day):
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def seed_frontdesk(added: dict) -> None:
    branches = {branch.code: branch for branch in db.session.scalars(select(Branch))}
    if not all(code in branches for code in SETTINGS):
        return
    now = utcnow().replace(second=0, microsecond=0)
    _seed_settings(branches)
    _seed_roster(branches)
    added["complaints"] = _seed_complaints(branches, now)
    added["appointments"] = _seed_appointments(branches, now)
    _seed_visitors_and_rooms(branches, now)
    _seed_calls(branches, now)
    _seed_close_out(branches, now)
