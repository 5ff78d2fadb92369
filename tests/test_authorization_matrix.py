"""Every route, every role: the answer each one gets. A route missing from the table fails the suite."""

import uuid

import pytest

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.extensions import db

LOGIN = "login"  # a redirect to the login page
ROLES = ["anonymous", Role.TECHNICIAN, Role.RECEPTIONIST, Role.MANAGER, Role.ADMIN, Role.STOREKEEPER]


def everyone(status):
    return dict.fromkeys(ROLES, status)


def staff(status, *, anonymous=LOGIN):
    return {**everyone(status), "anonymous": anonymous}


def only(roles, status):
    return {role: (status if role in roles else 403) for role in ROLES} | {"anonymous": LOGIN}


FRONT_OFFICE = {Role.RECEPTIONIST, Role.MANAGER, Role.ADMIN}
MANAGERS = {Role.MANAGER, Role.ADMIN}
TECHNICIAN = {Role.TECHNICIAN}
ADMIN = {Role.ADMIN}
STOCK = {Role.STOREKEEPER, Role.MANAGER, Role.ADMIN}
KEEPERS = {Role.STOREKEEPER, Role.ADMIN}
REQUESTERS = {Role.TECHNICIAN, Role.MANAGER}
STAFF_ROLES = set(Role)

# (endpoint, method) -> role -> expected status. POSTs send blank required fields: the roles allowed in get
# the validation answer (422) or the action's redirect (303).
EXPECTED = {
    ("static", "GET"): everyone(200),
    ("main.index", "GET"): staff(200),
    ("main.healthz", "GET"): everyone(200),
    ("auth.login", "GET"): staff(302, anonymous=200),
    ("auth.login", "POST"): staff(302, anonymous=422),
    ("auth.logout", "POST"): everyone(303),
    ("auth.change_password", "GET"): staff(200),
    ("auth.change_password", "POST"): staff(422),
    ("auth.set_locale", "POST"): everyone(422),
    ("auth.csrf_token", "GET"): everyone(200),
    ("admin.users", "GET"): only(ADMIN, 200),
    ("admin.new_user", "GET"): only(ADMIN, 200),
    ("admin.new_user", "POST"): only(ADMIN, 422),
    ("admin.user_row", "GET"): only(ADMIN, 302),
    ("admin.edit_user", "GET"): only(ADMIN, 200),
    ("admin.edit_user", "POST"): only(ADMIN, 422),
    ("admin.set_user_active", "POST"): only(ADMIN, 422),
    ("admin.branches", "GET"): only(ADMIN, 200),
    ("admin.new_branch", "GET"): only(ADMIN, 200),
    ("admin.new_branch", "POST"): only(ADMIN, 422),
    ("admin.branch_row", "GET"): only(ADMIN, 302),
    ("admin.edit_branch", "GET"): only(ADMIN, 200),
    ("admin.edit_branch", "POST"): only(ADMIN, 422),
    ("admin.set_branch_active", "POST"): only(ADMIN, 422),
    # Customer records are for those whose work needs them: not the stores (the archive rule).
    ("customers.index", "GET"): only(FRONT_OFFICE | TECHNICIAN, 200),
    ("customers.show", "GET"): only(FRONT_OFFICE | TECHNICIAN, 200),
    ("customers.readers", "GET"): only(MANAGERS, 200),
    ("customers.readers_log", "GET"): only(MANAGERS, 200),
    ("customers.new", "GET"): only(FRONT_OFFICE, 200),
    ("customers.new", "POST"): only(FRONT_OFFICE, 422),
    ("customers.edit", "GET"): only(FRONT_OFFICE, 200),
    ("customers.edit", "POST"): only(FRONT_OFFICE, 422),
    ("customers.new_site", "GET"): only(FRONT_OFFICE, 200),
    ("customers.new_site", "POST"): only(FRONT_OFFICE, 422),
    ("customers.edit_site", "GET"): only(FRONT_OFFICE, 200),
    ("customers.edit_site", "POST"): only(FRONT_OFFICE, 422),
    ("customers.new_equipment", "GET"): only(FRONT_OFFICE, 200),
    ("customers.new_equipment", "POST"): only(FRONT_OFFICE, 422),
    ("customers.edit_equipment", "GET"): only(FRONT_OFFICE, 200),
    ("customers.edit_equipment", "POST"): only(FRONT_OFFICE, 422),
    # The job is done and reported, assigned to the technician of the matrix (see url_values).
    ("jobs.index", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.today", "GET"): only(TECHNICIAN, 200),
    ("jobs.new", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.new", "POST"): only(FRONT_OFFICE, 422),
    ("jobs.show", "GET"): staff(200),
    ("jobs.assign", "POST"): only(FRONT_OFFICE, 422),
    ("jobs.start", "POST"): only(TECHNICIAN, 409),
    ("jobs.report", "GET"): only(TECHNICIAN, 302),
    ("jobs.report", "POST"): only(TECHNICIAN, 422),
    ("jobs.print_report", "GET"): staff(200),
    ("jobs.correct", "GET"): only(MANAGERS, 200),
    ("jobs.correct", "POST"): only(MANAGERS, 422),
    ("jobs.callbacks", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.record_callback", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.record_callback", "POST"): only(FRONT_OFFICE, 422),
    ("jobs.resolve", "POST"): only(MANAGERS, 422),
    ("jobs.export_jobs", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.reports", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.export_reports", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.callback_log", "GET"): only(FRONT_OFFICE, 200),
    ("jobs.export_callbacks", "GET"): only(FRONT_OFFICE, 200),
    ("dashboard.index", "GET"): only(MANAGERS, 200),
    ("dashboard.report", "GET"): only(MANAGERS, 200),
    ("inspections.export_inspections", "GET"): staff(200),
    ("inspections.export_actions", "GET"): staff(200),
    ("parts.export_requests", "GET"): staff(200),
    ("parts.export_stock", "GET"): only(STOCK, 200),
    ("parts.moves", "GET"): only(STOCK, 200),
    ("parts.export_moves", "GET"): only(STOCK, 200),
    ("kb.export_report", "GET"): only(MANAGERS, 200),
    # The inspection was submitted by the matrix's technician (see url_values); it has an open corrective action.
    ("inspections.index", "GET"): staff(200),
    ("inspections.assign", "GET"): only(MANAGERS, 200),
    ("inspections.assign", "POST"): only(MANAGERS, 422),
    ("inspections.show", "GET"): only(TECHNICIAN | MANAGERS, 200),
    ("inspections.print_report", "GET"): only(TECHNICIAN | MANAGERS, 200),
    ("inspections.fill", "GET"): only(TECHNICIAN, 302),
    ("inspections.fill", "POST"): only(TECHNICIAN, 409),  # the inspection is already submitted
    ("inspections.sign", "POST"): only(MANAGERS, 422),
    ("inspections.return_", "POST"): only(MANAGERS, 422),
    ("inspections.actions", "GET"): staff(200),
    ("inspections.complete_action", "POST"): only(MANAGERS, 422),
    ("inspections.verify_action", "POST"): only(MANAGERS, 409),
    ("inspections.reassign_action", "POST"): only(MANAGERS, 422),
    ("inspections.ranking", "GET"): only(MANAGERS, 200),
    ("inspections.my_score", "GET"): staff(200),
    ("inspections.templates", "GET"): only(ADMIN, 200),
    ("inspections.templates", "POST"): only(ADMIN, 422),
    ("inspections.edit_template", "GET"): only(ADMIN, 200),
    ("inspections.add_section", "POST"): only(ADMIN, 422),
    ("inspections.remove_section", "POST"): only(ADMIN, 422),
    ("inspections.move_section", "POST"): only(ADMIN, 422),
    ("inspections.set_section_cap", "POST"): only(ADMIN, 422),
    ("inspections.add_item", "POST"): only(ADMIN, 422),
    ("inspections.move_item", "POST"): only(ADMIN, 422),
    ("inspections.remove_item", "POST"): only(ADMIN, 422),
    ("inspections.publish_template", "POST"): only(ADMIN, 422),
    ("inspections.export", "GET"): only(ADMIN, 200),
    ("inspections.import_template", "POST"): only(ADMIN, 422),
    # The article is published, required reading, for every role and branch (see url_values).
    ("kb.index", "GET"): staff(200),
    ("kb.to_read", "GET"): staff(200),
    ("kb.show", "GET"): staff(200),
    ("kb.acknowledge", "POST"): staff(303),
    ("kb.vote", "POST"): staff(422),
    ("kb.history", "GET"): staff(200),
    ("kb.diff", "GET"): staff(422),  # without the two revision numbers
    ("kb.new", "GET"): only(MANAGERS, 200),
    ("kb.new", "POST"): only(MANAGERS, 422),
    ("kb.edit", "GET"): only(MANAGERS, 200),
    ("kb.edit", "POST"): only(MANAGERS, 422),
    ("kb.unpublish", "POST"): only(MANAGERS, 422),  # without the reason
    ("kb.report", "GET"): only(MANAGERS, 200),
    ("offline.service_worker", "GET"): everyone(200),
    ("offline.offline_page", "GET"): everyone(200),
    ("offline.outbox", "GET"): staff(200),
    ("offline.pages", "GET"): staff(200),
    ("attachments.show", "GET"): staff(200),
    ("attachments.thumbnail", "GET"): staff(200),
    # Parts: the request is actor.technician's, submitted; the stock-take is open; the loan is out.
    ("parts.index", "GET"): staff(200),
    ("parts.show", "GET"): staff(200),
    ("parts.new", "GET"): only(ADMIN, 200),
    ("parts.new", "POST"): only(ADMIN, 422),
    ("parts.edit", "GET"): only(ADMIN, 200),
    ("parts.edit", "POST"): only(ADMIN, 422),
    ("parts.import_parts", "GET"): only(ADMIN, 200),
    ("parts.import_parts", "POST"): only(ADMIN, 422),
    ("parts.stores", "GET"): only(STOCK, 200),
    ("parts.low_stock", "GET"): only(STOCK, 200),
    ("parts.store", "GET"): only(STOCK, 200),
    ("parts.receive", "POST"): only(KEEPERS, 422),
    ("parts.move", "POST"): only(KEEPERS, 422),
    ("parts.requests", "GET"): staff(200),
    ("parts.new_request", "GET"): only(REQUESTERS, 200),
    ("parts.new_request", "POST"): only(REQUESTERS, 422),
    ("parts.show_request", "GET"): staff(200),
    ("parts.submit_request", "POST"): only(TECHNICIAN, 409),  # already sent; a manager is not its author
    ("parts.approve", "POST"): only(MANAGERS, 422),
    ("parts.reject", "POST"): only(MANAGERS, 422),
    ("parts.issue", "POST"): only(KEEPERS, 409),
    ("parts.my_van", "GET"): only(TECHNICIAN, 200),
    ("parts.returns", "GET"): only(STOCK, 200),
    ("parts.new_return", "POST"): only(KEEPERS, 422),
    ("parts.loans", "GET"): only(STOCK, 200),
    ("parts.lend", "POST"): only(KEEPERS, 422),
    ("parts.return_loan", "POST"): only(KEEPERS, 303),
    ("parts.start_stock_take", "POST"): only(KEEPERS, 303),
    ("parts.stock_take", "GET"): only(STOCK, 200),
    ("parts.count", "POST"): only(KEEPERS, 422),
    ("parts.approve_stock_take", "POST"): only(MANAGERS, 409),
    # The notification is the matrix technician's: anyone else's is not there for them (404).
    ("notifications.index", "GET"): staff(200),
    ("notifications.bell", "GET"): staff(200),
    ("notifications.open_", "GET"): only(TECHNICIAN, 303) | dict.fromkeys(STAFF_ROLES - TECHNICIAN, 404),
    ("notifications.mark_read", "POST"): only(TECHNICIAN, 303) | dict.fromkeys(STAFF_ROLES - TECHNICIAN, 404),
    ("notifications.mark_all_read", "POST"): staff(303),
    ("notifications.settings", "GET"): staff(200),
    ("notifications.settings", "POST"): staff(303),  # no kind ticked: everything stays in the app
    ("notifications.remove_device", "POST"): staff(422),
    ("notifications.subscribe", "POST"): staff(422),  # a form, not the browser's subscription JSON
    ("notifications.unsubscribe", "POST"): staff(422),
    ("notifications.renew", "POST"): everyone(422),  # the service worker's call: no session needed
    # The front desk. The complaint is open; the appointment lapsed as a no-show; the visitor is signed
    # out; the room booking is cancelled (see url_values): each refuses its next step the same way
    # whatever order the routes are tried in. An administrator belongs to no branch: the registers
    # that record something at the desk ask for an account of a branch (422); the pages that show a
    # branch show the first one.
    ("frontdesk.desk", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.lookup", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.complaints_list", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.new_complaint", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.new_complaint", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.complaint", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.hand_on", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.answer", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.close", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.reopen", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.complaint_job", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.complaint_job", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.appointment_board", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.mark_no_shows", "POST"): only(FRONT_OFFICE, 303),
    ("frontdesk.new_appointment", "GET"): only(FRONT_OFFICE, 200) | {Role.ADMIN: 422},
    ("frontdesk.new_appointment", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.appointment", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.confirm_appointment", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.arrive", "POST"): only(FRONT_OFFICE, 409),
    ("frontdesk.cancel_appointment", "POST"): only(FRONT_OFFICE, 409),
    ("frontdesk.slots", "GET"): only(MANAGERS, 200),
    ("frontdesk.slots", "POST"): only(MANAGERS, 422),
    ("frontdesk.visitor_log", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.new_visitor", "GET"): only(FRONT_OFFICE, 200) | {Role.ADMIN: 422},
    ("frontdesk.new_visitor", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.sign_out_visitor", "POST"): only(FRONT_OFFICE, 409),
    ("frontdesk.room_bookings", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.book_room", "GET"): only(FRONT_OFFICE, 200) | {Role.ADMIN: 422},
    ("frontdesk.book_room", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.cancel_room_booking", "POST"): only(FRONT_OFFICE, 409),
    ("frontdesk.add_room", "POST"): only(MANAGERS, 422),
    ("frontdesk.calls_log", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.log_call", "POST"): only(FRONT_OFFICE, 422),
    ("frontdesk.call_articles", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.call_job", "GET"): only(FRONT_OFFICE, 404),  # without the call it comes from
    ("frontdesk.call_job", "POST"): only(FRONT_OFFICE, 404),
    ("frontdesk.call_report", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.settings", "GET"): only(MANAGERS, 200),
    ("frontdesk.settings", "POST"): only(MANAGERS, 422),
    ("frontdesk.add_calendar_day", "POST"): only(MANAGERS, 422),
    ("frontdesk.remove_calendar_day", "POST"): only(MANAGERS, 303),
    ("frontdesk.duty_roster", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.save_roster", "POST"): only(MANAGERS, 422),
    ("frontdesk.close_out", "GET"): only(MANAGERS, 200),
    ("frontdesk.sign_close_out", "POST"): only(MANAGERS, 422),
    ("frontdesk.desk_statistics", "GET"): only(MANAGERS, 200),
    ("frontdesk.appointment_register", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.export_appointments", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.export_complaints", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.export_visitors", "GET"): only(FRONT_OFFICE, 200),
    ("frontdesk.export_calls", "GET"): only(FRONT_OFFICE, 200),
    # A background export's file: its owner's alone (the matrix's technician asked for it).
    ("downloads.fetch", "GET"): only(TECHNICIAN, 200) | dict.fromkeys(STAFF_ROLES - TECHNICIAN, 404),
}


REFUSED = "refused"  # 403 or 404 (404 where even the row's existence is private)


def branch_row_params() -> set[str]:
    """URL parameters naming a row of one branch, as the modules registered them with scoping (a new
    module's rows are covered by registering them)."""
    return {s.id_param for s in scoping.scopes() if s.id_param and (s.branch or s.branch_of)}


def own_row_params() -> set[str]:
    """URL parameters naming a row of one person: an owner, or reached only through what owns it."""
    return {s.id_param for s in scoping.scopes() if s.id_param and (s.owner or (s.allows and s.rows is None))}


# Answers that differ from "refused" for someone of another branch (url_values' rows are in BJ-FT).
ELSEWHERE = {
    # The front desk answers any customer of the company (storekeepers read no customer record).
    ("customers.show", "GET"): {Role.RECEPTIONIST: 200, Role.MANAGER: 200},
    # An article belongs to its author's branch: another branch's managers read it, never change it.
    ("kb.edit", "GET"): {Role.MANAGER: 403},
    ("kb.edit", "POST"): {Role.MANAGER: 403},
    ("kb.unpublish", "POST"): {Role.MANAGER: 403},
}
# Answers that differ from "refused" for a technician of the same branch who is not the rows' owner.
COLLEAGUE = {}


# Blank required fields of every form: the roles allowed in get a validation answer, never a save. The
# client_id is well formed, as every offline-capable form's is: the route itself decides the answer.
BLANK_FORM = {"login": "", "name": "", "code": "", "model": "", "current": "", "client_id": str(uuid.uuid4())}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_expected_answer_for_every_role(app):
    listed = {(rule.endpoint, method) for rule, method in routes(app)}
    assert listed - EXPECTED.keys() == set(), "add the new routes to EXPECTED"
    assert EXPECTED.keys() - listed == set(), "EXPECTED names routes that no longer exist"
    assert all(set(answers) == set(ROLES) for answers in EXPECTED.values())


def _actor(make_user, login, role, **values):
    return db.session.query(User).filter_by(login=login).one_or_none() or make_user(role, login=login, **values)


# Signing out ends the sign-in that the other routes' clients share: it is asked with a sign-in of its own.
ENDS_SIGN_IN = {("auth.logout", "POST")}


def _clients_of(app, actor):
    """A maker of fresh clients, each signed in as `actor` (None: anonymous).

    Each client starts with the session cookie of one sign-in, as a browser tab just signed in: signing
    in anew for every route cost three requests of every four the matrix makes.
    """
    if actor is None:
        return app.test_client
    signed_in = app.test_client()
    signed_in.login(actor)
    cookie = signed_in.get_cookie(app.config["SESSION_COOKIE_NAME"])

    def open_client():
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        return client

    return open_client


def _answers(app, actor, url_values) -> dict:
    """(endpoint, method) -> (url, status, location) of every route asked by `actor` (None: anonymous)."""
    answers = {}
    open_client = _clients_of(app, actor)
    for rule, method in routes(app):
        client = _clients_of(app, actor)() if (rule.endpoint, method) in ENDS_SIGN_IN else open_client()
        url = rule.build({arg: url_values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        response = client.get(url) if method == "GET" else client.post_form(url, BLANK_FORM)
        answers[(rule.endpoint, method)] = (url, response.status_code, response.headers.get("Location", ""))
    return answers


def _matches(expected, status: int, location: str) -> bool:
    if expected == LOGIN:
        return status == 302 and "/login" in location
    if expected == REFUSED:
        return status in (403, 404)
    return status == expected


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(app, make_user, url_values, role):
    actor = None if role == "anonymous" else _actor(make_user, f"actor.{role}", role)
    mismatches = [
        f"{method} {url}: expected {EXPECTED[(endpoint, method)][role]}, got {status}"
        for (endpoint, method), (url, status, location) in _answers(app, actor, url_values).items()
        if not _matches(EXPECTED[(endpoint, method)][role], status, location)
    ]
    assert not mismatches, "\n".join(mismatches)


# The same routes asked by people who are not where url_values' rows are: someone of the same role in
# another branch, and a technician colleague of the same branch (the rows are actor.technician's).


def expected_for(where: str, endpoint: str, method: str, role, rule) -> object:
    """The answer for `where` ("elsewhere" or "colleague"): as listed in ELSEWHERE or COLLEAGUE, else
    refused for a route naming one of the rows out of their reach, else the answer at home."""
    table, reach = (ELSEWHERE, branch_row_params()) if where == "elsewhere" else (COLLEAGUE, own_row_params())
    listed = table.get((endpoint, method), {})
    if role in listed:
        return listed[role]
    home = EXPECTED[(endpoint, method)][role]
    if set(rule.arguments) & reach and home not in (403, LOGIN):
        return REFUSED
    return home


@pytest.mark.parametrize(
    ("where", "role"),
    [*(("elsewhere", role) for role in ROLES if role not in ("anonymous", Role.ADMIN)), ("colleague", Role.TECHNICIAN)],
)
def test_authorization_matrix_for_another_branch_and_a_colleague(app, make_user, make_branch, url_values, where, role):
    if where == "elsewhere":
        other = make_branch(code="SH-PD", name="浦东客服营业厅")
        actor = _actor(make_user, f"elsewhere.{role}", role, branch=other)
    else:
        actor = _actor(make_user, f"colleague.{role}", role)
    rules = {(rule.endpoint, method): rule for rule, method in routes(app)}
    mismatches = []
    for (endpoint, method), (url, status, location) in _answers(app, actor, url_values).items():
        expected = expected_for(where, endpoint, method, role, rules[(endpoint, method)])
        if not _matches(expected, status, location):
            mismatches.append(f"{method} {url}: expected {expected}, got {status}")
    assert not mismatches, "\n".join(mismatches)
