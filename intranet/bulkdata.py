"""Bulk data for benchmarks: many technicians, 100,000 jobs over two years with reports and callbacks
for done ones, signed-off inspections with corrective actions, and parts used from vans.

Rows go in through Core executemany in batches, so 100,000 jobs take seconds, not an hour of ORM
flushes. Deterministic (a seeded random), so two runs measure the same database.
"""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.auth.service import hash_password
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Site
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.inspections.models import CorrectiveAction, Inspection, InspectionAnswer, InspectionTemplate
from intranet.jobs.models import MARKED, Callback, Job, JobEvent, Priority, VisitReport
from intranet.parts.models import Part, StockMove, Store

BATCH = 5000
FAULTS = ["叫号机不出票", "自动柜员机吞卡", "壁挂炉点火失败", "空调不制冷", "热水器漏水", "打印机卡纸", "UPS 报警"]


def seed_jobs(count: int, technicians_per_branch: int = 15, customers_per_branch: int = 300) -> dict[str, int]:
    rng = random.Random(20261123)
    now = utcnow()
    branches = list(db.session.scalars(select(Branch).order_by(Branch.id)))
    creator = db.session.scalar(select(User).where(User.role == Role.RECEPTIONIST).limit(1))
    password_hash = hash_password("demo1234")
    technicians: dict[int, list[int]] = {}
    sites: dict[int, list[tuple[int, int]]] = {}
    for branch in branches:
        for n in range(technicians_per_branch):
            login = f"bench.{branch.code.lower()}.{n}"
            if db.session.scalar(select(User.id).where(User.login == login)) is None:
                db.session.add(
                    User(
                        login=login,
                        name=f"技术员 {branch.code}-{n}",
                        role=Role.TECHNICIAN,
                        branch_id=branch.id,
                        password_hash=password_hash,
                    )
                )
        for n in range(customers_per_branch):
            customer = Customer(
                name=f"基准客户 {branch.code}-{n:04d}",
                kind="company",
                branch_id=branch.id,
                phone=f"010-{rng.randrange(10**7, 10**8)}",
            )
            customer.sites = [Site(name="营业厅", address=f"{branch.city} 测试路 {n} 号")]
            db.session.add(customer)
        db.session.flush()
        technicians[branch.id] = list(
            db.session.scalars(select(User.id).where(User.branch_id == branch.id, User.role == Role.TECHNICIAN))
        )
        sites[branch.id] = list(
            db.session.execute(
                select(Site.id, Site.customer_id).join(Customer).where(Customer.branch_id == branch.id)
            ).tuples()
        )

    first_id = (db.session.scalar(select(func.max(Job.id))) or 0) + 1
    jobs, events, reports, callbacks = [], [], [], []
    priorities = list(Priority)
    for offset in range(count):
        job_id = first_id + offset
        branch = rng.choice(branches)
        site_id, customer_id = rng.choice(sites[branch.id])
        technician_id = rng.choice(technicians[branch.id])
        # Most jobs are history; the last days hold the open work that Today and the lists show.
        age = (
            timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
            if rng.random() < 0.97
            else -timedelta(minutes=rng.randrange(0, 7 * 24 * 60))
        )
        due_at = now - age
        if age.total_seconds() < 0:
            status = rng.choice(["open", "assigned", "assigned", "in_progress"])
        elif age < timedelta(days=3):
            status = rng.choice(["assigned", "in_progress", "done"])
        else:
            status = rng.choices(["closed", "done"], weights=[95, 5])[0]
        priority = rng.choice(priorities)
        jobs.append(
            {
                "id": job_id,
                "branch_id": branch.id,
                "customer_id": customer_id,
                "site_id": site_id,
                "source": rng.choice(["appointment", "complaint", "walk_in", "maintenance"]),
                "priority": priority.value,
                "priority_rank": priority.rank,
                "fault_description": rng.choice(FAULTS),
                "status": status,
                "due_at": due_at,
                "assigned_to_id": None if status == "open" else technician_id,
                "created_by_id": creator.id,
                "created_at": due_at - timedelta(hours=4),
                "needs_manager_attention": False,
                "done_at": due_at if status in ("done", "closed") else None,
                "started_at": due_at - timedelta(minutes=rng.randrange(30, 600)) if status != "open" else None,
                "callback_due_at": due_at + timedelta(days=3) if status in ("done", "closed") else None,
                "closed_at": due_at + timedelta(days=3) if status == "closed" else None,
            }
        )
        events.append(
            {
                "job_id": job_id,
                "actor_id": creator.id,
                "kind": "created",
                "detail": "",
                "at": due_at - timedelta(hours=4),
            }
        )
        if status in ("done", "closed"):
            reports.append(
                {
                    "job_id": job_id,
                    "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "technician_id": technician_id,
                    "arrived_at": due_at - timedelta(hours=1),
                    "left_at": due_at,
                    "fault_found": "点火针积碳",
                    "cause": "",
                    "action_taken": "清洁并试机",
                    "result": "fixed",
                    "satisfaction": rng.randint(3, 5),
                    "customer_comment": "",
                    "follow_up_needed": False,
                    "created_at": due_at,
                }
            )
        if status == "closed":
            outcome = rng.choices(["satisfied", "not_satisfied", "unreachable"], weights=[90, 4, 6])[0]
            # The questionnaire: marks of 3 to 5, one of 1 or 2 when not satisfied; none when unreachable.
            marks = {name: None if outcome == "unreachable" else rng.randint(3, 5) for name in MARKED}
            if outcome == "not_satisfied":
                marks[rng.choice(MARKED)] = rng.randint(1, 2)
            callbacks.append(
                {
                    "job_id": job_id,
                    "branch_id": branch.id,
                    "caller_id": creator.id,
                    "at": due_at + timedelta(days=3),
                    "outcome": outcome,
                    "note": "",
                    "attempt": 1,
                    "problem_solved": None if outcome == "unreachable" else True,
                    **marks,
                }
            )
        if len(jobs) >= BATCH:
            _flush(jobs, events, reports, callbacks)
    _flush(jobs, events, reports, callbacks)
    if db.engine.dialect.name == "postgresql":
        # Explicit ids were inserted: move the sequence past them.
        db.session.execute(db.text("SELECT setval(pg_get_serial_sequence('job', 'id'), (SELECT max(id) FROM job))"))
    return {"jobs": count}


def _flush(jobs, events, reports, callbacks) -> None:
    for table, rows in ((Job, jobs), (JobEvent, events), (VisitReport, reports), (Callback, callbacks)):
        if rows:
            db.session.execute(insert(table), rows)
        rows.clear()


def seed_inspections(count: int) -> dict[str, int]:
    """Signed-off inspections of the demo's credit-union checklist over a year, each with one failed
    check and the corrective action it opened (open, done or verified)."""
    rng = random.Random(7)
    template = db.session.scalar(
        select(InspectionTemplate).where(InspectionTemplate.family == "CU-SERVICE").order_by(InspectionTemplate.id)
    )
    items = [item for item in template.items if item.kind == "deduction"]
    managers = {u.branch_id: u.id for u in db.session.scalars(select(User).where(User.role == Role.MANAGER))}
    staff = [
        (u.id, u.branch_id)
        for u in db.session.scalars(select(User).where(User.role == Role.TECHNICIAN, User.branch_id.in_(managers)))
    ]
    now = utcnow()
    first = (db.session.scalar(select(func.max(Inspection.id))) or 0) + 1
    first_answer = (db.session.scalar(select(func.max(InspectionAnswer.id))) or 0) + 1
    inspections, answers, actions = [], [], []
    for n in range(count):
        inspector, branch_id = rng.choice(staff)
        at = now - timedelta(days=rng.randrange(365), hours=rng.randrange(24))
        item = rng.choice(items)
        inspections.append(
            {
                "id": first + n, "template_id": template.id, "branch_id": branch_id, "inspector_id": inspector,
                "assigned_by_id": managers[branch_id], "due_at": at, "status": "signed_off",
                "score_total": Decimal(100) - item.points, "max_total": Decimal(100), "section_scores": "{}",
                "created_at": at, "submitted_at": at, "signed_by_id": managers[branch_id], "signed_at": at,
                "return_comment": "",
            }
        )  # fmt: skip
        answers.append({"id": first_answer + n, "inspection_id": first + n, "item_id": item.id, "count": 1})
        status = rng.choices(["open", "done", "verified"], weights=[10, 20, 70])[0]
        actions.append(
            {
                "inspection_id": first + n, "answer_id": first_answer + n, "branch_id": branch_id,
                "description": item.text, "owner_id": managers[branch_id], "due_on": (at + timedelta(days=7)).date(),
                "status": status, "created_at": at, "done_note": "",
            }
        )  # fmt: skip
        if len(inspections) >= BATCH:
            _insert((Inspection, inspections), (InspectionAnswer, answers), (CorrectiveAction, actions))
    _insert((Inspection, inspections), (InspectionAnswer, answers), (CorrectiveAction, actions))
    _move_sequences("inspection", "inspection_answer")
    return {"inspections": count}


def seed_part_moves(count: int) -> dict[str, int]:
    """Parts used up on done jobs, out of the demo technicians' vans, over a year."""
    rng = random.Random(11)
    vans = list(db.session.execute(select(Store.id, Store.branch_id).where(Store.kind == "van")))
    parts = list(db.session.scalars(select(Part.id)))
    jobs = {
        branch_id: list(
            db.session.scalars(select(Job.id).where(Job.branch_id == branch_id, Job.done_at.is_not(None)).limit(2000))
        )
        for _van, branch_id in vans
    }
    actor = db.session.scalar(select(User.id).where(User.role == Role.STOREKEEPER).limit(1))
    now = utcnow()
    moves = []
    for _ in range(count):
        van, branch_id = rng.choice(vans)
        moves.append(
            {
                "kind": "issue", "part_id": rng.choice(parts), "from_store_id": van, "to_store_id": None,
                "quantity": Decimal(rng.randint(1, 4)), "actor_id": actor, "job_id": rng.choice(jobs[branch_id]),
                "at": now - timedelta(minutes=rng.randrange(365 * 24 * 60)), "note": "",
            }
        )  # fmt: skip
        if len(moves) >= BATCH:
            _insert((StockMove, moves))
    _insert((StockMove, moves))
    return {"moves": count}


def _insert(*tables) -> None:
    for table, rows in tables:
        if rows:
            db.session.execute(insert(table), rows)
        rows.clear()


def _move_sequences(*tables: str) -> None:
    if db.engine.dialect.name == "postgresql":
        for table in tables:
            db.session.execute(
                db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
