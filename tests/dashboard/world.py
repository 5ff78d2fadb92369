"""A fixed little world for the dashboard's figures, every value of it computed by hand in
test_figures.py. Times are written in Beijing time (the demo's zone) and stored in UTC.

Branch A (the managers' home) in March 2026:
  j1 t1 walk-in    created 03-02 09:00, arrived 11:00 (2 h), done 03-02 12:00, mark 5, callback satisfied 03-05
  j2 t1 walk-in    created 03-10 08:00, arrived 12:00 (4 h), done 03-10 13:00, mark 3, callback not satisfied
                   03-12, waits for a manager, followed up by j4
  j3 t2 walk-in    created 03-20 10:00, arrived 16:00 (6 h), done 03-31 23:30 (15:30 UTC: still March),
                   mark 4, callback unreachable 04-02
  j4 t1 follow-up  of j2, created 03-10 13:00, arrived 03-11 09:00 (20 h), done 03-11 10:00, mark 4
  j5 t2 assigned   created 04-01 00:10 (03-31 16:10 UTC: April), due 2020: overdue
  j6 -  open       created 03-15, due 2100
  j7 t2 walk-in    created 02-27, arrived 02-28, done 04-01 00:10 (April), mark 2
Branch B: b1 created 03-05, done 03-06, mark 1, callback not satisfied 03-08; b2 open, overdue.
Inspections (checklist of 20 points) signed off in March: A 19/20 (03-05) and 18/20 (03-20), B 18/20 (03-10);
each failed check opened a corrective action: A's first is done, A's second open and due 03-27.
Parts used from vans: j1 2 × P1 (10.00) and 4 × P2 (2.50) by t1, j3 1 × P1 by t2; t1 handed back 2 × P1.
P1's minimum is 5 and A's warehouse is empty. One required article, acknowledged by t1 of the four of A.
Front desk, complaints (received; first promise; first answer):
  c1 A repair_quality 03-02 09:00; 03-03 09:00; 03-02 15:00: on time
  c2 A repair_quality 03-10 10:00; 03-11 10:00; 03-11 12:00: late
  c3 A attitude       03-20 09:00; 03-21 09:00; never: late
  c4 A delay          03-31 23:30 (15:30 UTC: still March); 04-01 17:00; 04-01 10:00: on time
  c5 A delay          04-01 00:10 (April); 04-01 17:00; never: late
  c6 B attitude       03-05 10:00, handed on to A; 03-06 10:00; 03-05 12:00: on time, A's and B's
  c7 B charges        03-08 10:00; 03-09 10:00; 03-08 11:00: on time, B's only
  c8 A other          02-20 10:00; 02-21 10:00; 02-20 11:00: on time (February)
Appointments (time, service, status): A 03-03 10:00 repair arrived, 03-04 10:00 repair no-show, 03-12 10:00
maintenance arrived, 03-20 10:00 safety check cancelled, 03-31 23:30 repair no-show (March), 04-01 00:10
repair booked (April); B 03-05 10:00 repair no-show.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from intranet.access.roles import Role
from intranet.extensions import db
from intranet.frontdesk.models import Appointment, AppointmentSlot, Complaint
from intranet.inspections.filling import AnswerInput
from intranet.inspections.models import CorrectiveAction, Inspection
from intranet.jobs.models import Callback, Job, JobEvent, VisitReport
from intranet.kb import reading as kb
from intranet.parts import ledger
from intranet.parts.models import OldPartReturn, StockMove

BEIJING = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """'2026-03-31 23:30' Beijing time, as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING).astimezone(UTC)


@dataclass
class World:
    a: object
    b: object
    manager: object
    manager_b: object
    admin: object
    t1: object
    t2: object
    jobs: dict
    p1: object
    p2: object


def build(make_branch, make_user, make_site, make_template, make_inspection, make_part, make_store, make_article):
    a, b = make_branch(code="A", name="甲站"), make_branch(code="B", name="乙站")
    manager = make_user(Role.MANAGER, login="m.a", branch=a)
    manager_b = make_user(Role.MANAGER, login="m.b", branch=b)
    admin = make_user(Role.ADMIN, login="root")
    t1 = make_user(Role.TECHNICIAN, login="t1", name="技师一", branch=a)
    t2 = make_user(Role.TECHNICIAN, login="t2", name="技师二", branch=a)
    tb = make_user(Role.TECHNICIAN, login="tb", branch=b)
    site_a, site_b = make_site(customer=None), make_site(customer=None)
    site_a.customer.branch_id, site_b.customer.branch_id = a.id, b.id
    jobs = {}

    def job(name, site, technician, created, status, due="2100-01-01 00:00", **values):
        jobs[name] = Job(
            branch_id=site.customer.branch_id,
            customer_id=site.customer_id,
            site_id=site.id,
            source=values.pop("source", "walk_in"),
            priority="normal",
            fault_description=name,
            status=status,
            due_at=at(due),
            assigned_to_id=technician.id if technician else None,
            created_by_id=manager.id,
            created_at=at(created),
            **values,
        )
        db.session.add(jobs[name])
        db.session.flush()
        db.session.add(JobEvent(job_id=jobs[name].id, actor_id=manager.id, kind="created"))
        return jobs[name]

    def done(name, site, technician, created, arrived, finished, mark, **values):
        visit = job(name, site, technician, created, values.pop("status", "done"), **values)
        visit.started_at, visit.done_at = at(arrived), at(finished)
        db.session.add(
            VisitReport(
                job_id=visit.id,
                client_id=str(uuid.uuid4()),
                technician_id=technician.id,
                arrived_at=at(arrived),
                left_at=at(finished),
                fault_found="x",
                action_taken="y",
                result="fixed",
                satisfaction=mark,
            )
        )
        return visit

    def callback(name, when, outcome):
        db.session.add(
            Callback(
                job_id=jobs[name].id,
                branch_id=jobs[name].branch_id,
                caller_id=manager.id,
                at=at(when),
                outcome=outcome,
            )
        )

    done("j1", site_a, t1, "2026-03-02 09:00", "2026-03-02 11:00", "2026-03-02 12:00", 5, status="closed")
    done("j2", site_a, t1, "2026-03-10 08:00", "2026-03-10 12:00", "2026-03-10 13:00", 3, status="closed")
    jobs["j2"].needs_manager_attention = True
    done("j3", site_a, t2, "2026-03-20 10:00", "2026-03-20 16:00", "2026-03-31 23:30", 4)
    done(
        "j4", site_a, t1, "2026-03-10 13:00", "2026-03-11 09:00", "2026-03-11 10:00", 4,
        source="follow_up", follow_up_of_id=jobs["j2"].id,
    )  # fmt: skip
    job("j5", site_a, t2, "2026-04-01 00:10", "assigned", due="2020-01-01 00:00")
    job("j6", site_a, None, "2026-03-15 10:00", "open")
    done("j7", site_a, t2, "2026-02-27 10:00", "2026-02-28 10:00", "2026-04-01 00:10", 2)
    done("b1", site_b, tb, "2026-03-05 10:00", "2026-03-05 12:00", "2026-03-06 10:00", 1, status="closed")
    job("b2", site_b, tb, "2026-01-10 10:00", "assigned", due="2020-01-01 00:00")
    callback("j1", "2026-03-05 10:00", "satisfied")
    callback("j2", "2026-03-12 10:00", "not_satisfied")
    callback("j3", "2026-04-02 10:00", "unreachable")
    callback("b1", "2026-03-08 10:00", "not_satisfied")
    db.session.commit()

    # Inspections: 20 points; 未使用文明用语 deducts 0.5 a time, 操作差错 2.
    template = make_template(family="CU")

    def inspected(inspector, assigner, counts, submitted, action_due, action_done=False):
        answers = {"提示客户当面点验": AnswerInput(result="pass")}
        answers |= {text: AnswerInput(count=str(n)) for text, n in counts.items()}
        inspection = make_inspection(template=template, inspector=inspector, assigned_by=assigner, answers=answers)
        inspection.status, inspection.submitted_at, inspection.signed_at = "signed_off", at(submitted), at(submitted)
        for action in db.session.query(CorrectiveAction).filter_by(inspection_id=inspection.id):
            action.created_at, action.due_on = at(submitted), datetime.fromisoformat(action_due).date()
            if action_done:
                action.status, action.done_at, action.done_note = "done", at(submitted) + timedelta(days=1), "好了"
        db.session.commit()
        return inspection

    inspected(t1, manager, {"未使用文明用语": 2}, "2026-03-05 10:00", "2026-03-12", action_done=True)
    inspected(t2, manager, {"操作差错": 1}, "2026-03-20 10:00", "2026-03-27")
    inspected(tb, manager_b, {"未使用文明用语": 4}, "2026-03-10 10:00", "2026-03-17")

    # Parts
    keeper = make_user(Role.STOREKEEPER, login="keeper.a", branch=a)
    p1 = make_part(code="P1", name="点火针", price=Decimal("10.00"), min_stock=Decimal(5))
    p2 = make_part(code="P2", name="密封圈", price=Decimal("2.50"), min_stock=Decimal(0))
    make_store(kind="warehouse", branch_id=a.id, name="甲站仓库")
    van1, van2 = make_store(kind="van", technician=t1), make_store(kind="van", technician=t2)
    for van, part, quantity in ((van1, p1, 2), (van1, p2, 4), (van2, p1, 1)):
        ledger.post_move(keeper, "adjustment", part, quantity, to_store=van)
    used = [
        (t1, van1, p1, 2, "j1", "2026-03-02 12:00"),
        (t1, van1, p2, 4, "j1", "2026-03-10 13:00"),
        (t2, van2, p1, 1, "j3", "2026-03-31 23:30"),
    ]
    for technician, van, part, quantity, name, when in used:
        move = ledger.post_move(technician, "issue", part, quantity, from_store=van, job_id=jobs[name].id)
        move.at = at(when)
    db.session.add(
        OldPartReturn(
            part_id=p1.id, technician_id=t1.id, received_by_id=keeper.id, branch_id=a.id,
            quantity=Decimal(2), condition="faulty", at=at("2026-03-03 09:00"),
        )
    )  # fmt: skip
    db.session.commit()

    # Manual: one required article for everyone; of A's four active people, t1 acknowledged it.
    article = make_article(title="回访制度", required=True)
    kb.acknowledge(t1, article)
    db.session.commit()
    _front_desk(a, b, site_a, site_b, {a.id: manager, b.id: manager_b})
    assert db.session.query(StockMove).count() == 6 and db.session.query(Inspection).count() == 3
    return World(a, b, manager, manager_b, admin, t1, t2, jobs, p1, p2)


def _front_desk(a, b, site_a, site_b, desk: dict) -> None:
    """The branches' managers are at the desk (another person of A would change A's reading figure)."""
    site_of = {a.id: site_a, b.id: site_b}

    def complaint(branch, category, received, due, answered=None, handled_at=None):
        db.session.add(
            Complaint(
                branch_id=branch.id, customer_id=site_of[branch.id].customer_id, channel="hotline", category=category,
                severity="minor", description="看板用", status="answered" if answered else "open",
                owner_id=desk[branch.id].id,
                handler_id=desk[handled_at.id].id if handled_at else None,
                handler_branch_id=handled_at.id if handled_at else None,
                received_at=at(received), answer_due_at=at(due), warn_at=at(due), first_due_at=at(due),
                answered_at=at(answered) if answered else None, first_answered_at=at(answered) if answered else None,
            )
        )  # fmt: skip

    complaint(a, "repair_quality", "2026-03-02 09:00", "2026-03-03 09:00", "2026-03-02 15:00")
    complaint(a, "repair_quality", "2026-03-10 10:00", "2026-03-11 10:00", "2026-03-11 12:00")
    complaint(a, "attitude", "2026-03-20 09:00", "2026-03-21 09:00")
    complaint(a, "delay", "2026-03-31 23:30", "2026-04-01 17:00", "2026-04-01 10:00")
    complaint(a, "delay", "2026-04-01 00:10", "2026-04-01 17:00")
    complaint(b, "attitude", "2026-03-05 10:00", "2026-03-06 10:00", "2026-03-05 12:00", handled_at=a)
    complaint(b, "charges", "2026-03-08 10:00", "2026-03-09 10:00", "2026-03-08 11:00")
    complaint(a, "other", "2026-02-20 10:00", "2026-02-21 10:00", "2026-02-20 11:00")

    def appointment(branch, when, service, status):
        starts_at = at(when)
        ends_at = starts_at + timedelta(hours=1)
        slot = AppointmentSlot(branch_id=branch.id, starts_at=starts_at, ends_at=ends_at, capacity=1)
        db.session.add(slot)
        db.session.flush()
        site = site_of[branch.id]
        db.session.add(
            Appointment(
                branch_id=branch.id, slot_id=slot.id, starts_at=at(when), customer_id=site.customer_id, site_id=site.id,
                service_type=service, status=status, booked_by_id=desk[branch.id].id,
                booked_at=at(when) - timedelta(days=3),
            )
        )  # fmt: skip

    appointment(a, "2026-03-03 10:00", "repair", "arrived")
    appointment(a, "2026-03-04 10:00", "repair", "no_show")
    appointment(a, "2026-03-12 10:00", "maintenance", "arrived")
    appointment(a, "2026-03-20 10:00", "safety_check", "cancelled")
    appointment(a, "2026-03-31 23:30", "repair", "no_show")
    appointment(a, "2026-04-01 00:10", "repair", "booked")
    appointment(b, "2026-03-05 10:00", "repair", "no_show")
    db.session.commit()
