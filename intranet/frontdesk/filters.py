"""The desk registers' filters, read from a request's arguments: each list, its export and the
dashboard's links use these, so a figure's link shows exactly the rows it counted."""

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _

from intranet.access import scoping
from intranet.errors import Invalid
from intranet.frontdesk.appointments import AppointmentFilters
from intranet.frontdesk.complaints import ComplaintFilters
from intranet.frontdesk.models import (
    AnswerOutcome,
    AppointmentStatus,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ServiceType,
)
from intranet.listing import choice_filter, day_filter, id_filter


def complaint_filters(actor, args: Mapping) -> ComplaintFilters:
    filters = ComplaintFilters(
        status=choice_filter(args, "status", [*ComplaintStatus, "active"]),
        overdue=args.get("overdue") == "1",
        mine=args.get("mine") == "1",
        category=choice_filter(args, "category", ComplaintCategory),
        channel=choice_filter(args, "channel", ComplaintChannel),
        branch_id=id_filter(args, "branch"),
        received_from=day_filter(args, "received_from"),
        received_before=day_filter(args, "received_to", through=True),
        outcome=choice_filter(args, "outcome", AnswerOutcome),
    )
    if filters.branch_id and not scoping.sees_every_branch(actor):
        filters.branch_id = None  # the others see their branch's (and their own) whatever they ask
    return filters


def appointment_filters(actor, args: Mapping) -> AppointmentFilters:
    return AppointmentFilters(
        branch_id=scoping.list_branch(actor, id_filter(args, "branch")),
        starts_from=day_filter(args, "from"),
        starts_before=day_filter(args, "to", through=True),
        status=choice_filter(args, "status", AppointmentStatus),
        service_type=choice_filter(args, "service", ServiceType),
    )


def day_of(args: Mapping, name: str, default: date) -> date:
    """A register's ?day=2026-11-23 (its page shows one day): the default when absent, a clear 422 when
    it is not a date."""
    value = args.get(name) or None
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Dates are written like 2026-11-23.")) from None
