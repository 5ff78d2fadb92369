"""Filters of the parts lists (requests, stock, the ledger of moves), read from a request's arguments:
the list, its export and the dashboard's links share them."""

from dataclasses import dataclass
from datetime import datetime

from intranet.listing import choice_filter, day_filter, id_filter
from intranet.parts.models import MoveKind, RequestStatus


@dataclass
class RequestFilters:
    status: str | None = None
    branch_id: int | None = None


@dataclass
class StockFilters:
    store_id: int | None = None
    branch_id: int | None = None


@dataclass
class MoveFilters:
    store_id: int | None = None
    branch_id: int | None = None
    part_id: int | None = None
    kind: str | None = None
    consumed: bool = False  # used up on a job: out of a van, into no store
    technician_id: int | None = None  # whose van the parts left
    moved_from: datetime | None = None
    moved_before: datetime | None = None


def request_filters(args) -> RequestFilters:
    return RequestFilters(status=choice_filter(args, "status", RequestStatus), branch_id=id_filter(args, "branch"))


def stock_filters(args) -> StockFilters:
    return StockFilters(store_id=id_filter(args, "store"), branch_id=id_filter(args, "branch"))


def move_filters(args) -> MoveFilters:
    return MoveFilters(
        store_id=id_filter(args, "store"),
        branch_id=id_filter(args, "branch"),
        part_id=id_filter(args, "part"),
        kind=choice_filter(args, "kind", MoveKind),
        consumed=args.get("consumed") == "1",
        technician_id=id_filter(args, "technician"),
        moved_from=day_filter(args, "from"),
        moved_before=day_filter(args, "to", through=True),
    )
