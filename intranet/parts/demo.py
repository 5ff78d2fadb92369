"""Demo parts for `flask seed-demo`: a catalogue for the demo equipment, a warehouse per branch, a van per technician.

The workflow follows the parts chapter of the service-manager handbook and the office manual's
spare-parts rules (request, approval, issue, old part back, claims, loans, stock-takes, small stock
flagged), written in our own words. Safe to run twice: rows are looked up first, and stock is only
booked into a store that has no moves yet.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.jobs.models import Job
from intranet.parts import ledger
from intranet.parts.models import (
    Loan,
    Part,
    PartRequest,
    PartRequestLine,
    StockMove,
    StockTake,
    StockTakeLine,
    StockTakeStatus,
    Store,
)
from intranet.timezones import utc_to_local

# code, name, specification, unit, whole units, price, minimum, compatible models
PARTS = [
    (
        "IGN-07",
        "点火针",
        "陶瓷绝缘 Φ3×45 mm",
        "个",
        True,
        "18.00",
        10,
        "威能 turboTEC 燃气壁挂炉\n林内 RUS-16E 燃气热水器",
    ),
    (
        "SEAL-22",
        "密封圈",
        "耐高温硅胶 22 mm",
        "个",
        True,
        "2.50",
        30,
        "威能 turboTEC 燃气壁挂炉\n林内 RUS-16E 燃气热水器",
    ),
    ("FLM-05", "火焰检测探针", "带 300 mm 引线", "个", True, "45.00", 4, "威能 turboTEC 燃气壁挂炉"),
    ("PCB-WG", "壁挂炉主控板", "含显示板接口", "块", True, "680.00", 2, "威能 turboTEC 燃气壁挂炉"),
    ("FAN-24", "燃烧风机", "24 V 直流", "台", True, "320.00", 2, "威能 turboTEC 燃气壁挂炉"),
    ("CRD-R1", "读卡器模块", "磁条与芯片双模", "个", True, "1250.00", 2, "GRG H68N 自动柜员机\nGRG H22N 存取款一体机"),
    ("BLT-08", "出钞通道皮带", "宽 8 mm", "条", True, "36.00", 6, "GRG H68N 自动柜员机\nGRG H22N 存取款一体机"),
    ("PRH-58", "热敏打印头", "58 mm", "个", True, "260.00", 3, "QM-300 排队叫号机"),
    ("PAP-58", "热敏纸卷", "58 mm × 50 m", "卷", True, "3.20", 20, "QM-300 排队叫号机"),
    ("FLT-AC", "空调过滤网", "可水洗", "片", True, "15.00", 10, "海尔 KFR-72LW 空调\n格力 GMV-H160 中央空调"),
    ("CAP-35", "压缩机启动电容", "35 μF 450 V", "个", True, "28.00", 5, "海尔 KFR-72LW 空调"),
    (
        "R410A",
        "R410A 制冷剂",
        "10 kg 钢瓶分装",
        "千克",
        False,
        "65.00",
        5,
        "海尔 KFR-72LW 空调\n格力 GMV-H160 中央空调",
    ),
    ("OIL-46", "46# 抗磨液压油", "举升机用", "升", False, "22.00", 8, "四柱举升机 QJY-4.0"),
    ("BAT-12", "UPS 蓄电池", "12 V 100 Ah", "块", True, "980.00", 4, "艾默生 UPS 20kVA"),
    ("TON-428", "硒鼓", "CF276A", "个", True, "420.00", 2, "惠普 M428 多功能打印机"),
    ("RW-CARD", "燃气表读写卡座", "IC 卡触点座", "个", True, "55.00", 3, "IC 卡燃气表读写器 RW-8"),
]

# Opening stock of each warehouse: (branch code, {code: quantity}). A few are under their minimum on
# purpose, so the low-stock list has something to show.
OPENING = {
    "BJ-FT": {
        "IGN-07": 40, "SEAL-22": 120, "FLM-05": 8, "PCB-WG": 3, "FAN-24": 1, "CRD-R1": 2, "BLT-08": 10,
        "PRH-58": 2, "PAP-58": 12, "FLT-AC": 30, "CAP-35": 12, "R410A": Decimal("22.5"), "OIL-46": 40,
        "BAT-12": 8, "TON-428": 3, "RW-CARD": 6,
    },
    "BJ-HD": {"IGN-07": 15, "SEAL-22": 60, "CRD-R1": 1, "FLT-AC": 12, "OIL-46": 18, "BAT-12": 4},
    "SH-PD": {"PAP-58": 40, "PRH-58": 4, "RW-CARD": 2, "TON-428": 1},
}  # fmt: skip

# What each technician carries in the van at the start: issued from the branch warehouse.
VANS = {
    "tech": {"IGN-07": 8, "SEAL-22": 20, "FLM-05": 2, "FLT-AC": 4},
    "tech2": {"IGN-07": 4, "SEAL-22": 10, "OIL-46": 5},
    "tech.hd": {"IGN-07": 4, "SEAL-22": 10},
}

STOREKEEPERS = {"BJ-FT": "store", "BJ-HD": "store.hd", "SH-PD": "store"}

# requester, note, (part code, quantity) lines
REQUESTS = [
    ("tech2", "举升机抖动,先备一桶液压油;顺带补车上的点火针。", [("OIL-46", 8), ("IGN-07", 4)]),
    ("tech.hd", "机房空调滤网堵塞,先领两片换上,旧的带回清洗。", [("FLT-AC", 2)]),
]

# storekeeper, borrower, what is lent (配件借用单), due in days
LOANS = [
    ("store", "tech", "数字万用表", 5),
    ("store.hd", "tech.hd", "燃气检漏仪", -1),
]


def seed_parts(added: dict) -> None:
    added.setdefault("parts", 0)
    added.setdefault("stores", 0)
    parts = {}
    for code, name, spec, unit, whole, price, minimum, models in PARTS:
        part = db.session.scalar(select(Part).where(Part.code == code))
        if part is None:
            part = Part(
                code=code,
                name=name,
                specification=spec,
                unit=unit,
                whole_units=whole,
                price=Decimal(price),
                min_stock=Decimal(minimum),
                compatible_models=models,
            )
            db.session.add(part)
            added["parts"] += 1
        parts[code] = part
    db.session.flush()

    branches = {b.code: b for b in db.session.scalars(select(Branch))}
    users = {u.login: u for u in db.session.scalars(select(User))}
    warehouses = {}
    for code, branch in branches.items():
        warehouse = db.session.scalar(select(Store).where(Store.branch_id == branch.id, Store.kind == "warehouse"))
        if warehouse is None:
            warehouse = Store(kind="warehouse", name=f"{branch.name}仓库", branch_id=branch.id)
            db.session.add(warehouse)
            added["stores"] += 1
        warehouses[code] = warehouse
    vans = {}
    for login in VANS:
        technician = users.get(login)
        if technician is None:
            continue
        van = db.session.scalar(select(Store).where(Store.technician_id == technician.id))
        if van is None:
            van = Store(
                kind="van",
                name=f"{technician.name}的工具车",
                branch_id=technician.branch_id,
                technician_id=technician.id,
            )
            db.session.add(van)
            added["stores"] += 1
        vans[login] = van
    db.session.flush()

    def untouched(store: Store) -> bool:
        moved = select(StockMove.id).where((StockMove.to_store_id == store.id) | (StockMove.from_store_id == store.id))
        return db.session.scalar(moved.limit(1)) is None

    for branch_code, quantities in OPENING.items():
        warehouse, keeper = warehouses.get(branch_code), users.get(STOREKEEPERS[branch_code])
        if warehouse is None or keeper is None or not untouched(warehouse):
            continue
        for code, quantity in quantities.items():
            ledger.post_move(keeper, "receipt", parts[code], quantity, to_store=warehouse, note="期初库存")
        for login, load in VANS.items():
            van = vans.get(login)
            if van is None or van.branch_id != warehouse.branch_id or not untouched(van):
                continue
            for code, quantity in load.items():
                ledger.post_move(
                    keeper, "issue", parts[code], quantity, from_store=warehouse, to_store=van, note="随车备件"
                )

    # Requests waiting for a manager, one per Beijing branch.
    for login, note, lines in REQUESTS:
        requester = users.get(login)
        if requester is None or db.session.scalar(
            select(PartRequest.id).where(PartRequest.requested_by_id == requester.id)
        ):
            continue
        job = db.session.scalar(select(Job).where(Job.assigned_to_id == requester.id).order_by(Job.id))
        db.session.add(
            PartRequest(
                client_id=str(uuid.uuid4()),
                branch_id=requester.branch_id,
                requested_by_id=requester.id,
                job_id=job.id if job else None,
                note=note,
                lines=[PartRequestLine(part_id=parts[code].id, quantity=Decimal(n)) for code, n in lines],
            )
        )
    _seed_loans(users)
    _seed_counted_stores(warehouses, users, parts)
    _seed_parts_used(vans, parts)
    db.session.flush()


def _seed_loans(users: dict) -> None:
    today = utc_to_local(utcnow()).date()
    for keeper_login, borrower_login, item, days in LOANS:
        keeper, borrower = users.get(keeper_login), users.get(borrower_login)
        if keeper is None or borrower is None:
            continue
        if db.session.scalar(select(Loan.id).where(Loan.borrower_id == borrower.id, Loan.item == item)):
            continue
        db.session.add(
            Loan(
                branch_id=borrower.branch_id,
                item=item,
                quantity=Decimal(1),
                borrower_id=borrower.id,
                lent_by_id=keeper.id,
                due_on=today + timedelta(days=days),
            )
        )


def _seed_counted_stores(warehouses: dict, users: dict, parts: dict) -> None:
    """Last month's count of each Beijing warehouse, approved without differences (the 盘点 record)."""
    for branch_code in ("BJ-FT", "BJ-HD"):
        warehouse, keeper = warehouses.get(branch_code), users.get(STOREKEEPERS[branch_code])
        manager = users.get("manager" if branch_code == "BJ-FT" else "manager.hd")
        if warehouse is None or keeper is None or manager is None:
            continue
        if db.session.scalar(select(StockTake.id).where(StockTake.store_id == warehouse.id)):
            continue
        counted_at = utcnow() - timedelta(days=30)
        take = StockTake(
            store_id=warehouse.id,
            status=StockTakeStatus.APPROVED,
            created_by_id=keeper.id,
            created_at=counted_at,
            approved_by_id=manager.id,
            approved_at=counted_at,
        )
        for code, quantity in list(OPENING[branch_code].items())[:4]:
            take.lines.append(StockTakeLine(part_id=parts[code].id, expected=quantity, counted=quantity))
        db.session.add(take)


# Parts used on the demo's done jobs (jobs/demo.py): technician, part code, quantity.
USED = [("tech", "IGN-07", 2), ("tech", "SEAL-22", 4), ("tech2", "OIL-46", 3), ("tech.hd", "IGN-07", 1)]


def _seed_parts_used(vans: dict, parts: dict) -> None:
    """Each technician's parts leave the van on their latest done job, once."""
    for login, code, quantity in USED:
        van = vans.get(login)
        if van is None or van.technician_id is None:
            continue
        job = db.session.scalar(
            select(Job).where(Job.assigned_to_id == van.technician_id, Job.done_at.is_not(None)).order_by(Job.id)
        )
        if job is None or db.session.scalar(
            select(StockMove.id).where(StockMove.job_id == job.id, StockMove.part_id == parts[code].id).limit(1)
        ):
            continue
        technician = db.session.get(User, van.technician_id)
        ledger.post_move(technician, "issue", parts[code], quantity, from_store=van, job_id=job.id, note=job.reference)
