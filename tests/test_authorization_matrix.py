"""Every route, every role: the answer each one gets. A route missing from the table fails the suite."""

import pytest

from intranet.auth.models import User
from intranet.auth.roles import Role
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
    ("customers.index", "GET"): staff(200),
    ("customers.show", "GET"): staff(200),
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
    ("jobs.record_callback", "POST"): only(FRONT_OFFICE, 422),
    ("jobs.resolve", "POST"): only(MANAGERS, 422),
    # The inspection was submitted by the matrix's technician (see url_values); it has an open corrective action.
    ("inspections.index", "GET"): staff(200),
    ("inspections.assign", "GET"): only(MANAGERS, 200),
    ("inspections.assign", "POST"): only(MANAGERS, 422),
    ("inspections.show", "GET"): only(TECHNICIAN | MANAGERS, 200),
    ("inspections.print_report", "GET"): only(TECHNICIAN | MANAGERS, 200),
    ("inspections.fill", "GET"): only(TECHNICIAN, 302),
    ("inspections.fill", "POST"): only(TECHNICIAN, 422),
    ("inspections.sign", "POST"): only(MANAGERS, 422),
    ("inspections.return_", "POST"): only(MANAGERS, 422),
    ("inspections.actions", "GET"): staff(200),
    ("inspections.complete_action", "POST"): only(MANAGERS, 422),
    ("inspections.verify_action", "POST"): only(MANAGERS, 409),
    ("inspections.reassign_action", "POST"): only(MANAGERS, 422),
    ("inspections.ranking", "GET"): only(MANAGERS, 200),
    ("inspections.templates", "GET"): only(ADMIN, 200),
    ("inspections.templates", "POST"): only(ADMIN, 422),
    ("inspections.edit_template", "GET"): only(ADMIN, 200),
    ("inspections.add_section", "POST"): only(ADMIN, 422),
    ("inspections.remove_section", "POST"): only(ADMIN, 422),
    ("inspections.move_section", "POST"): only(ADMIN, 422),
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
    ("parts.returns", "GET"): only(STOCK, 200),
    ("parts.new_return", "POST"): only(KEEPERS, 422),
    ("parts.loans", "GET"): only(STOCK, 200),
    ("parts.lend", "POST"): only(KEEPERS, 422),
    ("parts.return_loan", "POST"): only(KEEPERS, 303),
    ("parts.start_stock_take", "POST"): only(KEEPERS, 303),
    ("parts.stock_take", "GET"): only(STOCK, 200),
    ("parts.count", "POST"): only(KEEPERS, 422),
    ("parts.approve_stock_take", "POST"): only(MANAGERS, 409),
}


# Blank required fields of every form: the roles allowed in get a validation answer, never a save.
BLANK_FORM = {"login": "", "name": "", "code": "", "model": "", "current": ""}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_expected_answer_for_every_role(app):
    listed = {(rule.endpoint, method) for rule, method in routes(app)}
    assert listed - EXPECTED.keys() == set(), "add the new routes to EXPECTED"
    assert EXPECTED.keys() - listed == set(), "EXPECTED names routes that no longer exist"
    assert all(set(answers) == set(ROLES) for answers in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(app, make_user, url_values, role):
    actor = None
    if role != "anonymous":
        actor = db.session.query(User).filter_by(login=f"actor.{role}").one_or_none() or make_user(
            role, login=f"actor.{role}"
        )
    mismatches = []
    for rule, method in routes(app):
        client = app.test_client()
        if actor is not None:
            client.login(actor)
        url = rule.build({arg: url_values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        response = client.get(url) if method == "GET" else client.post_form(url, BLANK_FORM)
        expected = EXPECTED[(rule.endpoint, method)][role]
        if expected == LOGIN:
            ok = response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            ok = response.status_code == expected
        if not ok:
            mismatches.append(f"{method} {url}: expected {expected}, got {response.status_code}")
    assert mismatches == []
