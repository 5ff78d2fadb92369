"""Stock-takes (盘点): a count sheet per store whose differences become adjustments once a manager
approves them."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotAllowed
from intranet.extensions import db
from intranet.parts import ledger
from intranet.parts.models import (
    MoveKind,
    StockTake,
    StockTakeLine,
    StockTakeStatus,
    Store,
)
from intranet.parts.service import stock_of


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
    return scoping.get(actor, StockTake, take_id, permission)


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
