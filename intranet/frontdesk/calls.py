"""The desk's call log (用户电话登记表): each call answered on the spot, or handed on; the daily call report.

A call handed on opens the job, complaint or appointment form filled in from the call; saving that
form links it back to the call (link_call), so the report can say what every call became.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.auth.models import User
from intranet.customers import service as customers
from intranet.customers.models import Customer
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import day_bounds
from intranet.frontdesk.events import CallAnswered, CallHandedOn
from intranet.frontdesk.models import Appointment, CallOutcome, CallTopic, Complaint, HandOn, PhoneCall
from intranet.jobs.models import Job
from intranet.kb import service as kb
from intranet.listing import prepared

_NOT_DIGITS = ("", " ", "-", "(", ")", "+")


@dataclass
class CallData:
    caller_name: str
    number: str
    topic: str
    summary: str
    outcome: str
    hand_on_to: str | None = None
    article_id: int | None = None
    customer_id: int | None = None


def digits(number: str) -> str:
    return "".join(ch for ch in number or "" if ch.isdigit())


def _phone_digits(column):
    for ch in _NOT_DIGITS[1:]:
        column = func.replace(column, ch, "")
    return column


def customers_by_phone(actor, number: str, limit: int = 10) -> list[Customer]:
    """Customers whose phone number has these digits (spaces, dashes and brackets aside), exact ones first."""
    wanted = digits(number)
    if len(wanted) < 3:
        return []
    stored = _phone_digits(Customer.phone)
    return list(
        db.session.scalars(
            customers.search_customers(actor)
            .where(stored.like(f"%{wanted}%"))
            .order_by(None)
            .order_by(stored != wanted, Customer.name, Customer.id)
            .limit(limit)
        )
    )


def log_call(actor, data: CallData, now: datetime) -> PhoneCall:
    ensure(actor, "desk.work")
    if actor.branch_id is None:
        raise Invalid(_("Calls are logged at a branch: sign in with an account of the branch."))
    if data.topic not in set(CallTopic) or data.outcome not in set(CallOutcome):
        raise Invalid(_("Choose the call's topic and how it ended."))
    if data.outcome == CallOutcome.HANDED_ON and data.hand_on_to not in set(HandOn):
        raise Invalid(_("Say what the call is handed on to: a job, a complaint or an appointment."))
    if data.outcome == CallOutcome.ANSWERED and not (data.summary.strip() or data.article_id):
        raise Invalid(_("Note what the caller was told, or the manual's article you answered from."))
    if not (data.caller_name.strip() or data.number.strip()):
        raise Invalid(_("Note who called: a name or a number."))
    customer = customers.get_customer(actor, data.customer_id) if data.customer_id else None
    if customer is None and data.number.strip():
        matches = customers_by_phone(actor, data.number)
        exact = [c for c in matches if digits(c.phone) == digits(data.number)]
        customer = exact[0] if len(exact) == 1 else None
    article = kb.get_article(actor, data.article_id) if data.article_id else None
    call = PhoneCall(
        branch_id=actor.branch_id,
        taken_by_id=actor.id,
        at=now,
        caller_name=data.caller_name.strip() or (customer.name if customer else ""),
        number=data.number.strip(),
        customer_id=customer.id if customer else None,
        topic=data.topic,
        summary=data.summary.strip(),
        outcome=data.outcome,
        handed_to=data.hand_on_to if data.outcome == CallOutcome.HANDED_ON else None,
        article_id=article.id if article else None,
    )
    db.session.add(call)
    db.session.flush()
    if call.outcome == CallOutcome.ANSWERED:
        events.publish(CallAnswered(actor, call, call.branch))
    else:
        events.publish(CallHandedOn(actor, call, call.branch, call.handed_to))
    return call


def call_to_hand_on(actor, call_id: int, kind: str) -> PhoneCall:
    """The call a form is filled from: handed on to `kind` and not yet linked to what it became."""
    call = scoping.get(actor, PhoneCall, call_id, "desk.work", options=(joinedload(PhoneCall.customer),))
    if call.handed_to != kind:
        raise Conflict(_("This call was not handed on to that."))
    if not call.waiting_for_hand_on:
        raise Conflict(_("This call was already handed on."))
    return call


def link_call(
    call: PhoneCall,
    *,
    job: Job | None = None,
    complaint: Complaint | None = None,
    appointment: Appointment | None = None,
) -> None:
    if not call.waiting_for_hand_on:
        raise Conflict(_("This call was already handed on."))
    call.job_id = job.id if job else None
    call.complaint_id = complaint.id if complaint else None
    call.appointment_id = appointment.id if appointment else None
    db.session.flush()


def call_register(actor, branch_id: int | None, day: date, with_details: bool = True):
    """The day's calls in the actor's reach (at one branch, or every one), newest first; with_details
    also loads who took each and the article used."""
    ensure(actor, "desk.work")
    start, end = day_bounds(day)
    details = (joinedload(PhoneCall.taken_by).lazyload(User.branch), joinedload(PhoneCall.article))
    statement = (
        select(PhoneCall)
        .where(scoping.visible(actor, PhoneCall), PhoneCall.at >= start, PhoneCall.at < end)
        .options(*(details if with_details else ()))
        .order_by(PhoneCall.at.desc(), PhoneCall.id.desc())
    )
    return statement.where(PhoneCall.branch_id == branch_id) if branch_id is not None else statement


def calls_of_day(actor, branch_id: int, day: date, limit: int = 200, with_details: bool = True) -> list[PhoneCall]:
    key = ("calls_of_day", actor.id, actor.role, actor.branch_id, branch_id, day_bounds(day), limit, with_details)
    statement = prepared(key, lambda: call_register(actor, branch_id, day, with_details).limit(limit))
    return list(db.session.scalars(statement))


class CallLine(NamedTuple):
    """A line of the desk's list of the day's calls: the columns it shows."""

    at: datetime
    caller_name: str
    number: str
    topic: str
    outcome: str
    handed_to: str | None


def desk_calls_statement(actor, branch_id: int, limit: int):
    """The day's last calls at the branch as the desk lists them: CallLine's columns, then the call's id;
    the day's bounds are bound as `start` and `end` (the desk reads it with its other lists)."""
    ensure(actor, "desk.work")
    return prepared(
        ("desk_calls", actor.id, actor.role, actor.branch_id, branch_id, limit),
        lambda: (
            select(*(getattr(PhoneCall, name) for name in CallLine._fields), PhoneCall.id)
            .where(
                scoping.visible(actor, PhoneCall),
                PhoneCall.branch_id == branch_id,
                PhoneCall.at >= bindparam("start"),
                PhoneCall.at < bindparam("end"),
            )
            .order_by(PhoneCall.at.desc(), PhoneCall.id.desc())
            .limit(limit)
        ),
    )


@dataclass
class CallTally:
    taker: User | None  # None: the whole branch
    total: int = 0
    answered: int = 0
    handed_on: Counter = field(default_factory=Counter)  # HandOn value -> calls
    topics: Counter = field(default_factory=Counter)  # CallTopic value -> calls
    with_article: int = 0

    def add(self, call: PhoneCall) -> None:
        self.total += 1
        self.topics[call.topic] += 1
        if call.outcome == CallOutcome.ANSWERED:
            self.answered += 1
        else:
            self.handed_on[call.handed_to] += 1
        if call.article_id:
            self.with_article += 1


def daily_report(actor, branch_id: int, day: date) -> tuple[list[CallTally], CallTally]:
    """The day's calls per receptionist who took them, and the branch's total."""
    ensure(actor, "desk.work")
    start, end = day_bounds(day)
    calls = db.session.scalars(
        select(PhoneCall)
        .where(
            scoping.visible(actor, PhoneCall),
            PhoneCall.branch_id == branch_id,
            PhoneCall.at >= start,
            PhoneCall.at < end,
        )
        .options(joinedload(PhoneCall.taken_by))
    )
    per_taker: dict[int, CallTally] = {}
    branch = CallTally(taker=None)
    for call in calls:
        per_taker.setdefault(call.taken_by_id, CallTally(taker=call.taken_by)).add(call)
        branch.add(call)
    return sorted(per_taker.values(), key=lambda tally: tally.taker.name), branch
