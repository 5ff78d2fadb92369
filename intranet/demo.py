"""Demo content for `flask seed-demo`: a small service company written in our own words.

Names and equipment follow the world of the operations manuals (a credit union's branch hall, a
gas utility's customer-service hall, a vehicle repair centre), but nothing here is copied from them.
Every insert looks its row up first, so running the command twice changes nothing.
"""

from datetime import date, timedelta

from sqlalchemy import select

from intranet import events
from intranet.auth.models import User
from intranet.auth.service import hash_password
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Equipment, Site
from intranet.db_types import utcnow
from intranet.downloads.demo import seed_downloads
from intranet.extensions import db
from intranet.frontdesk.demo import seed_frontdesk
from intranet.inspections.demo import seed_inspections
from intranet.jobs.demo import seed_job_history
from intranet.jobs.events import JobDispatched
from intranet.jobs.models import Job, JobEvent, Priority
from intranet.kb.importer import seed_demo_articles
from intranet.parts.demo import seed_parts

DEMO_PASSWORD = "demo1234"

BRANCHES = [
    # code, name, city, address, phone
    ("BJ-FT", "丰台服务站", "北京", "北京市丰台区南三环西路 18 号", "010-6370 1180"),
    ("BJ-HD", "海淀维修中心", "北京", "北京市海淀区学院路 36 号", "010-6238 5500"),
    ("SH-PD", "浦东客服营业厅", "上海", "上海市浦东新区张杨路 1200 号", "021-5830 2266"),
]

USERS = [
    # login, name, role, branch code, locale
    ("admin", "系统管理员", "admin", None, None),
    ("manager", "王建国", "manager", "BJ-FT", None),
    ("reception", "李静", "receptionist", "BJ-FT", None),
    ("tech", "张伟", "technician", "BJ-FT", None),
    ("tech2", "刘洋", "technician", "BJ-FT", None),
    ("manager.hd", "赵敏", "manager", "BJ-HD", None),
    ("tech.hd", "陈磊", "technician", "BJ-HD", None),
    ("reception.pd", "周婷", "receptionist", "SH-PD", "en"),
    ("store", "孙红梅", "storekeeper", "BJ-FT", None),
    ("store.hd", "钱志强", "storekeeper", "BJ-HD", None),
]

DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "users": [(login, role) for login, _name, role, _branch, _locale in USERS],
}

# customer name, kind, phone, branch code, notes, sites:
#   (site name, address, contact, contact phone, [(model, serial, installed, warranty end)])
CUSTOMERS = [
    (
        "丰台区农村信用社卢沟桥分社",
        "company",
        "010-8389 2210",
        "BJ-FT",
        "营业时间 8:30-17:00,维修需避开午间高峰。",
        [
            (
                "营业大厅",
                "北京市丰台区卢沟桥南里 6 号",
                "孙立新",
                "138 1102 4471",
                [
                    ("GRG H68N 自动柜员机", "GRG-H68N-20231187", date(2023, 4, 12), date(2026, 4, 11)),
                    ("QM-300 排队叫号机", "QM300-77812", date(2024, 9, 1), date(2027, 8, 31)),
                ],
            ),
            (
                "自助服务区",
                "北京市丰台区卢沟桥南里 6 号东侧",
                "孙立新",
                "138 1102 4471",
                [
                    ("GRG H22N 存取款一体机", "GRG-H22N-20240355", date(2024, 3, 20), date(2027, 3, 19)),
                ],
            ),
        ],
    ),
    (
        "华远燃气丰台营业厅",
        "company",
        "010-6372 9900",
        "BJ-FT",
        "燃气安全类报修优先派工。",
        [
            (
                "营业厅",
                "北京市丰台区丰台北路 52 号",
                "马春燕",
                "139 1066 2381",
                [
                    ("格力 GMV-H160 中央空调", "GMV-H160-5521", date(2022, 6, 1), date(2025, 5, 31)),
                    ("IC 卡燃气表读写器 RW-8", "RW8-2024-0612", date(2024, 6, 12), date(2026, 6, 11)),
                ],
            ),
        ],
    ),
    (
        "顺达汽车维修有限公司",
        "company",
        "010-6751 3344",
        "BJ-FT",
        "",
        [
            (
                "一号车间",
                "北京市丰台区花乡四合庄 88 号",
                "高建军",
                "135 0112 9036",
                [
                    ("元征 X-431 诊断仪", "LAUNCH-X431-88213", date(2023, 11, 5), date(2025, 11, 4)),
                    ("四柱举升机 QJY-4.0", "QJY40-230917", date(2023, 9, 17), date(2028, 9, 16)),
                ],
            ),
        ],
    ),
    (
        "张秀英",
        "person",
        "136 9120 5521",
        "BJ-FT",
        "老人独居,上门前先电话联系其女儿。",
        [
            (
                "住所",
                "北京市丰台区方庄芳古园一区 12 号楼 3 单元 502",
                "张秀英",
                "136 9120 5521",
                [
                    ("威能 turboTEC 燃气壁挂炉", "VAIL-TT-19-4420", date(2019, 10, 8), date(2024, 10, 7)),
                ],
            ),
        ],
    ),
    (
        "北京永和物业管理有限公司",
        "company",
        "010-8761 0032",
        "BJ-FT",
        "",
        [
            (
                "永和家园 3 号楼",
                "北京市丰台区永和路 9 号",
                "何志强",
                "137 1888 6602",
                [
                    ("海尔 KFR-72LW 空调", "HAIER-72LW-66103", date(2025, 5, 20), date(2028, 5, 19)),
                ],
            ),
            ("永和家园物业中心", "北京市丰台区永和路 9 号 1 层", "何志强", "137 1888 6602", []),
        ],
    ),
    (
        "海淀区学院路街道社区服务中心",
        "company",
        "010-6231 7788",
        "BJ-HD",
        "",
        [
            (
                "服务大厅",
                "北京市海淀区学院路 20 号",
                "郭佳",
                "186 0101 2233",
                [
                    ("QM-300 排队叫号机", "QM300-80244", date(2025, 1, 15), date(2028, 1, 14)),
                    ("惠普 M428 多功能打印机", "HP-M428-CNB9K3", date(2024, 2, 2), date(2025, 2, 1)),
                ],
            ),
        ],
    ),
    (
        "中关村智汇科技有限公司",
        "company",
        "010-8286 4100",
        "BJ-HD",
        "机房进入需提前登记身份证。",
        [
            (
                "机房",
                "北京市海淀区中关村大街 27 号 B1",
                "田野",
                "185 1234 7788",
                [
                    ("艾默生 UPS 20kVA", "EMR-UPS20-11872", date(2022, 12, 1), date(2027, 11, 30)),
                ],
            ),
        ],
    ),
    (
        "李国华",
        "person",
        "139 0109 7733",
        "BJ-HD",
        "",
        [
            (
                "住所",
                "北京市海淀区双榆树北里 4 号楼 1102",
                "李国华",
                "139 0109 7733",
                [
                    ("林内 RUS-16E 燃气热水器", "RINNAI-16E-7781", date(2021, 7, 3), date(2024, 7, 2)),
                ],
            ),
        ],
    ),
    (
        "浦东新区城市燃气客户服务中心",
        "company",
        "021-5888 1200",
        "SH-PD",
        "热线转派单据需在 2 小时内响应。",
        [
            (
                "张杨路营业厅",
                "上海市浦东新区张杨路 1200 号",
                "徐晓",
                "138 1700 4455",
                [
                    ("GRG H68N 自动柜员机", "GRG-H68N-20250021", date(2025, 3, 1), date(2028, 2, 28)),
                ],
            ),
        ],
    ),
    (
        "上海恒通汽车服务有限公司",
        "company",
        "021-6888 5120",
        "SH-PD",
        "",
        [
            (
                "维修车间",
                "上海市浦东新区金桥路 1500 号",
                "沈强",
                "139 1612 0098",
                [
                    ("博世 FSA 740 发动机分析仪", "BOSCH-FSA740-3321", date(2022, 8, 8), date(2025, 8, 7)),
                ],
            ),
        ],
    ),
]


# customer, fault, source, priority, hours from now, technician login (None: not dispatched yet)
JOBS = [
    ("张秀英", "壁挂炉打不着火,屏幕显示 F28,家中无暖气。", "complaint", "urgent", 1, "tech"),
    ("丰台区农村信用社卢沟桥分社", "自动柜员机吞卡两次,需检查读卡器。", "appointment", "high", 3, "tech"),
    ("华远燃气丰台营业厅", "中央空调制冷效果差,营业厅温度偏高。", "maintenance", "normal", 5, "tech"),
    ("顺达汽车维修有限公司", "四柱举升机一侧下降时抖动。", "walk_in", "normal", 26, "tech2"),
    ("北京永和物业管理有限公司", "3 号楼空调外机噪音大,业主投诉。", "complaint", "normal", 28, None),
    ("中关村智汇科技有限公司", "机房精密空调高压报警,压缩机停机。", "appointment", "urgent", 2, "tech.hd"),
    ("李国华", "燃气热水器出水忽冷忽热。", "walk_in", "normal", 30, "tech.hd"),
]


def _seed_jobs(added: dict) -> None:
    creator = db.session.scalar(select(User).where(User.login == "reception"))
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for customer_name, fault, source, priority, hours, login in JOBS:
        customer = db.session.scalar(select(Customer).where(Customer.name == customer_name))
        if customer is None or not customer.sites:
            continue
        if db.session.scalar(select(Job.id).where(Job.customer_id == customer.id, Job.fault_description == fault)):
            continue
        site = customer.sites[0]
        technician = db.session.scalar(select(User).where(User.login == login)) if login else None
        job = Job(
            branch_id=customer.branch_id,
            customer_id=customer.id,
            site_id=site.id,
            equipment_id=site.equipment[0].id if site.equipment else None,
            source=source,
            priority=priority,
            priority_rank=Priority(priority).rank,
            fault_description=fault,
            due_at=now + timedelta(hours=hours),
            status="assigned" if technician else "open",
            assigned_to_id=technician.id if technician else None,
            created_by_id=creator.id,
        )
        db.session.add(job)
        db.session.flush()
        db.session.add(JobEvent(job_id=job.id, actor_id=creator.id, kind="created", detail=priority))
        if technician:
            db.session.add(JobEvent(job_id=job.id, actor_id=creator.id, kind="assigned", detail=technician.name))
            events.publish(JobDispatched(creator, job))  # the technician's bell shows it, as a dispatch would
        added["jobs"] += 1


def _get_or_create(table, lookup: dict, **values):
    instance = db.session.scalar(select(table).filter_by(**lookup))
    if instance is not None:
        return instance, False
    instance = table(**lookup, **values)
    db.session.add(instance)
    db.session.flush()
    return instance, True


def seed() -> dict[str, int]:
    """Insert whatever of the demo set is missing; return how many rows of each kind were added."""
    added = {"branches": 0, "users": 0, "customers": 0, "sites": 0, "equipment": 0, "jobs": 0}
    branches = {}
    for code, name, city, address, phone in BRANCHES:
        branches[code], new = _get_or_create(Branch, {"code": code}, name=name, city=city, address=address, phone=phone)
        added["branches"] += new

    password_hash = None
    for login, name, role, branch_code, locale in USERS:
        if db.session.scalar(select(User.id).where(User.login == login)) is not None:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        branch = branches[branch_code] if branch_code else None
        db.session.add(
            User(login=login, name=name, role=role, branch=branch, locale=locale, password_hash=password_hash)
        )
        added["users"] += 1
    db.session.flush()

    for name, kind, phone, branch_code, notes, sites in CUSTOMERS:
        customer, new = _get_or_create(
            Customer, {"name": name, "branch_id": branches[branch_code].id}, kind=kind, phone=phone, notes=notes
        )
        added["customers"] += new
        for site_name, address, contact, contact_phone, equipment in sites:
            site, new = _get_or_create(
                Site,
                {"customer_id": customer.id, "name": site_name},
                address=address,
                contact_name=contact,
                contact_phone=contact_phone,
            )
            added["sites"] += new
            for model, serial, installed, warranty_end in equipment:
                _item, new = _get_or_create(
                    Equipment,
                    {"serial": serial},
                    site_id=site.id,
                    model=model,
                    installed_on=installed,
                    warranty_end=warranty_end,
                )
                added["equipment"] += new
    db.session.flush()
    _seed_jobs(added)
    seed_job_history(added)

    seed_parts(added)
    seed_inspections(added)
    seed_frontdesk(added)
    seed_downloads(added)
    # The operations manual as knowledge-base articles (intranet/kb/demo_articles, our own words).
    added["articles"] = seed_demo_articles()["created"]
    return added
