"""Registers of the stores: old parts handed back (旧件交接) with warranty claims (配件索赔), and
loans of tools and parts (配件借用单)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.db_types import MAX_ID, utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.numbers import fits
from intranet.parts import ledger
from intranet.parts.models import (
    Loan,
    MoveKind,
    OldPartReturn,
    PartCondition,
)
from intranet.parts.quantities import MAX_QUANTITY, QUANTITY_SCALE
from intranet.parts.service import part_code_to_part, warehouse_of


def _person(actor, user_id: int) -> User | None:
    """An active colleague the actor may name on a register (of their branch; anyone's for an admin)."""
    person = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    return person if person is not None and person.active and scoping.allows(actor, person) else None


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
    technician = _person(actor, data.technician_id)
    if technician is None or technician.role != Role.TECHNICIAN:
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
    statement = (
        select(OldPartReturn)
        .where(scoping.visible(actor, OldPartReturn))
        .options(joinedload(OldPartReturn.part), joinedload(OldPartReturn.technician))
    )
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
    if quantity <= 0 or not fits(quantity, places=QUANTITY_SCALE, maximum=MAX_QUANTITY):
        raise Invalid(_("The quantity must be more than zero, with at most three decimals."))
    if data.due_on < today:
        raise Invalid(_("The due date cannot be in the past."))
    borrower = _person(actor, data.borrower_id)
    if borrower is None:
        raise Invalid(_("Choose who borrows it."))
    branch_id = borrower.branch_id or actor.branch_id
    store = None
    if part is not None:
        # A catalogue part leaves the branch's warehouse: it is not there to issue while it is lent.
        store = warehouse_of(branch_id) if branch_id else None
        if store is None:
            raise Invalid(_("The borrower's branch has no warehouse to lend %(code)s from.", code=part.code))
        ensure(actor, "parts.keep", store)
    loan = Loan(
        branch_id=branch_id,
        part_id=part.id if part else None,
        store_id=store.id if store else None,
        item=item,
        quantity=quantity,
        borrower_id=borrower.id,
        lent_by_id=actor.id,
        due_on=data.due_on,
    )
    db.session.add(loan)
    db.session.flush()
    if store is not None:
        ledger.post_move(actor, MoveKind.LOAN, part, quantity, from_store=store, loan_id=loan.id, note=item)
    return loan


def loans_for(actor) -> list[Loan]:
    ensure(actor, "parts.stock")
    statement = (
        select(Loan).where(scoping.visible(actor, Loan)).options(joinedload(Loan.borrower), joinedload(Loan.store))
    )
    return list(db.session.scalars(statement.order_by(Loan.returned_at.is_not(None), Loan.due_on).limit(200)))


def return_loan(actor, loan_id: int) -> Loan:
    loan = scoping.get(actor, Loan, loan_id, "parts.keep")
    if loan.returned_at is not None:
        raise Conflict(_("This loan is already returned."))
    loan.returned_at = utcnow()
    if loan.store is not None:
        ledger.post_move(
            actor, MoveKind.LOAN_RETURN, loan.part, loan.quantity, to_store=loan.store, loan_id=loan.id, note=loan.item
        )
    db.session.flush()
    return loan
