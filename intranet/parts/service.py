"""Parts work: catalogue, stores, requests (approve, reject, issue), parts used on a job, returns, loans, stock-takes.

Services take the actor and plain values, check permissions themselves, flush, and leave the commit
to the request.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from intranet.auth.models import User
from intranet.auth.permissions import ensure, object_rule
from intranet.auth.roles import Role
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotAllowed, NotFound
from intranet.extensions import db
from intranet.listing import escape_like
from intranet.parts import ledger
from intranet.parts.models import (
    Loan,
    LowStock,
    MoveKind,
    OldPartReturn,
    Part,
    PartCondition,
    PartRequest,
    PartRequestLine,
    RequestStatus,
    StockBalance,
    StockMove,
    StockTake,
    StockTakeLine,
    StockTakeStatus,
    Store,
    StoreKind,
)

MAX_LINES = 30


def _branch_of(obj) -> int | None:
    return obj.branch_id


def _same_branch(actor, obj) -> bool:
    return actor.role == Role.ADMIN or _branch_of(obj) == actor.branch_id


for _permission in ("parts.stock", "parts.keep", "parts.approve", "parts.issue"):
    object_rule(_permission)(_same_branch)


@object_rule("parts.requests")
def _may_see_request(actor, request: PartRequest) -> bool:
    if actor.role == Role.TECHNICIAN:
        return request.requested_by_id == actor.id
    return _same_branch(actor, request)


# Catalogue


def search_parts(text: str = ""):
    statement = select(Part).where(Part.active.is_(True))
    if text:
        pattern = f"%{escape_like(text)}%"
        statement = statement.where(or_(Part.code.ilike(pattern, escape="\\"), Part.name.ilike(pattern, escape="\\")))
    return statement.order_by(Part.code)


def get_part(part_id: int) -> Part:
    part = db.session.get(Part, part_id)
    if part is None:
        raise NotFound(_("No such part."))
    return part


def part_by_code(code: str) -> Part | None:
    return db.session.scalar(select(Part).where(Part.code == code.strip().upper()))


@dataclass
class PartData:
    code: str
    name: str
    unit: str = ""
    specification: str = ""
    whole_units: bool = True
    price: Decimal = Decimal(0)
    min_stock: Decimal = Decimal(0)
    compatible_models: str = ""


def save_part(actor, data: PartData, part: Part | None = None) -> Part:
    ensure(actor, "parts.manage")
    code = data.code.strip().upper()
    if not code or not data.name.strip():
        raise Invalid(_("A part needs a code and a name."))
    if data.price < 0 or data.min_stock < 0:
        raise Invalid(_("Price and minimum stock cannot be negative."))
    if data.whole_units and data.min_stock != data.min_stock.to_integral_value():
        raise Invalid(_("The minimum of a part counted in whole units is a whole number."))
    clash = part_by_code(code)
    if clash is not None and clash is not part:
        raise Conflict(_("Another part already has the code %(code)s.", code=code))
    part = part or Part()
    part.code = code
    part.name = data.name.strip()
    part.unit = data.unit.strip()
    part.specification = data.specification.strip()
    part.whole_units = data.whole_units
    part.price = data.price
    part.min_stock = data.min_stock
    part.compatible_models = data.compatible_models.strip()
    db.session.add(part)
    db.session.flush()
    return part


# Stores


def get_store(actor, store_id: int, permission: str = "parts.stock") -> Store:
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFound(_("No such store."))
    ensure(actor, permission, store)
    return store


def stores_for(actor) -> list[Store]:
    ensure(actor, "parts.stock")
    statement = select(Store).where(Store.active.is_(True)).options(joinedload(Store.branch))
    if actor.role != Role.ADMIN:
        statement = statement.where(Store.branch_id == actor.branch_id)
    return list(db.session.scalars(statement.order_by(Store.branch_id, Store.kind.desc(), Store.name)))


def warehouse_of(branch_id: int) -> Store | None:
    return db.session.scalar(
        select(Store)
        .where(Store.branch_id == branch_id, Store.kind == StoreKind.WAREHOUSE, Store.active.is_(True))
        .order_by(Store.id)
    )


def van_of(user) -> Store | None:
    return db.session.scalar(select(Store).where(Store.technician_id == user.id, Store.kind == StoreKind.VAN))


def make_van(technician: User) -> Store:
    van = van_of(technician)
    if van is None:
        van = Store(
            kind=StoreKind.VAN,
            name=_("%(name)s's van", name=technician.name),
            branch_id=technician.branch_id,
            technician_id=technician.id,
        )
        db.session.add(van)
        db.session.flush()
    return van


def stock_of(store: Store) -> list[StockBalance]:
    return list(
        db.session.scalars(
            select(StockBalance)
            .join(Part)
            .where(StockBalance.store_id == store.id)
            .options(joinedload(StockBalance.part))
            .order_by(Part.code)
        )
    )


def recent_moves(store: Store | None = None, part: Part | None = None, limit: int = 50) -> list[StockMove]:
    statement = select(StockMove).options(
        joinedload(StockMove.part), joinedload(StockMove.from_store), joinedload(StockMove.to_store)
    )
    if store is not None:
        statement = statement.where(or_(StockMove.from_store_id == store.id, StockMove.to_store_id == store.id))
    if part is not None:
        statement = statement.where(StockMove.part_id == part.id)
    return list(db.session.scalars(statement.order_by(StockMove.id.desc()).limit(limit)))


def part_code_to_part(code: str) -> Part:
    part = part_by_code(code)
    if part is None or not part.active:
        raise Invalid(_("Unknown part code %(code)s: use a code from the catalogue.", code=code.strip().upper()))
    return part


def receive(actor, store: Store, code: str, quantity, note: str = "") -> StockMove:
    """Parts arriving from the supplier (到货) into a warehouse."""
    ensure(actor, "parts.keep", store)
    if store.kind != StoreKind.WAREHOUSE:
        raise Invalid(_("Deliveries arrive at a warehouse, not a van."))
    return ledger.post_move(actor, MoveKind.RECEIPT, part_code_to_part(code), quantity, to_store=store, note=note)


def move_stock(actor, store: Store, kind: str, code: str, quantity, to_store_id: int | None = None, note=""):
    """A storekeeper's move out of `store`: to another store of the branch, back from a van, or scrapped."""
    ensure(actor, "parts.keep", store)
    part = part_code_to_part(code)
    if kind == MoveKind.SCRAP:
        return ledger.post_move(actor, MoveKind.SCRAP, part, quantity, from_store=store, note=note)
    if kind not in (MoveKind.TRANSFER, MoveKind.RETURN):
        raise Invalid(_("Choose transfer, return or scrap."))
    target = db.session.get(Store, to_store_id) if to_store_id else None
    if target is None or not target.active or (actor.role != Role.ADMIN and target.branch_id != actor.branch_id):
        raise Invalid(_("Choose a store of your branch to move the parts to."))
    if kind == MoveKind.RETURN and (store.kind != StoreKind.VAN or target.kind != StoreKind.WAREHOUSE):
        raise Invalid(_("A return goes from a van back to a warehouse."))
    return ledger.post_move(actor, kind, part, quantity, from_store=store, to_store=target, note=note or "")


# Requests


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


# Old parts handed back (旧件交接) and warranty claims (配件索赔)


@dataclass
class ReturnData:
    code: str
    quantity: Decimal
    technician_id: int
    condition: str
    job_id: int | None = None
    serial: str = ""
    warranty_claim: bool = False
    claim_reference: str = ""
    note: str = ""


def record_return(actor, data: ReturnData) -> OldPartReturn:
    ensure(actor, "parts.keep")
    part = part_code_to_part(data.code)
    quantity = ledger.check_quantity(part, data.quantity)
    if data.condition not in set(PartCondition):
        raise Invalid(_("Choose the old part's condition."))
    technician = db.session.get(User, data.technician_id)
    if technician is None or technician.role != Role.TECHNICIAN:
        raise Invalid(_("Choose the technician who hands the part back."))
    if actor.role != Role.ADMIN and technician.branch_id != actor.branch_id:
        raise Invalid(_("Choose the technician who hands the part back."))
    returned = OldPartReturn(
        part_id=part.id,
        job_id=data.job_id,
        technician_id=technician.id,
        received_by_id=actor.id,
        branch_id=technician.branch_id,
        quantity=quantity,
        condition=data.condition,
        serial=data.serial.strip(),
        warranty_claim=data.warranty_claim,
        claim_reference=data.claim_reference.strip(),
        note=data.note.strip(),
    )
    db.session.add(returned)
    db.session.flush()
    return returned


def returns_for(actor) -> list[OldPartReturn]:
    ensure(actor, "parts.stock")
    statement = select(OldPartReturn).options(joinedload(OldPartReturn.part), joinedload(OldPartReturn.technician))
    if actor.role != Role.ADMIN:
        statement = statement.where(OldPartReturn.branch_id == actor.branch_id)
    return list(db.session.scalars(statement.order_by(OldPartReturn.id.desc()).limit(200)))


# Loans (配件借用单)


@dataclass
class LoanData:
    item: str
    quantity: Decimal
    borrower_id: int
    due_on: date
    code: str = ""


def lend(actor, data: LoanData, today: date) -> Loan:
    ensure(actor, "parts.keep")
    part = part_code_to_part(data.code) if data.code.strip() else None
    item = data.item.strip() or (part.name if part else "")
    if not item:
        raise Invalid(_("Say what is lent."))
    quantity = ledger.check_quantity(part, data.quantity) if part else Decimal(data.quantity)
    if quantity <= 0:
        raise Invalid(_("The quantity must be more than zero."))
    if data.due_on < today:
        raise Invalid(_("The due date cannot be in the past."))
    borrower = db.session.get(User, data.borrower_id)
    if borrower is None or (actor.role != Role.ADMIN and borrower.branch_id != actor.branch_id):
        raise Invalid(_("Choose who borrows it."))
    loan = Loan(
        branch_id=borrower.branch_id or actor.branch_id,
        part_id=part.id if part else None,
        item=item,
        quantity=quantity,
        borrower_id=borrower.id,
        lent_by_id=actor.id,
        due_on=data.due_on,
    )
    db.session.add(loan)
    db.session.flush()
    return loan


def loans_for(actor) -> list[Loan]:
    ensure(actor, "parts.stock")
    statement = select(Loan).options(joinedload(Loan.borrower))
    if actor.role != Role.ADMIN:
        statement = statement.where(Loan.branch_id == actor.branch_id)
    return list(db.session.scalars(statement.order_by(Loan.returned_at.is_not(None), Loan.due_on).limit(200)))


def return_loan(actor, loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(_("No such loan."))
    ensure(actor, "parts.keep", loan)
    if loan.returned_at is not None:
        raise Conflict(_("This loan is already returned."))
    loan.returned_at = utcnow()
    db.session.flush()
    return loan


# Stock-takes (盘点)


def start_stock_take(actor, store: Store) -> StockTake:
    ensure(actor, "parts.keep", store)
    open_take = db.session.scalar(
        select(StockTake).where(StockTake.store_id == store.id, StockTake.status != StockTakeStatus.APPROVED)
    )
    if open_take is not None:
        return open_take
    take = StockTake(store_id=store.id, created_by_id=actor.id)
    for row in stock_of(store):
        take.lines.append(StockTakeLine(part_id=row.part_id, expected=row.quantity))
    db.session.add(take)
    db.session.flush()
    return take


def get_stock_take(actor, take_id: int, permission: str = "parts.stock") -> StockTake:
    take = db.session.get(StockTake, take_id)
    if take is None:
        raise NotFound(_("No such stock-take."))
    ensure(actor, permission, take.store)
    return take


def record_counts(actor, take: StockTake, counts: dict[int, Decimal], submit: bool) -> StockTake:
    ensure(actor, "parts.keep", take.store)
    if take.status != StockTakeStatus.COUNTING:
        raise Conflict(_("This count sheet is no longer open for counting."))
    lines = {line.id: line for line in take.lines}
    if set(counts) - set(lines):
        raise Invalid(_("These lines are not part of the count sheet."))
    for line_id, counted in counts.items():
        line = lines[line_id]
        if counted < 0:
            raise Invalid(_("A count cannot be negative (%(code)s).", code=line.part.code))
        if counted != 0:
            ledger.check_quantity(line.part, counted)
        line.counted = counted
    if submit:
        if any(line.counted is None for line in take.lines):
            raise Invalid(_("Count every line before you submit the sheet."))
        # The books as they stand when the count is handed in: stock that moved while the sheet was
        # open is not a difference, and moves after this point add to the adjustment, not hide it.
        for line in take.lines:
            line.expected = ledger.balance(take.store_id, line.part_id)
        take.status = StockTakeStatus.SUBMITTED
    db.session.flush()
    return take


def approve_stock_take(actor, take: StockTake) -> StockTake:
    """Each difference becomes an adjustment move: a gain into the store, a loss out of it."""
    ensure(actor, "parts.approve", take.store)
    if take.created_by_id == actor.id:
        raise NotAllowed(_("You cannot approve a count sheet you made yourself."))
    if take.status != StockTakeStatus.SUBMITTED:
        raise Conflict(_("Only a submitted count sheet can be approved."))
    for line in take.lines:
        difference = line.difference
        if not difference:
            continue
        if difference > 0:
            ledger.post_move(
                actor, MoveKind.ADJUSTMENT, line.part, difference, to_store=take.store, stock_take_id=take.id
            )
        else:
            ledger.post_move(
                actor, MoveKind.ADJUSTMENT, line.part, -difference, from_store=take.store, stock_take_id=take.id
            )
    take.status = StockTakeStatus.APPROVED
    take.approved_by_id = actor.id
    take.approved_at = utcnow()
    db.session.flush()
    return take


# Low stock


def low_stock(actor) -> list[tuple[Store, Part, Decimal]]:
    """Every (warehouse, part) under the part's minimum, including parts with no stock row at all."""
    ensure(actor, "parts.stock")
    stores = [store for store in stores_for(actor) if store.kind == StoreKind.WAREHOUSE]
    if not stores:
        return []
    parts = list(db.session.scalars(select(Part).where(Part.min_stock > 0, Part.active.is_(True)).order_by(Part.code)))
    on_hand = {
        (row.store_id, row.part_id): row.quantity
        for row in db.session.scalars(select(StockBalance).where(StockBalance.store_id.in_([s.id for s in stores])))
    }
    rows = []
    for store in stores:
        for part in parts:
            quantity = on_hand.get((store.id, part.id), Decimal(0))
            if quantity < part.min_stock:
                rows.append((store, part, quantity))
    return rows


def open_low_stock_events() -> list[LowStock]:
    return list(db.session.scalars(select(LowStock).where(LowStock.resolved_at.is_(None)).order_by(LowStock.id)))
