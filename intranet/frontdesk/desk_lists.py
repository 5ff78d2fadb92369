"""The desk's lists in one statement: complaints by answer time, visitors in the building, callbacks due,
the day's calls.

Each list is its own module's statement (complaints.desk_complaints_statement,
visitors.inside_now_statement, callbacks.callbacks_due_lines_statement, calls.desk_calls_statement),
kept whole as a subquery with its order and limit; UNION ALL stacks them with their columns in shared
slots. On PostgreSQL every statement costs a round trip and about half a millisecond of CPU on the two
sides, more than these few rows do, and the desk page is loaded all day. A part that refreshes itself
alone reads its own list with its own statement. (The appointments board is not among them: its
statement also counts the day's bookings by status.)
"""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import String, cast, literal, null, select, union_all

from intranet.access.permissions import ensure
from intranet.frontdesk import calls, complaints, visitors
from intranet.frontdesk.calls import CallLine
from intranet.frontdesk.complaints import DeskComplaint
from intranet.frontdesk.visitors import VisitorInside
from intranet.jobs import callbacks
from intranet.jobs.callbacks import DueCallback
from intranet.listing import prepared, read_rows

COMPLAINTS, VISITORS, CALLBACKS, CALLS = range(4)
TEXTS = 5  # the most text columns of one list (a call's)


class DeskLists(NamedTuple):
    complaints: list[DeskComplaint]
    visitors: list[VisitorInside]
    callbacks: list[DueCallback]
    calls: list[CallLine]


def _slots(part: int, statement, id_, moment, later, *texts):
    """One list as rows of (part, id, moment, later, text1..text5): the slots every list shares."""
    padding = [cast(null(), String)] * (TEXTS - len(texts))
    return select(
        literal(part).label("part"),
        id_.label("id"),
        moment.label("moment"),
        later.label("later"),
        *(text.label(f"text{n}") for n, text in enumerate([*texts, *padding], start=1)),
    ).select_from(statement)


def desk_lists(actor, branch_id: int, now: datetime, day: date, limits: dict[int, int]) -> DeskLists:
    """desk_complaints() at the branch, inside_now(), callbacks_due_lines() and desk_calls(), in one
    statement; `limits` is each list's number of rows, by part."""
    ensure(actor, "desk.work")
    ensure(actor, "callbacks.record")  # the statements are made once: their own checks run only then

    def build():
        # The complaints first: their two times type the shared time columns for the other lists.
        running = complaints.desk_complaints_statement(actor, branch_id, limits[COMPLAINTS]).subquery()
        inside = visitors.inside_now_statement(actor, branch_id).subquery()
        due = callbacks.callbacks_due_lines_statement(actor, branch_id, limits[CALLBACKS]).subquery()
        taken = calls.desk_calls_statement(actor, branch_id, limits[CALLS]).subquery()
        complaint_id, customer, answer_due_at, owner, handler, warn_at = running.c
        visitor_id, name, badge, host, signed_in_at = inside.c
        job_id, customer_name, customer_phone, callback_due_at = due.c
        at, caller_name, number, topic, outcome, handed_to, call_id = taken.c
        no_time = null()
        return union_all(
            _slots(COMPLAINTS, running, complaint_id, answer_due_at, warn_at, customer, owner, handler),
            _slots(VISITORS, inside, visitor_id, signed_in_at, no_time, name, badge, host),
            _slots(CALLBACKS, due, job_id, callback_due_at, no_time, customer_name, customer_phone),
            _slots(CALLS, taken, call_id, at, no_time, caller_name, number, topic, outcome, handed_to),
        )

    key = ("desk_lists", actor.id, actor.role, actor.branch_id, branch_id, tuple(sorted(limits.items())))
    found = {part: [] for part in (COMPLAINTS, VISITORS, CALLBACKS, CALLS)}
    for row in read_rows(prepared(key, build), {"now": now, **calls.desk_calls_values(day)}):
        found[row.part].append(row)
    # Each list in its own statement's order (a UNION ALL keeps none): by time, then id; calls newest first.
    for part, rows in found.items():
        rows.sort(key=lambda row: (row.moment, row.id), reverse=part == CALLS)
    return DeskLists(
        complaints=[
            complaints.desk_complaint(row.id, row.text1, row.moment, row.text2, row.text3, row.later, now)
            for row in found[COMPLAINTS]
        ],
        visitors=[VisitorInside(row.id, row.text1, row.text2, row.text3, row.moment) for row in found[VISITORS]],
        callbacks=[DueCallback(row.id, row.text1, row.text2) for row in found[CALLBACKS]],
        calls=[CallLine(row.moment, row.text1, row.text2, row.text3, row.text4, row.text5) for row in found[CALLS]],
    )
