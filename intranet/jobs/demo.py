"""Demo history for the dashboard and the callback reports: jobs done over the last weeks in two branches,
with their visit reports and callbacks (the questionnaire's answers; one customer whose problem came
back and got a follow-up visit, one unhappy with the staff, one not reached twice). Our own words."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from intranet.auth.models import User
from intranet.customers.models import Customer
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.jobs.callback_rules import delay_days
from intranet.jobs.models import Callback, Job, JobEvent, JobSource, Priority, VisitReport
from intranet.jobs.survey import QUESTIONS


@dataclass(frozen=True)
class Visit:
    customer: str
    technician: str
    caller: str
    days_ago: int
    hours_to_arrive: int
    rating: int  # on the visit report
    fault: str
    action: str
    source: str = JobSource.WALK_IN
    # The callback: the marks of survey.QUESTIONS in order, or "unreachable" tries; None: not called yet.
    marks: tuple[int, ...] | None = None
    solved: bool = True
    unreachable_tries: int = 0
    staff: tuple[str, str] | None = None  # (name, praised or criticised)
    suggestion: str = ""


HISTORY = [
    Visit("丰台区农村信用社卢沟桥分社", "tech", "reception", 2, 3, 5, "叫号机出票卡纸", "更换出票辊",
          marks=(5, 5, 4, 5, 5, 4, 5), staff=("张伟", "praised")),
    Visit("华远燃气丰台营业厅", "tech2", "reception", 5, 6, 4, "空调滤网堵塞", "清洗滤网并试机",
          marks=(4, 4, 4, 4, 5, 4, 4)),
    Visit("顺达汽车维修有限公司", "tech2", "reception", 9, 2, 2, "举升机液压渗漏", "紧固油管接头",
          source=JobSource.COMPLAINT, marks=(3, 2, 2, 3, 4, 3, 4), solved=False,
          suggestion="希望第一次就找到漏点,不要来回跑"),
    Visit("丰台区农村信用社卢沟桥分社", "tech", "reception", 16, 5, 5, "柜员机吞卡", "清理卡道并校准"),
    Visit("华远燃气丰台营业厅", "tech", "reception", 24, 4, 3, "读卡器无响应", "更换读卡座", unreachable_tries=2),
    Visit("中关村智汇科技有限公司", "tech.hd", "manager.hd", 3, 2, 4, "精密空调报警", "补充制冷剂",
          source=JobSource.RESCUE, marks=(5, 5, 4, 4, 5, 4, 5)),
    Visit("李国华", "tech.hd", "manager.hd", 12, 8, 1, "热水器忽冷忽热", "更换水流传感器",
          marks=(2, 3, 3, 3, 2, 3, 3), staff=("陈磊", "criticised"), suggestion="上门前先打电话确认时间"),
]  # fmt: skip


def _user(login: str) -> User | None:
    return db.session.scalar(select(User).where(User.login == login))


def seed_job_history(added: dict) -> None:
    """Insert the done jobs once: a second run finds the first report and adds nothing."""
    if db.session.scalar(select(VisitReport.id).limit(1)) is not None:
        return
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    added.setdefault("reports", 0)
    for visit in HISTORY:
        customer = db.session.scalar(select(Customer).where(Customer.name == visit.customer))
        technician, calling = _user(visit.technician), _user(visit.caller)
        if customer is None or not customer.sites or technician is None or calling is None:
            continue
        done = now - timedelta(days=visit.days_ago)
        created = done - timedelta(hours=visit.hours_to_arrive + 2)
        due = done + timedelta(days=delay_days(visit.source, Priority.NORMAL, visit.rating, 3, 1))
        reached = visit.marks is not None
        job = Job(
            branch_id=customer.branch_id,
            customer_id=customer.id,
            site_id=customer.sites[0].id,
            source=visit.source,
            priority=Priority.NORMAL,
            priority_rank=Priority.NORMAL.rank,
            fault_description=visit.fault,
            status="closed" if reached else "done",
            due_at=created + timedelta(hours=24),
            assigned_to_id=technician.id,
            created_by_id=calling.id,
            created_at=created,
            started_at=created + timedelta(hours=visit.hours_to_arrive),
            done_at=done,
            callback_due_at=due + timedelta(days=visit.unreachable_tries),
            closed_at=due if reached else None,
            needs_manager_attention=reached and (not visit.solved or min(visit.marks) < 3),
        )
        db.session.add(job)
        db.session.flush()
        db.session.add(JobEvent(job_id=job.id, actor_id=calling.id, kind="created", at=created))
        db.session.add(
            VisitReport(
                job_id=job.id,
                client_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-report-{job.id}")),
                technician_id=technician.id,
                arrived_at=job.started_at,
                left_at=done,
                fault_found=visit.fault,
                action_taken=visit.action,
                result="fixed",
                warranty_status="out_of_warranty",
                satisfaction=visit.rating,
                created_at=done,
            )
        )
        for attempt in range(1, visit.unreachable_tries + 1):
            db.session.add(
                Callback(
                    job_id=job.id,
                    branch_id=job.branch_id,
                    caller_id=calling.id,
                    outcome="unreachable",
                    attempt=attempt,
                    at=due + timedelta(days=attempt - 1),
                )
            )
        if reached:
            _called(job, visit, calling, due, technician)
        added["reports"] += 1
    db.session.flush()


def _called(job: Job, visit: Visit, calling: User, at, technician: User) -> None:
    """The questionnaire of a customer reached; a problem not solved sent the technician back."""
    follow_up = None
    if not visit.solved:
        follow_up = Job(
            branch_id=job.branch_id,
            customer_id=job.customer_id,
            site_id=job.site_id,
            source=JobSource.FOLLOW_UP,
            priority=job.priority,
            priority_rank=job.priority_rank,
            fault_description=f"{job.reference}: {visit.suggestion or visit.fault}",
            status="assigned",
            due_at=at + timedelta(days=1),
            assigned_to_id=technician.id,
            created_by_id=calling.id,
            created_at=at,
            follow_up_of_id=job.id,
        )
        db.session.add(follow_up)
        db.session.flush()
    low = not visit.solved or min(visit.marks) < 3
    db.session.add(
        Callback(
            job_id=job.id,
            branch_id=job.branch_id,
            caller_id=calling.id,
            outcome="not_satisfied" if low else "satisfied",
            at=at,
            problem_solved=visit.solved,
            staff_named=visit.staff[0] if visit.staff else "",
            staff_remark=visit.staff[1] if visit.staff else None,
            suggestions=visit.suggestion,
            follow_up_job_id=follow_up.id if follow_up else None,
            **{question.name: mark for question, mark in zip(QUESTIONS, visit.marks, strict=True)},
        )
    )
