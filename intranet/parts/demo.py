"""Demo parts for `flask seed-demo`: a catalogue for the demo equipment, a warehouse per branch, a van per technician.

The workflow follows the parts chapter of the service-manager handbook and the office manual's
spare-parts rules (request, approval, issue, old part back, claims, loans, stock-takes, small stock
flagged), written in our own words. Safe to run twice: rows are looked up first, and stock is only
booked into a store that has no moves yet.
"""

import uuid
from decimal import Decimal

from sqlalchemy import select

from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.extensions import db
from intranet.parts import ledger
from intranet.parts.models import Part, PartRequest, PartRequestLine, StockMove, Store

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

    # One request waiting for the manager: tech2 needs a control board and a fan for his job.
    tech2 = users.get("tech2")
    if (
        tech2 is not None
        and db.session.scalar(select(PartRequest.id).where(PartRequest.requested_by_id == tech2.id)) is None
    ):
        from intranet.jobs.models import Job

        job = db.session.scalar(select(Job).where(Job.assigned_to_id == tech2.id).order_by(Job.id))
        request = PartRequest(
            client_id=str(uuid.uuid4()),
            branch_id=tech2.branch_id,
            requested_by_id=tech2.id,
            job_id=job.id if job else None,
            note="举升机抖动,先备一桶液压油;顺带补车上的点火针。",
            lines=[
                PartRequestLine(part_id=parts["OIL-46"].id, quantity=Decimal(8)),
                PartRequestLine(part_id=parts["IGN-07"].id, quantity=Decimal(4)),
            ],
        )
        db.session.add(request)
    db.session.flush()
