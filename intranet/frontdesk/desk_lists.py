"""The desk's lists in one statement: complaints by answer time, visitors in the building, callbacks due,
the day's calls, the appointments board and the day's bookings counted by status.

Each list is its own module's statement (complaints.desk_complaints_statement,
visitors.inside_now_statement, callbacks.callbacks_due_lines_statement, calls.desk_calls_statement,
appointments.desk_board_statement and day_counts_statement), kept whole as a subquery with its order and
limit; UNION ALL stacks them with their columns in shared slots. On PostgreSQL every statement costs a
round trip and about half a millisecond of CPU on the two sides, more than these few rows do, and the
desk page is loaded all day. The whole page reads every list; a part that refreshes itself alone reads
its own, through the same function.
"""

from datetime import date, datetime
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import Integer, String, cast, literal_column, null, select, union_all

from intranet.access.permissions import ensure
from intranet.db_types import UTCDateTime
from intranet.frontdesk import appointments, calls, complaints, visitors
from intranet.frontdesk.appointments import AppointmentLine
from intranet.frontdesk.branch_calendar import day_bounds
from intranet.frontdesk.calls import CallLine
from intranet.frontdesk.complaints import DeskComplaint
from intranet.frontdesk.visitors import VisitorInside
from intranet.jobs import callbacks
from intranet.jobs.callbacks import DueCallback
from intranet.listing import prepared, read_rows

COMPLAINTS, VISITORS, CALLBACKS, CALLS, BOARD, DAY_COUNTS = range(6)
TEXTS = 5  # the most text columns of one list (a call's)
_BY_TIME = itemgetter(2, 1)  # a row's moment, then its number


class DeskLists(NamedTuple):
    """The lists asked for; those not asked for are empty."""

    complaints: list[DeskComplaint]
    visitors: list[VisitorInside]
    callbacks: list[DueCallback]
    calls: list[CallLine]
    board: list[AppointmentLine]
    day_counts: dict[str, int]  # the day's bookings by status


def _slots(part: int, statement, number, moment, later, *texts):
    """One list as rows of (part, number, moment, later, text1..text5), the slots every list shares:
    `number` is the row's id, or for a count the count. Empty slots are typed NULLs, so that the stack
    reads the same whichever list comes first."""
    no_time, no_text = cast(null(), UTCDateTime), cast(null(), String)
    padding = [no_text] * (TEXTS - len(texts))
    return select(
        literal_column(str(part), Integer).label("part"),
        number.label("number"),
        (no_time if moment is None else moment).label("moment"),
        (no_time if later is None else later).label("later"),
        *(text.label(f"text{n}") for n, text in enumerate([*texts, *padding], start=1)),
    ).select_from(statement)


def _complaints(actor, branch_id: int, limit: int):
    running = complaints.desk_complaints_statement(actor, branch_id, limit).subquery()
    complaint_id, customer, answer_due_at, owner, handler, warn_at = running.c
    return _slots(COMPLAINTS, running, complaint_id, answer_due_at, warn_at, customer, owner, handler)


def _visitors(actor, branch_id: int, limit: None):
    inside = visitors.inside_now_statement(actor, branch_id).subquery()
    visitor_id, name, badge, host, signed_in_at = inside.c
    return _slots(VISITORS, inside, visitor_id, signed_in_at, None, name, badge, host)


def _callbacks(actor, branch_id: int, limit: int):
    due = callbacks.callbacks_due_lines_statement(actor, branch_id, limit).subquery()
    job_id, customer_name, customer_phone, callback_due_at = due.c
    return _slots(CALLBACKS, due, job_id, callback_due_at, None, customer_name, customer_phone)


def _calls(actor, branch_id: int, limit: int):
    taken = calls.desk_calls_statement(actor, branch_id, limit).subquery()
    at, caller_name, number, topic, outcome, handed_to, call_id = taken.c
    return _slots(CALLS, taken, call_id, at, None, caller_name, number, topic, outcome, handed_to)


def _board(actor, branch_id: int, limit: int):
    upcoming = appointments.desk_board_statement(actor, branch_id, limit).subquery()
    appointment_id, starts_at, contact_name, service_type, status, customer = upcoming.c
    return _slots(BOARD, upcoming, appointment_id, starts_at, None, contact_name, service_type, status, customer)


def _day_counts(actor, branch_id: int, limit: None):
    counted = appointments.day_counts_statement(actor, branch_id).subquery()
    status, count = counted.c
    return _slots(DAY_COUNTS, counted, count, None, None, status)


_READERS = {
    COMPLAINTS: _complaints,
    VISITORS: _visitors,
    CALLBACKS: _callbacks,
    CALLS: _calls,
    BOARD: _board,
    DAY_COUNTS: _day_counts,
}


def desk_lists(actor, branch_id: int, now: datetime, day: date, limits: dict[int, int | None]) -> DeskLists:
    """The lists named in `limits` (each list's number of rows; None for the visitors and the counts) at
    the branch on `day`, in one statement."""
    ensure(actor, "desk.work")
    if CALLBACKS in limits:
        ensure(actor, "callbacks.record")  # the statements are made once: their own checks run only then
    parts = sorted(limits.items())
    key = ("desk_lists", actor.id, actor.role, actor.branch_id, branch_id, tuple(parts))
    statement = prepared(key, lambda: union_all(*(_READERS[part](actor, branch_id, rows) for part, rows in parts)))
    start, end = day_bounds(day)
    found = {part: [] for part in _READERS}
    for row in read_rows(statement, {"now": now, "start": start, "end": end}).all():
        found[row[0]].append(row)
    # Each list in its own statement's order (a UNION ALL keeps none): by time, then id; calls newest first.
    for part in (COMPLAINTS, VISITORS, CALLBACKS, CALLS, BOARD):
        found[part].sort(key=_BY_TIME, reverse=part == CALLS)
    # Rows unpacked whole, slot by slot: by name, or with a starred rest, each row cost a call or a list more.
    return DeskLists(
        complaints=[
            complaints.desk_complaint(number, customer, due, owner, handler, warn, now)
            for _, number, due, warn, customer, owner, handler, _, _ in found[COMPLAINTS]
        ],
        visitors=[
            VisitorInside(number, name, badge, host, signed_in_at)
            for _, number, signed_in_at, _, name, badge, host, _, _ in found[VISITORS]
        ],
        callbacks=[DueCallback(number, name, phone) for _, number, _, _, name, phone, _, _, _ in found[CALLBACKS]],
        calls=[
            CallLine(at, caller, number, topic, outcome, handed_to)
            for _, _, at, _, caller, number, topic, outcome, handed_to in found[CALLS]
        ],
        board=[
            AppointmentLine(number, starts_at, contact, service, status, customer)
            for _, number, starts_at, _, contact, service, status, customer, _ in found[BOARD]
        ],
        day_counts={status: count for _, count, _, _, status, _, _, _, _ in found[DAY_COUNTS]},
    )
