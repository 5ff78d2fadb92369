"""Part requests: asked for by a technician (offline too), approved in full or in part or rejected by a
manager, issued by a storekeeper from the branch warehouse to the van; and the parts a visit report
uses, which leave the van."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from intranet.auth.permissions import ensure, object_rule
from intranet.auth.roles import Role
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotAllowed, NotFound
from intranet.extensions import db
from intranet.parts import ledger
from intranet.parts.models import (
    MoveKind,
    Part,
    PartRequest,
    PartRequestLine,
    RequestStatus,
)
from intranet.parts.service import make_van, part_code_to_part, same_branch, van_of, warehouse_of

MAX_LINES = 30


@object_rule("parts.requests")
def _may_see_request(actor, request: PartRequest) -> bool:
    if actor.role == Role.TECHNICIAN:
        return request.requested_by_id == actor.id
    return same_branch(actor, request)


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


def _existing_request(client_id: str) -> PartRequest | None:
    return db.session.scalar(select(PartRequest).where(PartRequest.client_id == client_id))


def create_request(actor, data: RequestData) -> tuple[PartRequest, bool]:
    """A submitted request for parts; the same client_id again returns the first one."""
    ensure(actor, "parts.request")
    existing = _existing_request(data.client_id)
    if existing is not None:
        if existing.requested_by_id != actor.id:
            raise Conflict(_("This submission's id is already used by another request."))
        return existing, False
    if actor.branch_id is None:
        raise Invalid(_("Only staff of a branch can request parts."))
    if not data.lines:
        raise Invalid(_("Ask for at least one part."))
    if len(data.lines) > MAX_LINES:
        raise Invalid(_("At most %(n)d part lines.", n=MAX_LINES))
    job = None
    if data.job_id is not None:
        from intranet.jobs.models import Job

        job = db.session.get(Job, data.job_id)
        if job is None or (actor.role == Role.TECHNICIAN and job.assigned_to_id != actor.id):
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
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError:
        existing = _existing_request(data.client_id)
        if existing is None:
            raise
        return existing, False
    return request, True


def submit_request(actor, request: PartRequest) -> PartRequest:
    """A draft goes to the managers; only its author sends it."""
    ensure(actor, "parts.request")
    if request.requested_by_id != actor.id:
        raise NotAllowed(_("Only the person who wrote a draft can send it."))
    if request.status != RequestStatus.DRAFT:
        raise Conflict(_("This request was already sent."))
    request.status = RequestStatus.SUBMITTED
    db.session.flush()
    return request


def get_request(actor, request_id: int, permission: str = "parts.requests") -> PartRequest:
    request = db.session.scalar(
        select(PartRequest)
        .where(PartRequest.id == request_id)
        .options(selectinload(PartRequest.lines).joinedload(PartRequestLine.part), joinedload(PartRequest.requested_by))
    )
    if request is None:
        raise NotFound(_("No such part request."))
    ensure(actor, permission, request)
    return request


def list_requests(actor, status: str | None = None):
    ensure(actor, "parts.requests")
    statement = select(PartRequest).options(joinedload(PartRequest.requested_by))
    if actor.role == Role.TECHNICIAN:
        statement = statement.where(PartRequest.requested_by_id == actor.id)
    elif actor.role != Role.ADMIN:
        statement = statement.where(PartRequest.branch_id == actor.branch_id)
    if status:
        statement = statement.where(PartRequest.status == status)
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
    return request


# Parts used on a job (called by the visit report)


def check_report_lines(lines: list[tuple[str, Decimal]]) -> dict[str, Part]:
    """Each report line's catalogue part, by the code as typed; unknown codes and bad quantities refused."""
    catalogue = {}
    for code, quantity in lines:
        part = part_code_to_part(code)
        ledger.check_quantity(part, quantity)
        catalogue[code] = part
    return catalogue


def use_parts_on_job(actor, job, lines: list[tuple[str, Decimal]]) -> list[Part]:
    """Take the report's parts out of the technician's van; unknown codes or a short van refuse the report."""
    if not lines:
        return []
    parts = [part_code_to_part(code) for code, _quantity in lines]
    van = van_of(actor)
    if van is None:
        raise Invalid(_("You have no van stock to take parts from; ask the storekeeper."))
    for part, (_code, quantity) in zip(parts, lines, strict=True):
        ledger.post_move(actor, MoveKind.ISSUE, part, quantity, from_store=van, job_id=job.id, note=job.reference)
    for request in db.session.scalars(
        select(PartRequest).where(PartRequest.job_id == job.id, PartRequest.status == RequestStatus.ISSUED)
    ):
        request.status = RequestStatus.CLOSED
    return parts
