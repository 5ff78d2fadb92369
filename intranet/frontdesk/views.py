"""Routes: the desk page, the receptionist's home, whose parts refresh themselves; the lookup by phone number."""

from datetime import date, datetime

from flask import request
from flask_login import current_user

from intranet import clock
from intranet.access import scoping
from intranet.access.permissions import requires
from intranet.branches.models import Branch
from intranet.branches.service import active_branches
from intranet.extensions import db, htmx
from intranet.frontdesk import appointments, blueprint, calls, desk_lists
from intranet.frontdesk.branch_calendar import local_day, settings_of
from intranet.frontdesk.closeout import closing_time
from intranet.frontdesk.desk_lists import BOARD, CALLBACKS, CALLS, COMPLAINTS, DAY_COUNTS, VISITORS, DeskLists
from intranet.frontdesk.filters import day_of
from intranet.frontdesk.forms import CallForm
from intranet.listing import id_filter, search_text
from intranet.rendering import render, render_with_parts, wants_fragment
from intranet.templating import rendered_part


def branch_in_view() -> Branch | None:
    """The branch a desk page is about: the actor's, or for an administrator the one asked for (else the first)."""
    actor = current_user._get_current_object()  # the proxy once: each read through it looks the user up
    branch_id = scoping.list_branch(actor, id_filter(request.args, "branch"))
    if branch_id is None and scoping.sees_every_branch(actor):
        branches = active_branches()
        return branches[0] if branches else None
    return db.session.get(Branch, branch_id) if branch_id else None


def day_arg(name: str, default: date) -> date:
    """A ?name=2026-11-23 argument, the default when absent, a clear 422 when it is not a date."""
    return day_of(request.args, name, default)


def prefill_contact(form, call, customer) -> None:
    """Fill a form's customer and contact from the customer chosen and the call it comes from."""
    if customer is not None:
        form.customer_id.data = customer.id
        form.contact_name.data = customer.name
        form.contact_phone.data = customer.phone
    if call is not None:
        form.call_id.data = call.id
        form.contact_name.data = call.caller_name or form.contact_name.data
        form.contact_phone.data = call.number or form.contact_phone.data


def branch_choices() -> list[Branch]:
    return active_branches() if scoping.sees_every_branch(current_user) else []


# The desk shows what needs doing next; each part links to its whole register.
DESK_ROWS = 12
DESK_CALLBACKS = 8
DESK_CALLS = 8


# The whole page reads every part's lists in one statement, a part refreshing itself its own
# (desk_lists); the branch's settings and calendar are kept by the process (branch_calendar). What a
# part's maker returns is all its template shows, besides the branch's id: the markup of the same rows
# is kept (templating.rendered_part).
def _appointments_part(branch: Branch, now: datetime, lists: DeskLists) -> dict:
    grace = settings_of(branch.id).no_show_minutes
    board = [(line, appointments.board_state(line, now, grace)) for line in lists.board]
    return {"board": board, "day_counts": lists.day_counts}


def _visitors_part(branch: Branch, now: datetime, lists: DeskLists) -> dict:
    closes_at = closing_time(branch.id, local_day(now))
    return {"in_building": lists.visitors, "after_closing": closes_at is not None and now >= closes_at}


def _complaints_part(branch: Branch, now: datetime, lists: DeskLists) -> dict:
    return {"running": lists.complaints}


def _callbacks_part(branch: Branch, now: datetime, lists: DeskLists) -> dict:
    due = lists.callbacks
    return {"callbacks": due[:DESK_CALLBACKS], "more_callbacks": len(due) > DESK_CALLBACKS}


def _calls_part(branch: Branch, now: datetime, lists: DeskLists) -> dict:
    return {"calls": lists.calls}


# Each part: its template, the lists it shows with their numbers of rows, what it makes of them.
BOARD_LISTS = {BOARD: DESK_ROWS, DAY_COUNTS: None}
DESK_PARTS = {
    "desk-visitors": ("frontdesk/_desk_visitors.html", {VISITORS: None}, _visitors_part),
    "desk-appointments": ("frontdesk/_desk_appointments.html", BOARD_LISTS, _appointments_part),
    "desk-complaints": ("frontdesk/_desk_complaints.html", {COMPLAINTS: DESK_ROWS}, _complaints_part),
    "desk-callbacks": ("frontdesk/_desk_callbacks.html", {CALLBACKS: DESK_CALLBACKS + 1}, _callbacks_part),
    "desk-call-list": ("frontdesk/_desk_call_list.html", {CALLS: DESK_CALLS}, _calls_part),
}


@blueprint.route("/desk")
@requires("desk.work")
def desk():
    now = clock.now()
    branch = branch_in_view()
    # A GET: the call form is empty, rendered once per language from a CallForm made only then.
    context = {"branch": branch, "branches": branch_choices(), "now": now, "empty_call_form": CallForm}
    parts = {}
    if branch is not None:
        # A part refreshing itself asks for itself only; the whole page loads every part.
        wanted = [htmx.target] if wants_fragment() and htmx.target in DESK_PARTS else list(DESK_PARTS)
        limits = {list_: rows for part in wanted for list_, rows in DESK_PARTS[part][1].items()}
        actor = current_user._get_current_object()  # the proxy once, not once per list
        lists = desk_lists.desk_lists(actor, branch.id, now, local_day(now), limits)
        for part in wanted:
            template, _lists, maker = DESK_PARTS[part]
            parts[part] = rendered_part(template, branch_id=branch.id, **maker(branch, now, lists))
    return render_with_parts("frontdesk/desk.html", parts, **context)


@blueprint.route("/desk/lookup")
@requires("desk.work")
def lookup():
    phone = search_text(request.args, "phone")
    found = calls.customers_by_phone(current_user, phone) if phone else []
    return render(
        "frontdesk/lookup.html",
        fragments={"desk-lookup-results": "frontdesk/_lookup.html"},
        phone=phone,
        found=found,
    )
