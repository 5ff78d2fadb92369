"""Low stock: warehouse parts under their minimum, and the events notifications will pick up."""

from decimal import Decimal

from sqlalchemy import select

from intranet.access.permissions import ensure
from intranet.extensions import db
from intranet.parts.models import (
    LowStock,
    Part,
    StockBalance,
    Store,
    StoreKind,
)
from intranet.parts.service import stores_for


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
