"""Part requests: asked for by a technician (offline too), approved in full or in part or rejected by a
manager, issued by a storekeeper from the branch warehouse to the van; and the parts a visit report
uses, which leave the van when the report is filed (a reaction to VisitReportFiled)."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.db_types import MAX_ID, utcnow
from intranet.errors import Conflict, Invalid, NotAllowed
from intranet.extensions import db
from intranet.jobs.events import VisitReportFiled
from intranet.jobs.models import Job
from intranet.parts import ledger
from intranet.parts.events import PartRequestApproved, PartRequestIssued, PartRequestSubmitted
from intranet.parts.filters import RequestFilters
from intranet.parts.models import (
    MoveKind,
    PartRequest,
    PartRequestLine,
    RequestStatus,
)
from intranet.parts.service import make_van, part_code_to_part, van_of, warehouse_of

MAX_LINES = 30


@dataclass
class RequestLineData:
    code: str
    quantity: Decimal


@dataclass
class RequestData:
    client_id: str
    job_id: int | None = None
    note: str = ""
    lines: list[RequestLineData] = field(default_factory=list)
    draft: bool = False  # kept by the requester until sent for approval


def create_request(actor, data: RequestData) -> PartRequest:
    """A request for parts, sent for approval (or kept as the requester's draft)."""
    ensure(actor, "parts.request")
    if actor.branch_id is None:
        raise Invalid(_("Only staff of a branch can request parts."))
    if not data.lines:
        raise Invalid(_("Ask for at least one part."))
    if len(data.lines) > MAX_LINES:
        raise Invalid(_("At most %(n)d part lines.", n=MAX_LINES))
    job = None
    if data.job_id is not None:
        job = db.session.get(Job, data.job_id) if 0 < data.job_id <= MAX_ID else None
        if job is None or not scoping.allows(actor, job):
            raise Invalid(_("Choose one of your jobs."))
    request = PartRequest(
        client_id=data.client_id,
        branch_id=actor.branch_id,
        requested_by_id=actor.id,
        job_id=job.id if job else None,
        status=RequestStatus.DRAFT if data.draft else RequestStatus.SUBMITTED,
        note=data.note.strip(),
    )
    seen = set()
    for line in data.lines:
        part = part_code_to_part(line.code)
        if part.id in seen:
            raise Invalid(_("%(code)s is asked for twice: put it on one line.", code=part.code))
        seen.add(part.id)
        request.lines.append(PartRequestLine(part_id=part.id, quantity=ledger.check_quantity(part, line.quantity)))
    db.session.add(request)
    db.session.flush()
    if not data.draft:
        events.publish(PartRequestSubmitted(actor, request))
    return request


def submit_request(actor, request: PartRequest) -> PartRequest:
    """A draft goes to the managers; only its author sends it."""
    ensure(actor, "parts.request")
    if request.requested_by_id != actor.id:
        raise NotAllowed(_("Only the person who wrote a draft can send it."))
    if request.status != RequestStatus.DRAFT:
        raise Conflict(_("This request was already sent."))
    request.status = RequestStatus.SUBMITTED
    db.session.flush()
    events.publish(PartRequestSubmitted(actor, request))
    return request


def get_request(actor, request_id: int, permission: str = "parts.requests") -> PartRequest:
    options = (selectinload(PartRequest.lines).joinedload(PartRequestLine.part), joinedload(PartRequest.requested_by))
    return scoping.get(actor, PartRequest, request_id, permission, options=options)


def list_requests(actor, filters: RequestFilters):
    ensure(actor, "parts.requests")
    statement = (
        select(PartRequest).where(scoping.visible(actor, PartRequest)).options(joinedload(PartRequest.requested_by))
    )
    if filters.status:
        statement = statement.where(PartRequest.status == filters.status)
    if filters.branch_id:
        statement = statement.where(PartRequest.branch_id == filters.branch_id)
    return statement.order_by(PartRequest.id.desc())


def _decide(actor, request: PartRequest) -> None:
    ensure(actor, "parts.approve", request)
    if request.requested_by_id == actor.id:
        raise NotAllowed(_("You cannot approve or reject your own request: another manager must decide."))
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict(_("This request was already decided: it is %(status)s.", status=request.status_enum.label))


def approve_request(actor, request: PartRequest, approved: dict[int, Decimal] | None = None) -> PartRequest:
    """Approve all (approved None) or per line; fewer than asked on any line makes it partly approved."""
    _decide(actor, request)
    approved = approved or {}
    unknown = set(approved) - {line.id for line in request.lines}
    if unknown:
        raise Invalid(_("These lines are not part of the request."))
    partly = False
    for line in request.lines:
        quantity = approved.get(line.id, line.quantity)
        if quantity != 0:
            quantity = ledger.check_quantity(line.part, quantity)
        if quantity > line.quantity:
            raise Invalid(_("You cannot approve more %(code)s than was asked for.", code=line.part.code))
        line.approved_quantity = quantity
        partly = partly or quantity < line.quantity
    if all(line.approved_quantity == 0 for line in request.lines):
        raise Invalid(_("Nothing is approved: reject the request instead, with a reason."))
    request.status = RequestStatus.PARTLY_APPROVED if partly else RequestStatus.APPROVED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()
    events.publish(PartRequestApproved(actor, request))
    return request


def reject_request(actor, request: PartRequest, reason: str) -> PartRequest:
    _decide(actor, request)
    if not reason.strip():
        raise Invalid(_("Say why the request is rejected."))
    request.status = RequestStatus.REJECTED
    request.rejection_reason = reason.strip()
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()
    return request


def issue_request(actor, request: PartRequest) -> PartRequest:
    """The storekeeper hands the approved parts over: branch warehouse -> the requester's van, all or nothing."""
    ensure(actor, "parts.issue", request)
    if request.status not in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED):
        raise Conflict(_("Only an approved request can be issued: it is %(status)s.", status=request.status_enum.label))
    warehouse = warehouse_of(request.branch_id)
    if warehouse is None:
        raise Invalid(_("The branch has no warehouse to issue from."))
    requester = request.requested_by
    van = van_of(requester) or (make_van(requester) if requester.role == Role.TECHNICIAN else None)
    if van is None:
        raise Invalid(_("%(name)s has no van to issue the parts to.", name=requester.name))
    for line in request.lines:
        if line.approved_quantity:
            ledger.post_move(
                actor,
                MoveKind.ISSUE,
                line.part,
                line.approved_quantity,
                from_store=warehouse,
                to_store=van,
                request_id=request.id,
                job_id=request.job_id,
            )
    request.status = RequestStatus.ISSUED
    request.issued_by_id = actor.id
    request.issued_at = utcnow()
    db.session.flush()
    events.publish(PartRequestIssued(actor, request))
    return request


# Parts used on a job: they leave the technician's van when the visit report is filed


@events.subscribe(VisitReportFiled)
def take_parts_from_van(event: VisitReportFiled) -> None:
    """Each report line becomes a catalogue part out of the van; an unknown code or a short van refuses
    the report (the error undoes the whole filing). Parts requested for the job and issued are closed."""
    lines = event.report.parts
    if not lines:
        return
    van = van_of(event.actor)
    if van is None:
        raise Invalid(_("You have no van stock to take parts from; ask the storekeeper."))
    job = event.job
    for line in lines:
        part = part_code_to_part(line.part_code)
        ledger.check_quantity(part, line.quantity)
        line.part_id, line.part_code = part.id, part.code
        line.description = line.description or part.name
        ledger.post_move(
            event.actor, MoveKind.ISSUE, part, line.quantity, from_store=van, job_id=job.id, note=job.reference
        )
    for request in db.session.scalars(
        select(PartRequest).where(PartRequest.job_id == job.id, PartRequest.status == RequestStatus.ISSUED)
    ):
        request.status = RequestStatus.CLOSED
