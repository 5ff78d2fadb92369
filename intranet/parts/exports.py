"""The parts lists as files: requests, stock on hand and the ledger of moves, each declared once."""

from flask_babel import lazy_gettext as _l

from intranet.exporting import Column, declare
from intranet.parts import part_requests, service
from intranet.parts.filters import move_filters, request_filters, stock_filters
from intranet.parts.models import MoveKind, PartRequest, RequestStatus, StockBalance, StockMove, StoreKind

PART_REQUESTS = declare(
    "part-requests",
    title=_l("Part requests"),
    model=PartRequest,
    permission="parts.requests",
    rows=lambda actor, args: part_requests.list_requests(actor, request_filters(args)),
    columns=[
        Column(_l("ID"), lambda request: request.id),
        Column(_l("Request"), lambda request: request.reference),
        Column(_l("Asked by"), lambda request: request.requested_by.name),
        Column(_l("When"), lambda request: request.created_at),
        Column(_l("Status"), lambda request: RequestStatus(request.status)),
        Column(_l("Note"), lambda request: request.note),
        Column(_l("Decided"), lambda request: request.decided_at),
        Column(_l("Reason for rejecting"), lambda request: request.rejection_reason),
        Column(_l("Issued"), lambda request: request.issued_at),
    ],
)

STOCK = declare(
    "stock",
    title=_l("Stock"),
    model=StockBalance,
    permission="parts.stock",
    key=("store_id", "part_id"),
    rows=lambda actor, args: service.list_stock(actor, stock_filters(args)),
    columns=[
        Column(_l("Store ID"), lambda balance: balance.store_id),
        Column(_l("Part ID"), lambda balance: balance.part_id),
        Column(_l("Branch"), lambda balance: balance.store.branch.name),
        Column(_l("Store"), lambda balance: balance.store.name),
        Column(_l("Kind"), lambda balance: StoreKind(balance.store.kind)),
        Column(_l("Part"), lambda balance: balance.part.code),
        Column(_l("Name"), lambda balance: balance.part.name),
        Column(_l("Unit"), lambda balance: balance.part.unit),
        Column(_l("On hand"), lambda balance: balance.quantity),
        Column(_l("Minimum"), lambda balance: balance.part.min_stock),
        Column(_l("Price"), lambda balance: balance.part.price),
    ],
)

STOCK_MOVES = declare(
    "stock-moves",
    title=_l("Stock moves"),
    model=StockMove,
    permission="parts.stock",
    rows=lambda actor, args: service.list_moves(actor, move_filters(args)),
    columns=[
        Column(_l("ID"), lambda move: move.id),
        Column(_l("When"), lambda move: move.at),
        Column(_l("Kind"), lambda move: MoveKind(move.kind)),
        Column(_l("Part"), lambda move: move.part.code),
        Column(_l("Name"), lambda move: move.part.name),
        Column(_l("From"), lambda move: move.from_store.name if move.from_store else None),
        Column(_l("To"), lambda move: move.to_store.name if move.to_store else None),
        Column(_l("Quantity"), lambda move: move.quantity),
        Column(_l("Value"), lambda move: move.quantity * move.part.price),
        Column(_l("Job"), lambda move: f"J{move.job_id:06d}" if move.job_id else None),
        Column(_l("By"), lambda move: move.actor.name),
        Column(_l("Note"), lambda move: move.note),
    ],
)
