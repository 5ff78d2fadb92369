"""The dashboard's parts figures: what was used up on jobs (by value and by quantity), stock under
its minimum, and old parts that should have come back."""

from collections import defaultdict
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from intranet.access import scoping
from intranet.access.permissions import can
from intranet.auth.models import User
from intranet.extensions import db
from intranet.figures import Bar, Cell, Chart, DashboardQuery, Figure, Section, Table
from intranet.parts.models import OldPartReturn, Part, StockMove, Store
from intranet.parts.quantities import fmt
from intranet.parts.service import consumed_on_jobs
from intranet.parts.shortages import low_stock
from intranet.periods import Period

TOP = 10


def plain(quantity: Decimal) -> Decimal:
    """4.000 -> 4, 1.500 -> 1.5: a quantity as people write it."""
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()


def _consumed(query: DashboardQuery, period: Period):
    """(part, technician's van owner, quantity) used up on jobs in the period, within reach."""
    statement = (
        select(StockMove.part_id, Store.technician_id, func.sum(StockMove.quantity))
        .join(Store, Store.id == StockMove.from_store_id)
        .where(
            scoping.visible(query.actor, StockMove),
            scoping.visible(query.actor, Store),  # the van the parts left: lets the index pick the branch
            consumed_on_jobs(),
            period.holds(StockMove.at),
        )
        .group_by(StockMove.part_id, Store.technician_id)
    )
    if query.branch_id is not None:
        statement = statement.where(Store.branch_id == query.branch_id)
    return db.session.execute(statement).all()


def parts_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "parts.stock"):
        return None
    period = query.period
    used = _consumed(query, period)
    quantity_of: dict[int, Decimal] = defaultdict(Decimal)
    for part_id, _technician, quantity in used:
        quantity_of[part_id] += quantity
    parts = {part.id: part for part in db.session.scalars(select(Part).where(Part.id.in_(quantity_of)))}
    value_of = {part_id: quantity * parts[part_id].price for part_id, quantity in quantity_of.items()}
    moved = period.list_args()

    def bars(amounts: dict, show) -> list[Bar]:
        ranked = sorted(amounts.items(), key=lambda item: (-item[1], parts[item[0]].code))[:TOP]
        return [
            Bar(
                f"{parts[part_id].code} {parts[part_id].name}",
                show(amount),
                query.link("parts.moves", consumed=1, part=part_id, **moved),
            )
            for part_id, amount in ranked
        ]

    shortages = [row for row in low_stock(query.actor) if query.branch_id in (None, row[0].branch_id)]
    section = Section("parts", _l("Parts"))
    section.figures = [
        Figure(
            "parts.used_value",
            _l("Value of parts used on jobs"),
            sum(value_of.values(), Decimal(0)).quantize(Decimal("0.01")),
            query.link("parts.moves", consumed=1, **moved),
            _value(query, query.compared),
        ),
        Figure(
            "parts.below_minimum",
            _l("Stock below its minimum"),
            len(shortages),
            query.link("parts.low_stock", branch=None),
        ),
    ]
    section.charts = [
        Chart(
            "parts.top_value",
            _l("Parts used, by value"),
            bars(value_of, lambda v: v.quantize(Decimal("0.01"))),
            value_header=_l("Value"),
            label_header=_l("Part"),
        ),
        Chart(
            "parts.top_quantity",
            _l("Parts used, by quantity"),
            bars(quantity_of, plain),
            value_header=_l("Quantity"),
            label_header=_l("Part"),
        ),
    ]
    section.tables = [_not_returned(query, period, used, parts)]
    return section


def _value(query: DashboardQuery, period: Period) -> Decimal:
    total = Decimal(0)
    rows = _consumed(query, period)
    prices = dict(db.session.execute(select(Part.id, Part.price).where(Part.id.in_({r[0] for r in rows}))).all())
    for part_id, _technician, quantity in rows:
        total += quantity * prices[part_id]
    return total.quantize(Decimal("0.01"))


def _not_returned(query: DashboardQuery, period: Period, used, parts: dict) -> Table:
    """Per technician and part: used up on jobs in the period, less the old parts handed back then."""
    statement = (
        select(OldPartReturn.technician_id, OldPartReturn.part_id, func.sum(OldPartReturn.quantity))
        .where(scoping.visible(query.actor, OldPartReturn), period.holds(OldPartReturn.at))
        .group_by(OldPartReturn.technician_id, OldPartReturn.part_id)
    )
    if query.branch_id is not None:
        statement = statement.where(OldPartReturn.branch_id == query.branch_id)
    returned = {(technician, part): quantity for technician, part, quantity in db.session.execute(statement)}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_({row[1] for row in used}))).all())
    rows = []
    for part_id, technician_id, quantity in sorted(used, key=lambda row: (names.get(row[1], ""), parts[row[0]].code)):
        back = returned.get((technician_id, part_id), Decimal(0))
        if quantity > back:
            link = query.link("parts.moves", consumed=1, part=part_id, technician=technician_id, **period.list_args())
            rows.append(
                [
                    Cell(names.get(technician_id, "—")),
                    Cell(f"{parts[part_id].code} {parts[part_id].name}"),
                    Cell(fmt(quantity), link),
                    Cell(fmt(back)),
                    Cell(fmt(quantity - back)),
                ]
            )
    return Table(
        "parts.not_returned",
        _l("Old parts not handed back"),
        [_l("Technician"), _l("Part"), _l("Used on jobs"), _l("Handed back"), _l("Missing")],
        rows,
        empty=_l("Every part used in this period came back."),
    )
