"""Filters of the inspection and corrective-action lists, read from a request's arguments (the list,
its export and the dashboard's links share them)."""

from dataclasses import dataclass
from datetime import datetime

from intranet.inspections.models import ActionStatus, InspectionStatus
from intranet.listing import choice_filter, day_filter, id_filter


@dataclass
class InspectionFilters:
    status: str | None = None
    branch_id: int | None = None
    family: str | None = None
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None


@dataclass
class ActionFilters:
    status: str | None = None
    branch_id: int | None = None
    overdue: bool = False  # open and past its due day
    opened_from: datetime | None = None
    opened_before: datetime | None = None
    item: str | None = None  # the failed check's text


def _text(args, name: str) -> str | None:
    return (args.get(name) or "").replace("\x00", "").strip()[:300] or None


def inspection_filters(args) -> InspectionFilters:
    return InspectionFilters(
        status=choice_filter(args, "status", InspectionStatus),
        branch_id=id_filter(args, "branch"),
        family=_text(args, "family"),
        submitted_from=day_filter(args, "submitted_from"),
        submitted_before=day_filter(args, "submitted_to", through=True),
    )


def action_filters(args) -> ActionFilters:
    return ActionFilters(
        status=choice_filter(args, "status", ActionStatus),
        branch_id=id_filter(args, "branch"),
        overdue=args.get("overdue") == "1",
        opened_from=day_filter(args, "opened_from"),
        opened_before=day_filter(args, "opened_to", through=True),
        item=_text(args, "item"),
    )
