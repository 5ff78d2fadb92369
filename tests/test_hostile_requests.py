"""Requests from the hostile probe of the app (about 400 of them), one by one where they once broke it.

Each answered 500, stored something other than what was typed, or sent markup back. The generated test
(test_bad_input.py) tries their kinds on every route and field; these keep the original cases readable.
"""

import io
import json
import re
from datetime import date

import pytest

from intranet.access.roles import Role
from intranet.parts.models import Loan, Part
from tests.conftest import page_text

HUGE = "99999999999999999999999"
EN = {"Accept-Language": "en"}


@pytest.fixture
def admin(client, make_user):
    client.login(make_user(Role.ADMIN, login="root"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/jobs/{HUGE}",
        f"/kb/{HUGE}",
        f"/attachments/{HUGE}",
        f"/parts/{HUGE}",
        f"/admin/branches/{HUGE}/edit",
        "/jobs/9223372036854775808",
    ],
)
def test_an_id_past_what_a_database_stores_is_not_found(admin, url):
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", [f"/jobs?technician={HUGE}", f"/jobs?branch={HUGE}", f"/inspections/actions?branch={HUGE}"]
)
def test_a_list_filter_past_what_a_database_stores_is_refused_with_a_message(admin, url):
    response = admin.get(url, headers=EN)
    assert response.status_code == 422
    assert "Unknown filter value" in page_text(response)


@pytest.fixture
def keeper(client, make_user, make_store):
    store = make_store()
    keeper = make_user(Role.STOREKEEPER, login="hostile.keeper")
    client.login(keeper)
    return client, store, make_user(Role.TECHNICIAN, login="borrower")


@pytest.mark.parametrize("quantity", ["1e30", "1e-30", "NaN", "0.0001"])
def test_a_loan_quantity_that_does_not_fit_is_refused_not_rounded(keeper, db_session, quantity):
    client, _store, borrower = keeper
    data = {"item": "万用表", "quantity": quantity, "borrower_id": borrower.id, "due_on": str(date.today())}
    response = client.post_form("/parts/loans", data, headers=EN)
    assert response.status_code == 422
    assert db_session.query(Loan).count() == 0


@pytest.mark.parametrize("price", ["1e30", "1e-30", "0.001"])
def test_a_part_price_that_does_not_fit_is_refused_not_rounded(admin, db_session, price):
    data = {"code": "HOSTILE-1", "name": "测试", "price": price, "min_stock": "0", "whole_units": "y"}
    response = admin.post_form("/parts/new", data, headers=EN)
    assert response.status_code == 422
    assert db_session.query(Part).count() == 0


def test_a_minimum_stock_of_zero_is_saved(admin, db_session):
    data = {"code": "ZERO-1", "name": "测试", "price": "0", "min_stock": "0", "whole_units": "y"}
    assert admin.post_form("/parts/new", data).status_code == 303
    assert db_session.query(Part).one().min_stock == 0


def _checklist(max_points) -> bytes:
    return json.dumps(
        {
            "format": "intranet.inspection-template/1",
            "code": "HOSTILE",
            "title": "x",
            "sections": [{"title": "s", "max_points": max_points, "items": [{"kind": "pass_fail", "text": "t"}]}],
        }
    ).encode()


@pytest.mark.parametrize(
    "content",
    [
        b'{"format": "intranet.inspection-template/1", "code": ' + b"9" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        _checklist("9" * 5000),
        _checklist("1e-30"),
    ],
    ids=["5000-digit integer", "100k-deep", "5000-digit maximum", "1e-30 maximum"],
)
def test_a_checklist_import_with_a_number_or_a_depth_no_one_needs_is_refused(admin, content):
    data = {"file": (io.BytesIO(content), "checklist.json")}
    response = admin.post_form("/inspections/templates/import", data, headers=EN)
    assert response.status_code == 422


def test_url_fors_own_arguments_in_a_list_query_are_not_passed_on(admin, make_job, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    for _ in range(3):
        make_job()
    for query in ("_method=DELETE", "_external=1&_scheme=javascript", "_anchor=x&page=2"):
        response = admin.get(f"/jobs?status=assigned&{query}")
        assert response.status_code == 200, query
        links = re.findall(r'(?:href|hx-get)="([^"]*)"', response.get_data(as_text=True))
        pages = [link for link in links if "page=" in link]
        assert pages, query  # the pagination links were built, keeping the filter
        assert all(link.startswith("/jobs?") and "status=assigned" in link for link in pages), pages
        assert not any("_method" in link or "_anchor" in link or "javascript:" in link for link in links), query


def test_an_htmx_error_answer_that_quotes_the_input_escapes_it(keeper):
    client, store, _borrower = keeper
    response = client.post_form(
        f"/parts/stores/{store.id}/receipt",
        {"code": "<img src=x onerror=alert(1)>", "quantity": "1"},
        headers={"HX-Request": "true", **EN},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<IMG" not in body.upper() and "&lt;IMG SRC=X ONERROR=ALERT(1)&gt;" in body
