"""Parts work shared by the parts modules: the catalogue and stores (scoping decides whose).

Services take the actor and plain values, check permissions themselves, flush, and leave the commit
to the request (requests.py, registers.py, stock_takes.py and low_stock.py build on this).
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.auth.models import User
from intranet.db_types import MAX_ID
from intranet.errors import Conflict, Invalid, NotFound
from intranet.extensions import db
from intranet.listing import contains_text
from intranet.parts import ledger
from intranet.parts.filters import MoveFilters, StockFilters
from intranet.parts.models import (
    MoveKind,
    Part,
    StockBalance,
    StockMove,
    Store,
    StoreKind,
)


def search_parts(text: str = ""):
    return select(Part).where(Part.active.is_(True), contains_text(text, Part.code, Part.name)).order_by(Part.code)


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
    return scoping.get(actor, Store, store_id, permission)


def stores_for(actor) -> list[Store]:
    ensure(actor, "parts.stock")
    statement = (
        select(Store).where(Store.active.is_(True), scoping.visible(actor, Store)).options(joinedload(Store.branch))
    )
    return list(db.session.scalars(statement.order_by(Store.branch_id, Store.kind.desc(), Store.name)))


def warehouse_of(branch_id: int) -> Store | None:
    return db.session.scalar(
        select(Store)
        .where(Store.branch_id == branch_id, Store.kind == StoreKind.WAREHOUSE, Store.active.is_(True))
        .order_by(Store.id)
    )


def van_of(user) -> Store | None:
    return db.session.scalar(select(Store).where(Store.technician_id == user.id, Store.kind == StoreKind.VAN))


@dataclass
class VanView:
    van: Store | None
    stock: list[StockBalance]
    moves: list[StockMove]


def my_van(actor, moves: int = 30) -> VanView:
    """What the technician's own van holds and its latest moves (issued to it, used on jobs, returned)."""
    ensure(actor, "parts.van")
    van = van_of(actor)
    if van is None:
        return VanView(None, [], [])
    return VanView(van, stock_of(van), recent_moves(actor, store=van, limit=moves))


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


def recent_moves(actor, store: Store | None = None, part: Part | None = None, limit: int = 50) -> list[StockMove]:
    statement = (
        select(StockMove)
        .where(scoping.visible(actor, StockMove))
        .options(joinedload(StockMove.part), joinedload(StockMove.from_store), joinedload(StockMove.to_store))
    )
    if store is not None:
        statement = statement.where(or_(StockMove.from_store_id == store.id, StockMove.to_store_id == store.id))
    if part is not None:
        statement = statement.where(StockMove.part_id == part.id)
    return list(db.session.scalars(statement.order_by(StockMove.id.desc()).limit(limit)))


def list_stock(actor, filters: StockFilters):
    """What every store within reach holds, by store and part code."""
    ensure(actor, "parts.stock")
    statement = (
        select(StockBalance)
        .join(Store, Store.id == StockBalance.store_id)
        .join(Part, Part.id == StockBalance.part_id)
        .where(scoping.visible(actor, StockBalance))
        .options(selectinload(StockBalance.store).joinedload(Store.branch), selectinload(StockBalance.part))
    )
    if filters.store_id:
        statement = statement.where(StockBalance.store_id == filters.store_id)
    if filters.branch_id:
        statement = statement.where(Store.branch_id == filters.branch_id)
    return statement.order_by(Store.branch_id, Store.name, Part.code)


def consumed_on_jobs():
    """SQL: a move that used parts up on a job (out of a van, into no store)."""
    return and_(StockMove.kind == MoveKind.ISSUE, StockMove.to_store_id.is_(None), StockMove.job_id.is_not(None))


def list_moves(actor, filters: MoveFilters):
    """The ledger within reach, newest first."""
    ensure(actor, "parts.stock")
    statement = (
        select(StockMove)
        .where(scoping.visible(actor, StockMove))
        .options(
            selectinload(StockMove.part),
            selectinload(StockMove.from_store),
            selectinload(StockMove.to_store),
            selectinload(StockMove.actor),
        )
    )
    if filters.store_id:
        statement = statement.where(
            or_(StockMove.from_store_id == filters.store_id, StockMove.to_store_id == filters.store_id)
        )
    if filters.branch_id:
        in_branch = select(Store.id).where(Store.branch_id == filters.branch_id)
        statement = statement.where(or_(StockMove.from_store_id.in_(in_branch), StockMove.to_store_id.in_(in_branch)))
    if filters.part_id:
        statement = statement.where(StockMove.part_id == filters.part_id)
    if filters.kind:
        statement = statement.where(StockMove.kind == filters.kind)
    if filters.consumed:
        statement = statement.where(consumed_on_jobs())
    if filters.technician_id:
        vans = select(Store.id).where(Store.technician_id == filters.technician_id)
        statement = statement.where(StockMove.from_store_id.in_(vans))
    if filters.moved_from:
        statement = statement.where(StockMove.at >= filters.moved_from)
    if filters.moved_before:
        statement = statement.where(StockMove.at < filters.moved_before)
    return statement.order_by(StockMove.at.desc(), StockMove.id.desc())


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
    target = db.session.get(Store, to_store_id) if to_store_id and 0 < to_store_id <= MAX_ID else None
    if target is None or not target.active or not scoping.allows(actor, target, "parts.keep"):
        raise Invalid(_("Choose a store of your branch to move the parts to."))
    if kind == MoveKind.RETURN and (store.kind != StoreKind.VAN or target.kind != StoreKind.WAREHOUSE):
        raise Invalid(_("A return goes from a van back to a warehouse."))
    return ledger.post_move(actor, kind, part, quantity, from_store=store, to_store=target, note=note or "")
