"""The desk's three short lists in one statement: visitors in the building, callbacks due, the day's calls.

Each list is its own module's statement (visitors.inside_now_statement, calls.desk_calls_statement,
callbacks.callbacks_due_lines_statement), kept whole as a subquery with its order and limit; UNION ALL
stacks them with their columns in shared slots. On PostgreSQL every statement costs a round trip and
about half a millisecond of CPU on the two sides, more than these few rows do, and the desk page is
loaded all day. A part that refreshes itself alone reads its own list with its own statement.
"""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import String, cast, literal, null, select, union_all

from intranet.access.permissions import ensure
from intranet.frontdesk import calls, visitors
from intranet.frontdesk.calls import CallLine
from intranet.frontdesk.visitors import VisitorInside
from intranet.jobs import callbacks
from intranet.jobs.callbacks import DueCallback
from intranet.listing import prepared, read_rows

VISITORS, CALLBACKS, CALLS = 0, 1, 2
TEXTS = 5  # the most text columns of one list (a call's)


class ShortLists(NamedTuple):
    visitors: list[VisitorInside]
    callbacks: list[DueCallback]
    calls: list[CallLine]


def _slots(part: int, statement, id_, moment, *texts):
    """One list as rows of (part, id, moment, text1..text5): the slots every list shares."""
    padding = [cast(null(), String)] * (TEXTS - len(texts))
    return select(
        literal(part).label("part"),
        id_.label("id"),
        moment.label("moment"),
        *(text.label(f"text{n}") for n, text in enumerate([*texts, *padding], start=1)),
    ).select_from(statement)


def short_lists(actor, branch_id: int, now: datetime, day: date, callbacks_limit: int, calls_limit: int) -> ShortLists:
    """inside_now(), callbacks_due_lines() and desk_calls() of one branch, read in one statement."""
    ensure(actor, "desk.work")
    ensure(actor, "callbacks.record")  # the statements are made once: their own checks run only then

    def build():
        inside = visitors.inside_now_statement(actor, branch_id).subquery()
        due = callbacks.callbacks_due_lines_statement(actor, branch_id, callbacks_limit).subquery()
        taken = calls.desk_calls_statement(actor, branch_id, calls_limit).subquery()
        # The visitors first: their moment (a timestamp) types the shared column for the other lists.
        first, name, badge, host, signed_in_at = inside.c
        due_id, customer_name, customer_phone, due_at = due.c
        at, caller_name, number, topic, outcome, handed_to, call_id = taken.c
        return union_all(
            _slots(VISITORS, inside, first, signed_in_at, name, badge, host),
            _slots(CALLBACKS, due, due_id, due_at, customer_name, customer_phone),
            _slots(CALLS, taken, call_id, at, caller_name, number, topic, outcome, handed_to),
        )

    statement = prepared(
        ("desk_short_lists", actor.id, actor.role, actor.branch_id, branch_id, callbacks_limit, calls_limit), build
    )
    found = {VISITORS: [], CALLBACKS: [], CALLS: []}
    for row in read_rows(statement, {"now": now, **calls.desk_calls_values(day)}):
        found[row.part].append(row)
    # Each list in its own statement's order (a UNION ALL keeps none): by time, then id; calls newest first.
    for rows in found.values():
        rows.sort(key=lambda row: (row.moment, row.id), reverse=rows is found[CALLS])
    return ShortLists(
        visitors=[VisitorInside(row.id, row.text1, row.text2, row.text3, row.moment) for row in found[VISITORS]],
        callbacks=[DueCallback(row.id, row.text1, row.text2) for row in found[CALLBACKS]],
        calls=[CallLine(row.moment, row.text1, row.text2, row.text3, row.text4, row.text5) for row in found[CALLS]],
    )
