"""Demo checklists and inspections for `flask seed-demo`, written in our own words from the manuals' rules.

The credit-union service checklist keeps the manual's sections and its deduction per occurrence
(0.5, 1 or 2 points; 0.2 to 0.5 for premises), charged to the person who caused it. Each section is
worth 10 points and, as the manual has it, is not capped: every occurrence deducts. Discipline lapses
cost at least 1 point each (the inspector weighs how much), and an error hidden instead of reported
takes 50 to 100 % of the whole score.
"""

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.forms import Upload
from intranet.inspections import assigning, filling, schedules, service, sign_off, templates_io
from intranet.inspections.models import Inspection, InspectionTemplate
from intranet.inspections.templates_io import FORMAT


def _d(text, points, guidance="", photo=False):
    return {"kind": "deduction", "text": text, "points": points, "guidance": guidance, "photo_required_on_fail": photo}


def _c(text, points, guidance="", photo=False):
    return {"kind": "pass_fail", "text": text, "points": points, "guidance": guidance, "photo_required_on_fail": photo}


def _e(text, at_least, guidance="", photo=False):
    """A deduction the inspector weighs: never less than `at_least`."""
    return {
        "kind": "entered",
        "text": text,
        "at_least": at_least,
        "guidance": guidance,
        "photo_required_on_fail": photo,
    }


def _share(text, low, high, guidance=""):
    """A share of the whole score, a percentage from `low` to `high`."""
    return {"kind": "share", "text": text, "min": low, "max": high, "guidance": guidance}


def _n(text, low, high, guidance=""):
    return {"kind": "number", "text": text, "min": low, "max": high, "guidance": guidance}


def _section(title, max_points, *items, capped=True):
    return {"title": title, "max_points": max_points, "capped": capped, "items": list(items)}


def _uncapped(title, *items):
    """A credit-union section: 10 points, and every occurrence deducts, past zero if need be."""
    return _section(title, "10", *items, capped=False)


CREDIT_UNION = {
    "format": FORMAT,
    "code": "CU-SERVICE",
    "title": "信用社网点顾客服务检查",
    "description": "按人次计扣分,记到当事人名下;每次都扣,不设每节上限。纪律每人次至少扣 1 分;"
    "差错隐瞒不报的,扣除总分的 50%–100%。",
    "sections": [
        _uncapped("服务道德", _d("不尊重客户或损害客户正当权益(每人次)", "0.5")),
        _uncapped(
            "语言",
            _d("接待时缺少问候、应答或道别用语(每人次)", "0.5", "十字文明用语:请、您好、对不起、谢谢、再见"),
            _d("存取款时没有提醒客户当面点清(每人次)", "0.5"),
            _d("说话生硬、伤人或与客户顶嘴(每人次)", "0.5"),
        ),
        _uncapped(
            "态度",
            _d("首问负责没有落实:推给别人或不予答复(每人次)", "1"),
            _d("应当起身服务却坐着(老人、行动不便者、客户提意见时)(每人次)", "1"),
            _d("暂停办理时没有摆放提示牌、没有向客户说明(每人次)", "1"),
            _d("怠慢、刁难客户或与客户争吵(每人次)", "1"),
        ),
        _uncapped(
            "仪表",
            _d("没有统一着装或没有佩戴胸卡(每人次)", "0.5"),
            _d("发型、妆容或指甲不合规定(每人次)", "0.5"),
            _d("穿拖鞋或赤脚穿凉鞋上岗(每人次)", "0.5"),
        ),
        _uncapped("技能", _d("业务不熟练,影响办理或损害信誉(每人次)", "1")),
        _uncapped(
            "质量",
            _d("违反操作规程或出现差错(每人次)", "2", "造成重大不良影响的,按两次计"),
            _d("在营业场所高声谈论或传播客户业务信息(每人次)", "2"),
            _share(
                "差错或问题没有当日逐级上报,被发现隐瞒",
                "50",
                "100",
                "按情节扣除本次总分的 50% 至 100%;没有发生填 0",
            ),
        ),
        _uncapped(
            "效率",
            _d("开门前准备不足:凭证、印章、电脑未就绪(每人次)", "0.5"),
            _d("拖延办理或故意让客户久等(每人次)", "0.5"),
        ),
        _uncapped(
            "纪律",
            _e("迟到、早退或擅自离岗(每人次至少 1 分)", "1"),
            _e("营业场所吸烟或酒后上岗(每人次至少 1 分)", "1"),
            _e("串岗聊天、吃零食、看报或办私事(每人次至少 1 分)", "1"),
            _e("柜台上放着与业务无关的物品(每处至少 1 分)", "1"),
        ),
        _uncapped(
            "环境卫生",
            _d("地面、桌面、玻璃或柜面不干净(每处)", "0.2", photo=True),
            _d("有卫生死角、乱堆乱放或过期张贴(每处)", "0.2", photo=True),
            _e("严重不合规:卫生间脏污有异味、厨房堆放垃圾(至少 0.5 分)", "0.5", photo=True),
        ),
        _uncapped(
            "宣传设施",
            _d("利率表、收费表、服务公约或业务简介缺失(每处)", "0.2"),
            _d("宣传品规格不一、内容过期或书写不规范(每处)", "0.2"),
            _d("意见簿或服务监督电话缺失、位置不明显(每处)", "0.3"),
        ),
    ],
}

FIVE_S = {
    "format": FORMAT,
    "code": "5S-DAILY",
    "title": "每日现场 5S 检查",
    "description": "车间与前台每天一次;不合格项拍照,并指定整改人。",
    "sections": [
        _section(
            "整理",
            "4",
            _c("工位上只有当天要用的工具和配件", "2", photo=True),
            _c("废旧件、包装物已清出作业区", "2", photo=True),
        ),
        _section(
            "整顿",
            "4",
            _c("工具、量具放回定位板,标识清楚", "2", photo=True),
            _c("通道、消防栓和配电箱前无遮挡", "2", photo=True),
        ),
        _section(
            "清扫",
            "4",
            _c("地面无油污、积水和零件", "2", photo=True),
            _c("举升机、设备表面已擦拭", "2"),
        ),
        _section("清洁", "4", _c("垃圾分类投放,垃圾桶已清空", "2"), _c("洗手间、休息区整洁", "2")),
        _section(
            "素养",
            "4",
            _c("员工按规定穿工服、戴工牌", "2"),
            _c("班前会按时召开并有记录", "2"),
            {"kind": "text", "text": "当日发现的其他问题"},
        ),
    ],
}

PRE_DELIVERY = {
    "format": FORMAT,
    "code": "PDI-VEHICLE",
    "title": "车辆完工交车前检查",
    "description": "维修完工后、通知客户取车前,由质检员逐项确认。",
    "sections": [
        _section(
            "外观与车内",
            "6",
            _c("车身无新增划痕,漆面已清洁", "2", photo=True),
            _c("座椅、脚垫、方向盘已去除保护套且干净", "2"),
            _c("客户车内物品原样保留", "2"),
        ),
        _section(
            "机舱与底盘",
            "8",
            _c("机油、冷却液、制动液液位正常", "2"),
            _n("左前轮胎气压(kPa)", "180", "300"),
            _n("右前轮胎气压(kPa)", "180", "300"),
            _c("无漏油、漏水", "3", photo=True),
            _c("维修部位螺栓已按力矩紧固", "3"),
        ),
        _section(
            "路试与交车",
            "6",
            _c("路试无异响,故障现象已消除", "3"),
            _c("旧件按客户意愿保留或交回", "1"),
            _c("结算单、保修说明已备好", "2"),
            {"kind": "photo", "text": "交车前整车照片"},
        ),
    ],
}

OFFICE_OPERATIONS = {
    "format": FORMAT,
    "code": "OFFICE-OPS",
    "title": "办事处运营检查",
    "description": "每月一次,检查前台、文件与设备的日常运营。",
    "sections": [
        _section(
            "前台接待",
            "6",
            _c("来访登记表填写完整", "2"),
            _c("电话在三声内接听并使用标准问候", "2"),
            _c("预约看板已更新", "2"),
        ),
        _section(
            "文件与档案",
            "6",
            _c("合同、单据按编号归档,借阅有登记", "3"),
            _c("手册更新记录已签阅", "3"),
        ),
        _section(
            "设备与安全",
            "8",
            _c("灭火器在有效期内", "3", photo=True),
            _c("电脑、打印机工作正常", "2"),
            _c("下班前门窗、电源已检查", "3"),
            _n("机房温度(°C)", "10", "30"),
        ),
    ],
}

DEMO_TEMPLATES = [CREDIT_UNION, FIVE_S, PRE_DELIVERY, OFFICE_OPERATIONS]


def _signature_png() -> bytes:
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(20, 70), (80, 30), (140, 70), (200, 30), (260, 60)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _user(login: str) -> User | None:
    return db.session.scalar(select(User).where(User.login == login))


def _filled(inspection: Inspection, counts: dict[str, int], charged: dict[str, list]) -> dict[int, filling.AnswerInput]:
    """Answers: every check passed, the violations counted, each charged to the people named (login, times)."""
    answers = {}
    for item in inspection.template.items:
        given = filling.AnswerInput(result="pass" if item.kind == "pass_fail" else None)
        if item.kind == "deduction":
            given.count = str(counts.get(item.text, 0))
        for index, (login, times) in enumerate(charged.get(item.text, [])):
            given.charges[index] = filling.ChargeInput(str(_user(login).id), str(times))
        answers[item.id] = given
    return answers


def seed_inspections(added: dict) -> None:
    """Add the demo checklists (published), a few assignments and two signed-off inspections."""
    admin = _user("admin")
    if admin is None:
        return
    added.setdefault("checklists", 0)
    added.setdefault("inspections", 0)
    for data in DEMO_TEMPLATES:
        if db.session.scalar(select(InspectionTemplate.id).where(InspectionTemplate.family == data["code"])):
            continue
        templates_io.import_template(admin, data, publish_now=True)
        added["checklists"] += 1
    if db.session.scalar(select(Inspection.id).limit(1)) is not None:
        return

    templates = {t.family: t for t in service.active_templates()}
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    greeting, error = "接待时缺少问候、应答或道别用语(每人次)", "违反操作规程或出现差错(每人次)"
    badge, slow = "没有统一着装或没有佩戴胸卡(每人次)", "拖延办理或故意让客户久等(每人次)"
    # template, inspector, manager, due in days, violations found, charged to (login, times), signed off?
    plan = [
        ("CU-SERVICE", "tech.hd", "manager.hd", -3, {greeting: 3, error: 1}, {greeting: [("manager.hd", 2)]}, True),
        ("CU-SERVICE", "reception", "manager", -2, {badge: 1}, {badge: [("tech2", 1)]}, True),
        ("CU-SERVICE", "tech2", "manager", -1, {slow: 2}, {slow: [("reception", 2)]}, False),
    ]
    for family, login, manager_login, days, counts, charged, sign in plan:
        inspector, manager = _user(login), _user(manager_login)
        data = assigning.AssignData(templates[family].id, inspector.branch_id, inspector.id, now + timedelta(days=days))
        inspection = assigning.assign(manager, data)
        answers = _filled(inspection, counts, charged)
        filling.submit_inspection(inspector, inspection, _demo_uuid(inspection.id), answers)
        if sign:
            sign_off.sign_off(manager, inspection, Upload(_signature_png(), "signature.png"), confirmed=True)
        added["inspections"] += 1

    manager, tech = _user("manager"), _user("tech")
    assigning.assign(
        manager, assigning.AssignData(templates["CU-SERVICE"].id, tech.branch_id, tech.id, now + timedelta(days=1))
    )
    assigning.assign(
        manager, assigning.AssignData(templates["PDI-VEHICLE"].id, tech.branch_id, tech.id, now + timedelta(hours=6))
    )
    assigning.assign(
        manager,
        assigning.AssignData(templates["5S-DAILY"].id, tech.branch_id, tech.id, now, frequency="daily"),
    )
    added["inspections"] += 3
    schedules.generate_all(now)


def _demo_uuid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"
