"""Bad input to every form and unknown ids to every route: a clear 4xx, never a 500, nothing saved."""

import re

import pytest
from sqlalchemy import select

from intranet.auth.models import LoginAttempt, User
from intranet.auth.roles import Role
from intranet.extensions import db
from tests.test_authorization_matrix import EXPECTED, routes

WRONG_TYPES = {
    "installed_on": "31/02/2025",
    "warranty_end": "yesterday",
    "branch_id": "abc",
    "role": "superuser",
    "kind": "alien",
    "active": "maybe",
    "locale": "klingon",
    "remember": "perhaps",
    "quantity": "-1.5",
    "price": "cheap",
    "min_stock": "-3",
    "due_on": "tomorrow",
    "condition": "crushed",
    "technician_id": "abc",
    "borrower_id": "abc",
    "to_store_id": "abc",
    "whole_units": "maybe",
    "helpful": "maybe",
    "position": "first",
    "roles": "superuser",
    "branches": "abc",
}
# Routes that take no input at all: nothing to send them.
NO_INPUT = {"auth.logout", "jobs.start", "parts.return_loan", "parts.start_stock_take", "kb.acknowledge"}
# Routes whose form is not on a GET page of their own: their fields are listed here.
POST_ONLY_FIELDS = {
    "auth.logout": [],
    "auth.set_locale": ["locale", "next"],
    "admin.set_user_active": ["active"],
    "admin.set_branch_active": ["active"],
    "jobs.assign": ["technician_id"],
    "jobs.start": [],
    "jobs.record_callback": ["outcome", "note"],
    "jobs.resolve": ["note"],
    "parts.receive": ["code", "quantity", "note"],
    "parts.move": ["kind", "code", "quantity", "to_store_id", "note"],
    "parts.approve": ["approved-1"],
    "parts.reject": ["reason"],
    "parts.issue": [],
    "parts.submit_request": [],
    "parts.return_loan": [],
    "parts.start_stock_take": [],
    "parts.count": ["action", "count-1"],
    "parts.approve_stock_take": [],
    "inspections.sign": ["confirm"],
    "inspections.return_": ["comment"],
    "inspections.complete_action": ["note"],
    "inspections.verify_action": [],
    "inspections.reassign_action": ["owner_id", "due_on"],
    "inspections.add_section": ["title", "max_points"],
    "inspections.remove_section": ["confirm"],
    "inspections.add_item": ["section_id", "text", "kind", "points", "min", "max", "guidance"],
    "inspections.move_item": ["direction"],
    "inspections.move_section": ["direction"],
    "inspections.remove_item": ["confirm"],
    "inspections.publish_template": ["confirm"],
    "inspections.import_template": ["data"],
    # The fill form of a submitted inspection redirects; these are its fields (item ids of any template).
    "inspections.fill": ["client_id", "intent", "item-1-result", "item-1-count", "item-1-number", "item-1-note"],
    "kb.acknowledge": [],
    "kb.vote": ["helpful"],
    # The report form of a job already reported redirects; its fields are these.
    "jobs.report": [
        "client_id",
        "arrived_at",
        "left_at",
        "fault_found",
        "cause",
        "action_taken",
        "result",
        "parts-0-part_code",
        "parts-0-quantity",
        "satisfaction",
        "customer_comment",
    ],
}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def snapshot():
    """Every row of every table but the login log: what 'nothing half-saved' compares."""
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
        if table.name != LoginAttempt.__tablename__
    }


def form_routes(app, url_values):
    for rule, method in routes(app):
        if method != "POST" or rule.endpoint == "auth.login":
            continue
        url = rule.build({arg: url_values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        yield rule, url


def payloads(fields):
    fields = [name for name in fields if name != "csrf_token"]
    yield "empty", dict.fromkeys(fields, "")
    yield "over-long", dict.fromkeys(fields, "长" * 5000)
    yield "wrong types", {name: WRONG_TYPES.get(name, "\x00<script>") for name in fields}


@pytest.fixture
def admin_client(client, make_user):
    client.login(make_user(Role.ADMIN, login="root"))
    return client


def test_every_form_rejects_empty_over_long_and_mistyped_values(app, admin_client, url_values, db_session):
    problems = []
    for rule, url in form_routes(app, url_values):
        if rule.endpoint in POST_ONLY_FIELDS:
            fields = POST_ONLY_FIELDS[rule.endpoint]
        else:
            fields = FIELD_NAME.findall(admin_client.get(url).get_data(as_text=True).split("<main", 1)[1])
        for kind, data in payloads(fields):
            if rule.endpoint in NO_INPUT:
                continue  # they take no input
            before = snapshot()
            response = admin_client.post_form(url, data, headers={"Accept-Language": "en"})
            text = response.get_data(as_text=True)
            if not 400 <= response.status_code < 500:
                problems.append(f"{kind} to {url}: status {response.status_code}")
            elif response.status_code == 422 and not re.search(r'class="(error|form-errors)"|<h1>', text):
                problems.append(f"{kind} to {url}: no message shown")
            if snapshot() != before:
                problems.append(f"{kind} to {url}: data changed")
    assert problems == []


def test_login_form_rejects_bad_input_without_error(client):
    for kind, data in payloads(["login", "password", "remember"]):
        response = client.post_form("/login", data)
        assert 400 <= response.status_code < 500, kind


def test_unknown_ids_answer_404_on_every_route(app, admin_client, url_values, db_session):
    technician_client = app.test_client()
    technician_client.login(db_session.query(User).filter_by(login="actor.technician").one())
    problems = []
    for rule, method in routes(app):
        # Ask as someone the route is for: the admin, or the technician for technician-only routes.
        client = admin_client if EXPECTED[(rule.endpoint, method)][Role.ADMIN] != 403 else technician_client
        int_args = [arg for arg in rule.arguments if arg.endswith("_id")]
        if not int_args:
            continue
        values = {arg: url_values[arg] for arg in rule.arguments} | dict.fromkeys(int_args, 987654)
        url = rule.build(values, append_unknown=False)[1]
        response = client.get(url) if method == "GET" else client.post_form(url, {"name": "x"})
        if response.status_code != 404:
            problems.append(f"{method} {url}: {response.status_code}")
    assert problems == []
    assert "No such customer." in admin_client.get("/customers/987654", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_search_with_control_characters_is_harmless(admin_client):
    assert admin_client.get("/customers?q=%00abc").status_code == 200
    assert admin_client.get("/admin/users?q=%00").status_code == 200


def test_ids_that_are_not_numbers_are_404(admin_client):
    assert admin_client.get("/customers/abc").status_code == 404
    assert admin_client.get("/customers/1e3").status_code == 404
