"""Parts work shared by the parts modules: the catalogue, stores and the branch rule for stock.

Services take the actor and plain values, check permissions themselves, flush, and leave the commit
to the request (requests.py, registers.py, stock_takes.py and low_stock.py build on this).
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from intranet.auth.models import User
from intranet.auth.permissions import ensure, object_rule
from intranet.auth.roles import Role
from intranet.errors import Conflict, Invalid, NotFound
from intranet.extensions import db
from intranet.listing import escape_like
from intranet.parts import ledger
from intranet.parts.models import (
    MoveKind,
    Part,
    StockBalance,
    StockMove,
    Store,
    StoreKind,
)


def same_branch(actor, obj) -> bool:
    return actor.role == Role.ADMIN or obj.branch_id == actor.branch_id


for _permission in ("parts.stock", "parts.keep", "parts.approve", "parts.issue"):
    object_rule(_permission)(same_branch)


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
