"""The stock ledger: every change of stock is a move, and the per-store balance follows in the same transaction.

Taking stock out is one conditional UPDATE (`quantity = quantity - n WHERE quantity >= n`): on
PostgreSQL the row lock makes a second concurrent issue wait, re-read the committed quantity and
match no row, so the last unit can be issued once only. On SQLite a writer holds the whole
database. The CHECK (quantity >= 0) on the balance is the backstop.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.parts.models import (
    LowStock,
    MoveKind,
    Part,
    StockBalance,
    StockMove,
    StockTake,
    StockTakeLine,
    StockTakeStatus,
    Store,
    StoreKind,
)
from intranet.parts.quantities import MAX_QUANTITY, fmt

# Which ends a move of each kind has: (from_store needed, to_store needed); None means either/optional.
ENDS = {
    MoveKind.RECEIPT: (False, True),
    MoveKind.ISSUE: (True, None),  # to a van, or consumed on a job
    MoveKind.TRANSFER: (True, True),
    MoveKind.RETURN: (True, True),
    MoveKind.ADJUSTMENT: (None, None),  # exactly one end: a gain or a loss
    MoveKind.SCRAP: (True, False),
    MoveKind.LOAN: (True, False),  # out of the store until it comes back
    MoveKind.LOAN_RETURN: (False, True),
}


def check_quantity(part: Part, quantity) -> Decimal:
    """A positive amount, whole where the part's unit cannot be split; raises Invalid with the reason."""
    if not isinstance(quantity, Decimal):
        quantity = Decimal(str(quantity))
    if not quantity.is_finite() or quantity <= 0:
        raise Invalid(_("The quantity of %(code)s must be more than zero.", code=part.code))
    if quantity > MAX_QUANTITY:
        raise Invalid(_("The quantity of %(code)s is too large.", code=part.code))
    if part.whole_units and quantity != quantity.to_integral_value():
        raise Invalid(_("%(code)s is counted in whole units: %(n)s is not a whole number.", code=part.code, n=quantity))
    if quantity != quantity.quantize(Decimal("0.001")):
        raise Invalid(_("At most three decimals for %(code)s.", code=part.code))
    return quantity


def balance(store_id: int, part_id: int) -> Decimal:
    value = db.session.scalar(
        select(StockBalance.quantity).where(StockBalance.store_id == store_id, StockBalance.part_id == part_id)
    )
    return value if value is not None else Decimal("0.000")


def ledger_sum(store_id: int, part_id: int) -> Decimal:
    """The quantity on hand as the ledger says: what came in minus what went out."""
    incoming = db.session.scalar(
        select(func.coalesce(func.sum(StockMove.quantity), 0)).where(
            StockMove.to_store_id == store_id, StockMove.part_id == part_id
        )
    )
    outgoing = db.session.scalar(
        select(func.coalesce(func.sum(StockMove.quantity), 0)).where(
            StockMove.from_store_id == store_id, StockMove.part_id == part_id
        )
    )
    return Decimal(incoming or 0) - Decimal(outgoing or 0)


def _take(store: Store, part: Part, quantity: Decimal) -> None:
    result = db.session.execute(
        update(StockBalance)
        .where(
            StockBalance.store_id == store.id,
            StockBalance.part_id == part.id,
            StockBalance.quantity >= quantity,
        )
        .values(quantity=StockBalance.quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Invalid(
            _(
                "Not enough %(code)s in %(store)s: %(have)s on hand, %(want)s needed.",
                code=part.code,
                store=store.name,
                have=fmt(balance(store.id, part.id)),
                want=fmt(quantity),
            )
        )


def _put(store: Store, part: Part, quantity: Decimal) -> None:
    def add() -> int:
        return db.session.execute(
            update(StockBalance)
            .where(StockBalance.store_id == store.id, StockBalance.part_id == part.id)
            .values(quantity=StockBalance.quantity + quantity)
            .execution_options(synchronize_session=False)
        ).rowcount

    if add():
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(StockBalance).values(store_id=store.id, part_id=part.id, quantity=quantity))
    except IntegrityError:
        add()  # another transaction made the row first: add to it


def post_move(
    actor,
    kind: str,
    part: Part,
    quantity,
    from_store: Store | None = None,
    to_store: Store | None = None,
    *,
    request_id: int | None = None,
    job_id: int | None = None,
    stock_take_id: int | None = None,
    loan_id: int | None = None,
    note: str = "",
) -> StockMove:
    """Write one move and update the balances of both ends; refused moves change nothing."""
    kind = MoveKind(kind)
    quantity = check_quantity(part, quantity)
    needs_from, needs_to = ENDS[kind]
    if (
        (needs_from is True and from_store is None)
        or (needs_from is False and from_store is not None)
        or (needs_to is True and to_store is None)
        or (needs_to is False and to_store is not None)
        or (kind == MoveKind.ADJUSTMENT and (from_store is None) == (to_store is None))
        or (from_store is not None and to_store is not None and from_store.id == to_store.id)
    ):
        raise Invalid(_("This kind of stock move does not go between these stores."))
    with db.session.begin_nested():
        if from_store is not None:
            _take(from_store, part, quantity)
        if to_store is not None:
            _put(to_store, part, quantity)
        move = StockMove(
            kind=kind.value,
            part_id=part.id,
            from_store_id=from_store.id if from_store else None,
            to_store_id=to_store.id if to_store else None,
            quantity=quantity,
            actor_id=actor.id,
            at=utcnow(),
            request_id=request_id,
            job_id=job_id,
            stock_take_id=stock_take_id,
            loan_id=loan_id,
            note=(note or "")[:200],
        )
        db.session.add(move)
        db.session.flush()
    if to_store is not None:
        _put_on_open_count(to_store, part)
    for store in (from_store, to_store):
        if store is not None and store.kind == StoreKind.WAREHOUSE:
            _watch_minimum(store, part)
    return move


def _put_on_open_count(store: Store, part: Part) -> None:
    """A part arriving in a store whose count sheet is open gets a line on it, to be counted too.

    The sheet listed what the store held when it was made; without this a part that first arrived
    afterwards would never be counted, and its loss or gain never booked.
    """
    take = db.session.scalar(
        select(StockTake).where(StockTake.store_id == store.id, StockTake.status == StockTakeStatus.COUNTING)
    )
    if take is None or any(line.part_id == part.id for line in take.lines):
        return
    # Like every line, its expected quantity is read from the books again when the sheet is submitted.
    take.lines.append(StockTakeLine(part_id=part.id, expected=balance(store.id, part.id)))
    db.session.flush()


def _watch_minimum(store: Store, part: Part) -> None:
    """Open a LowStock event when a warehouse falls under the part's minimum; close it when refilled."""
    if not part.min_stock:
        return
    on_hand = balance(store.id, part.id)
    open_event = db.session.scalar(
        select(LowStock).where(
            LowStock.store_id == store.id, LowStock.part_id == part.id, LowStock.resolved_at.is_(None)
        )
    )
    if on_hand < part.min_stock and open_event is None:
        db.session.add(LowStock(store_id=store.id, part_id=part.id, quantity=on_hand, minimum=part.min_stock))
    elif on_hand >= part.min_stock and open_event is not None:
        open_event.resolved_at = utcnow()
    db.session.flush()
