"""Part requests over HTTP: ask, approve all or part, reject with a reason, issue to the van; bad input refused.
Loans and stock-takes in the ledger."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from intranet.access.roles import Role
from intranet.jobs.models import PartUsed
from intranet.parts import ledger, part_requests
from intranet.parts.models import Loan, OldPartReturn, PartRequest, StockMove, StockTake
from tests.conftest import page_text
from tests.jobs.test_reports import post_report, report_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def people(make_user):
    return {
        "tech": make_user(Role.TECHNICIAN, login="tech", name="张伟"),
        "manager": make_user(Role.MANAGER, login="boss", name="王建国"),
        "keeper": make_user(Role.STOREKEEPER, login="keeper", name="孙库管"),
    }


@pytest.fixture
def setup(people, make_part, make_store, stock, make_job):
    warehouse = make_store(name="丰台仓库")
    van = make_store("van", technician=people["tech"], name="张伟的车")
    ignitor = make_part(code="IGN-07", name="点火针")
    seal = make_part(code="SEAL-22", name="密封圈")
    stock(warehouse, ignitor, 5)
    stock(warehouse, seal, 10)
    job = make_job(technician=people["tech"])
    return {"warehouse": warehouse, "van": van, "ignitor": ignitor, "seal": seal, "job": job}


def as_user(app, user):
    client = app.test_client()
    client.login(user)
    return client


def ask(client, job=None, lines=(("IGN-07", "2"), ("SEAL-22", "4")), client_id=None):
    data = {"client_id": client_id or str(uuid.uuid4()), "note": "急用"}
    if job is not None:
        data["job_id"] = str(job.id)
    for n, (code, quantity) in enumerate(lines):
        data[f"lines-{n}-code"] = code
        data[f"lines-{n}-quantity"] = quantity
    return client.post_form("/parts/requests/new", data, headers=EN)


def test_ask_approve_part_issue_and_use_on_the_visit_report(app, db_session, people, setup):
    tech = as_user(app, people["tech"])
    response = ask(tech, setup["job"])
    assert response.status_code == 303
    request = db_session.query(PartRequest).one()
    assert request.status == "submitted" and request.job_id == setup["job"].id
    ignitor_line, seal_line = request.lines

    manager = as_user(app, people["manager"])
    page = manager.get(f"/parts/requests/{request.id}", headers=EN)
    assert "Approve these quantities" in page_text(page)
    response = manager.post_form(
        f"/parts/requests/{request.id}/approve",
        {f"approved-{ignitor_line.id}": "2", f"approved-{seal_line.id}": "1"},
        headers=EN,
    )
    assert response.status_code == 303
    db_session.refresh(request)
    assert request.status == "partly_approved" and seal_line.approved_quantity == 1

    assert tech.post_form(f"/parts/requests/{request.id}/issue", {}).status_code == 403
    keeper = as_user(app, people["keeper"])
    assert keeper.post_form(f"/parts/requests/{request.id}/issue", {}).status_code == 303
    db_session.commit()
    warehouse, van = setup["warehouse"], setup["van"]
    assert ledger.balance(warehouse.id, setup["ignitor"].id) == 3
    assert ledger.balance(van.id, setup["ignitor"].id) == 2
    assert ledger.balance(van.id, setup["seal"].id) == 1
    db_session.refresh(request)
    assert request.status == "issued"

    # The visit report takes the parts out of the van; the request is closed.
    tech.post_form(f"/jobs/{setup['job'].id}/start", {"client_id": str(uuid.uuid4())})
    response = post_report(
        tech,
        setup["job"],
        report_form(**{"parts-0-part_code": "ign-07", "parts-0-quantity": "2", "parts-0-description": ""}),
    )
    assert response.status_code == 303
    db_session.commit()
    assert ledger.balance(van.id, setup["ignitor"].id) == 0 == ledger.ledger_sum(van.id, setup["ignitor"].id)
    used = db_session.query(PartUsed).one()
    assert used.part_id == setup["ignitor"].id and used.part_code == "IGN-07" and used.description == "点火针"
    db_session.refresh(request)
    assert request.status == "closed"


def test_a_van_without_enough_stock_refuses_the_report_and_saves_nothing(app, db_session, people, setup):
    tech = as_user(app, people["tech"])
    response = post_report(tech, setup["job"], report_form(**{"parts-0-part_code": "IGN-07", "parts-0-quantity": "1"}))
    assert response.status_code == 422
    assert "Not enough IGN-07 in 张伟的车" in page_text(response)
    assert db_session.query(PartUsed).count() == 0
    assert db_session.query(StockMove).filter(StockMove.from_store_id == setup["van"].id).count() == 0


def test_an_unknown_code_on_a_report_is_refused(app, db_session, people, setup):
    tech = as_user(app, people["tech"])
    response = post_report(tech, setup["job"], report_form(**{"parts-0-part_code": "NOPE-1", "parts-0-quantity": "1"}))
    assert response.status_code == 422
    assert "Unknown part code NOPE-1" in page_text(response)


def test_a_replayed_request_makes_one(app, db_session, people, setup):
    tech = as_user(app, people["tech"])
    client_id = str(uuid.uuid4())
    first, again = ask(tech, client_id=client_id), ask(tech, client_id=client_id)
    assert first.status_code == again.status_code == 303
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db_session.query(PartRequest).count() == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((("IGN-07", "-2"),), "must be more than zero"),
        ((("IGN-07", "1.5"),), "counted in whole units"),
        ((("IGN-07", "two"),), "Write a number"),
        ((("XYZ-404", "1"),), "Unknown part code XYZ-404"),
        ((("IGN-07", "1"), ("ign-07", "1")), "asked for twice"),
        ((), "Ask for at least one part"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(app, db_session, people, setup, lines, message):
    response = ask(as_user(app, people["tech"]), lines=lines)
    assert response.status_code == 422
    assert message in page_text(response)
    assert db_session.query(PartRequest).count() == 0


def test_approving_ones_own_request_is_refused(app, db_session, people, setup):
    manager = as_user(app, people["manager"])
    assert ask(manager, lines=(("SEAL-22", "1"),)).status_code == 303
    request = db_session.query(PartRequest).one()
    response = manager.post_form(
        f"/parts/requests/{request.id}/approve", {f"approved-{request.lines[0].id}": "1"}, headers=EN
    )
    assert response.status_code == 403
    assert "cannot approve or reject your own request" in page_text(response)
    db_session.refresh(request)
    assert request.status == "submitted"


def test_rejecting_needs_a_reason_and_approving_more_than_asked_is_refused(app, db_session, people, setup):
    ask(as_user(app, people["tech"]), lines=(("SEAL-22", "2"),))
    request = db_session.query(PartRequest).one()
    manager = as_user(app, people["manager"])
    line = request.lines[0]
    too_many = manager.post_form(f"/parts/requests/{request.id}/approve", {f"approved-{line.id}": "3"}, headers=EN)
    assert too_many.status_code == 422 and "more SEAL-22 than was asked for" in page_text(too_many)
    negative = manager.post_form(f"/parts/requests/{request.id}/approve", {f"approved-{line.id}": "-1"}, headers=EN)
    assert negative.status_code == 422
    assert manager.post_form(f"/parts/requests/{request.id}/reject", {"reason": ""}).status_code == 422
    response = manager.post_form(f"/parts/requests/{request.id}/reject", {"reason": "上周刚领过"}, headers=EN)
    assert response.status_code == 303
    db_session.refresh(request)
    assert request.status == "rejected" and request.rejection_reason == "上周刚领过"
    issue = as_user(app, people["keeper"]).post_form(f"/parts/requests/{request.id}/issue", {}, headers=EN)
    assert issue.status_code == 409


def test_issuing_more_than_the_warehouse_holds_issues_nothing(app, db_session, people, setup):
    ask(as_user(app, people["tech"]), lines=(("IGN-07", "5"), ("SEAL-22", "11")))
    request = db_session.query(PartRequest).one()
    part_requests.approve_request(people["manager"], request)
    db_session.commit()
    response = as_user(app, people["keeper"]).post_form(f"/parts/requests/{request.id}/issue", {}, headers=EN)
    assert response.status_code == 422
    db_session.commit()
    assert ledger.balance(setup["warehouse"].id, setup["ignitor"].id) == 5  # the first line was rolled back too
    assert ledger.balance(setup["van"].id, setup["ignitor"].id) == 0


def test_a_technician_sees_only_their_own_requests(app, db_session, people, setup, make_user):
    ask(as_user(app, people["tech"]), lines=(("SEAL-22", "1"),))
    request = db_session.query(PartRequest).one()
    other = as_user(app, make_user(Role.TECHNICIAN))
    assert other.get(f"/parts/requests/{request.id}").status_code == 403
    assert "R0000" not in other.get("/parts/requests").get_data(as_text=True)


def test_old_part_return_with_a_warranty_claim(app, db_session, people, setup):
    keeper = as_user(app, people["keeper"])
    returned = {
        "client_id": str(uuid.uuid4()),
        "code": "IGN-07",
        "quantity": "1",
        "technician_id": str(people["tech"].id),
        "condition": "faulty",
        "warranty_claim": "y",
        "claim_reference": "WC-2026-001",
    }
    response = keeper.post_form("/parts/returns", returned, headers=EN)
    assert response.status_code == 303
    page = page_text(keeper.get("/parts/returns", headers=EN))
    assert "IGN-07" in page and "Faulty" in page and "WC-2026-001" in page
    # Recorded offline and sent again by the outbox: the register holds it once.
    again = keeper.post_form("/parts/returns", returned, headers=EN)
    assert again.status_code == 303 and again.headers["Idempotent-Replayed"] == "true"
    assert db_session.query(OldPartReturn).count() == 1
    bad = keeper.post_form(
        "/parts/returns",
        {
            "client_id": str(uuid.uuid4()),
            "code": "IGN-07",
            "quantity": "0.5",
            "technician_id": str(people["tech"].id),
            "condition": "faulty",
        },
        headers=EN,
    )
    assert bad.status_code == 422 and "whole units" in page_text(bad)


def test_loans_become_overdue_and_are_returned(app, db_session, people, setup):
    from datetime import date, timedelta

    from intranet.parts.models import Loan

    keeper = as_user(app, people["keeper"])
    due = (date.today() + timedelta(days=2)).isoformat()
    response = keeper.post_form(
        "/parts/loans", {"item": "压力表", "quantity": "1", "borrower_id": str(people["tech"].id), "due_on": due}
    )
    assert response.status_code == 303
    loan = db_session.query(Loan).one()
    assert not loan.is_overdue(date.today()) and loan.is_overdue(date.today() + timedelta(days=3))
    past = keeper.post_form(
        "/parts/loans",
        {"item": "压力表", "quantity": "1", "borrower_id": str(people["tech"].id), "due_on": "2020-01-01"},
    )
    assert past.status_code == 422
    assert keeper.post_form(f"/parts/loans/{loan.id}/return", {}).status_code == 303
    assert keeper.post_form(f"/parts/loans/{loan.id}/return", {}).status_code == 409


def test_stock_take_differences_become_adjustments_after_approval(app, db_session, people, setup):
    keeper = as_user(app, people["keeper"])
    warehouse = setup["warehouse"]
    response = keeper.post_form(f"/parts/stores/{warehouse.id}/stock-take", {})
    take_url = response.headers["Location"]
    from intranet.parts.models import StockTake

    take = db_session.query(StockTake).one()
    counts = {f"count-{line.id}": {"IGN-07": "4", "SEAL-22": "12"}[line.part.code] for line in take.lines}
    assert keeper.post_form(take_url, {**counts, "action": "submit"}).status_code == 303
    assert keeper.post_form(f"{take_url}/approve", {}).status_code == 403  # storekeepers do not approve
    manager = as_user(app, people["manager"])
    assert manager.post_form(f"{take_url}/approve", {}).status_code == 303
    db_session.commit()
    assert (
        ledger.balance(warehouse.id, setup["ignitor"].id) == 4 == ledger.ledger_sum(warehouse.id, setup["ignitor"].id)
    )
    assert ledger.balance(warehouse.id, setup["seal"].id) == 12
    assert db_session.query(StockMove).filter_by(kind="adjustment", stock_take_id=take.id).count() == 2


def test_low_stock_list_highlights_parts_under_their_minimum(app, db_session, people, setup, make_part):
    make_part(code="FLT-3", name="滤网", min_stock=Decimal(20))
    page = as_user(app, people["manager"]).get("/parts/low-stock", headers=EN)
    assert 'class="low-stock"' in page.get_data(as_text=True) and "FLT-3" in page_text(page)
    assert "IGN-07" not in page_text(page)


def test_catalogue_live_search_by_code_or_name(app, db_session, people, setup):
    client = as_user(app, people["tech"])
    fragment = client.htmx_get("/parts?q=点火", "part-results")
    text = fragment.get_data(as_text=True)
    assert "IGN-07" in text and "SEAL-22" not in text and "<html" not in text
    assert "SEAL-22" in client.htmx_get("/parts?q=seal", "part-results").get_data(as_text=True)
    assert "<html" in client.get("/parts?q=seal").get_data(as_text=True)


def test_the_request_form_is_kept_offline_for_technicians(app, db_session, people, setup):
    from intranet.offline.pages import pages_for

    with app.test_request_context():
        assert "/parts/requests/new" in pages_for(people["tech"])
        assert "/parts/requests/new" not in pages_for(people["keeper"])


def test_a_van_returns_parts_to_the_warehouse_and_a_broken_one_is_scrapped(app, db_session, people, setup):
    warehouse, van, ignitor = setup["warehouse"], setup["van"], setup["ignitor"]
    keeper = as_user(app, people["keeper"])
    move = {"kind": "transfer", "code": "IGN-07", "quantity": "3", "to_store_id": str(van.id)}
    assert keeper.post_form(f"/parts/stores/{warehouse.id}/move", move).status_code == 303
    back = {"kind": "return", "code": "IGN-07", "quantity": "1", "to_store_id": str(warehouse.id)}
    assert keeper.post_form(f"/parts/stores/{van.id}/move", back).status_code == 303
    wrong_way = keeper.post_form(f"/parts/stores/{warehouse.id}/move", {**back, "to_store_id": str(van.id)}, headers=EN)
    assert wrong_way.status_code == 422 and "from a van back to a warehouse" in page_text(wrong_way)
    scrap = {"kind": "scrap", "code": "IGN-07", "quantity": "1"}
    assert keeper.post_form(f"/parts/stores/{van.id}/move", scrap).status_code == 303
    too_many = keeper.post_form(f"/parts/stores/{van.id}/move", {**scrap, "quantity": "5"}, headers=EN)
    assert too_many.status_code == 422 and "Not enough IGN-07" in page_text(too_many)
    db_session.commit()
    assert ledger.balance(warehouse.id, ignitor.id) == 3 == ledger.ledger_sum(warehouse.id, ignitor.id)
    assert ledger.balance(van.id, ignitor.id) == 1 == ledger.ledger_sum(van.id, ignitor.id)
    page = page_text(keeper.get(f"/parts/stores/{van.id}", headers=EN))
    assert "Return" in page and "Scrap" in page


def test_a_draft_waits_for_its_author_to_send_it(app, db_session, people, setup):
    tech = as_user(app, people["tech"])
    response = tech.post_form(
        "/parts/requests/new",
        {"client_id": str(uuid.uuid4()), "lines-0-code": "SEAL-22", "lines-0-quantity": "1", "draft": "y"},
    )
    assert response.status_code == 303
    request = db_session.query(PartRequest).one()
    assert request.status == "draft"
    manager = as_user(app, people["manager"])
    approve = {f"approved-{request.lines[0].id}": "1"}
    assert manager.post_form(f"/parts/requests/{request.id}/approve", approve).status_code == 409
    assert manager.post_form(f"/parts/requests/{request.id}/submit", {}).status_code == 403
    assert tech.post_form(f"/parts/requests/{request.id}/submit", {}).status_code == 303
    assert tech.post_form(f"/parts/requests/{request.id}/submit", {}).status_code == 409
    assert manager.post_form(f"/parts/requests/{request.id}/approve", approve).status_code == 303
    db_session.refresh(request)
    assert request.status == "approved"


def test_the_admin_can_make_a_storekeeper(app, db_session, make_user):
    admin = as_user(app, make_user(Role.ADMIN, login="root"))
    page = admin.get("/admin/users/new", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'value="storekeeper"' in page and "库管员" in page


def test_a_report_uses_a_fraction_of_a_divisible_part(app, db_session, people, setup, make_part, stock):
    oil = make_part(code="OIL-46", name="液压油", unit="升", whole_units=False)
    stock(setup["van"], oil, 5)
    tech = as_user(app, people["tech"])
    lines = {"parts-0-part_code": "OIL-46", "parts-0-quantity": "1.5", "parts-0-description": ""}
    response = post_report(tech, setup["job"], report_form(**lines))
    assert response.status_code == 303
    db_session.commit()
    assert ledger.balance(setup["van"].id, oil.id) == Decimal("3.5")
    assert db_session.query(PartUsed).one().quantity == Decimal("1.5")
    page = page_text(tech.get(f"/jobs/{setup['job'].id}", headers=EN))
    assert "OIL-46 液压油 1.5" in page


def test_stock_moved_while_counting_is_not_a_difference(app, db_session, people, setup):
    keeper = as_user(app, people["keeper"])
    warehouse, van, ignitor = setup["warehouse"], setup["van"], setup["ignitor"]
    take_url = keeper.post_form(f"/parts/stores/{warehouse.id}/stock-take", {}).headers["Location"]
    from intranet.parts.models import StockTake

    take = db_session.query(StockTake).one()
    # Two ignitors leave for a van while the sheet is open; the shelf then holds 3, one is missing.
    ledger.post_move(people["keeper"], "issue", ignitor, 2, from_store=warehouse, to_store=van)
    db_session.commit()
    counts = {f"count-{line.id}": {"IGN-07": "2", "SEAL-22": "10"}[line.part.code] for line in take.lines}
    assert keeper.post_form(take_url, {**counts, "action": "submit"}).status_code == 303
    assert as_user(app, people["manager"]).post_form(f"{take_url}/approve", {}).status_code == 303
    db_session.commit()
    assert ledger.balance(warehouse.id, ignitor.id) == 2 == ledger.ledger_sum(warehouse.id, ignitor.id)
    adjustments = db_session.query(StockMove).filter_by(kind="adjustment", stock_take_id=take.id).all()
    assert [(m.part.code, m.quantity, m.from_store_id) for m in adjustments] == [("IGN-07", 1, warehouse.id)]


# Loans move stock in the ledger; a part that first arrives during a stock-take is counted too.


def lend(client, borrower, code="IGN-07", quantity="2", item=""):
    due = (date.today() + timedelta(days=2)).isoformat()
    data = {"code": code, "item": item, "quantity": quantity, "borrower_id": str(borrower.id), "due_on": due}
    return client.post_form("/parts/loans", data, headers=EN)


def test_a_loan_takes_the_part_out_of_the_warehouse_and_its_return_puts_it_back(app, db_session, people, setup):
    warehouse, ignitor = setup["warehouse"], setup["ignitor"]
    keeper = as_user(app, people["keeper"])
    assert lend(keeper, people["tech"]).status_code == 303
    db_session.commit()
    loan = db_session.query(Loan).one()
    assert loan.store_id == warehouse.id and loan.part_id == ignitor.id
    # Out of the available stock, in the ledger: the balance and the sum of moves agree.
    assert ledger.balance(warehouse.id, ignitor.id) == 3 == ledger.ledger_sum(warehouse.id, ignitor.id)
    lent = db_session.query(StockMove).filter_by(loan_id=loan.id).one()
    assert lent.kind == "loan" and lent.from_store_id == warehouse.id and lent.to_store_id is None

    too_many = lend(keeper, people["tech"], quantity="4")
    assert too_many.status_code == 422 and "Not enough IGN-07" in page_text(too_many)

    assert keeper.post_form(f"/parts/loans/{loan.id}/return", {}).status_code == 303
    db_session.commit()
    assert ledger.balance(warehouse.id, ignitor.id) == 5 == ledger.ledger_sum(warehouse.id, ignitor.id)
    back = db_session.query(StockMove).filter_by(loan_id=loan.id, kind="loan_return").one()
    assert back.to_store_id == warehouse.id and back.from_store_id is None
    assert keeper.post_form(f"/parts/loans/{loan.id}/return", {}).status_code == 409
    assert db_session.query(StockMove).filter_by(loan_id=loan.id).count() == 2  # returned once only


def test_a_tool_outside_the_catalogue_is_lent_without_a_stock_move(app, db_session, people, setup):
    keeper = as_user(app, people["keeper"])
    assert lend(keeper, people["tech"], code="", item="压力表", quantity="1").status_code == 303
    loan = db_session.query(Loan).one()
    assert loan.store_id is None
    assert keeper.post_form(f"/parts/loans/{loan.id}/return", {}).status_code == 303
    assert db_session.query(StockMove).filter(StockMove.loan_id.is_not(None)).count() == 0


def test_a_part_that_first_arrives_during_a_stock_take_is_on_the_sheet(app, db_session, people, setup, make_part):
    warehouse = setup["warehouse"]
    keeper = as_user(app, people["keeper"])
    take_url = keeper.post_form(f"/parts/stores/{warehouse.id}/stock-take", {}).headers["Location"]
    filter_part = make_part(code="FLT-3", name="滤网")
    received = {"code": "FLT-3", "quantity": "6", "note": ""}
    assert keeper.post_form(f"/parts/stores/{warehouse.id}/receipt", received).status_code == 303
    db_session.commit()
    take = db_session.query(StockTake).one()
    lines = {line.part.code: line for line in take.lines}
    assert set(lines) == {"IGN-07", "SEAL-22", "FLT-3"}
    assert "FLT-3" in page_text(keeper.get(take_url, headers=EN))

    # Left uncounted, the sheet cannot be handed in; counted short, the loss is booked on approval.
    counts = {f"count-{lines['IGN-07'].id}": "5", f"count-{lines['SEAL-22'].id}": "10"}
    refused = keeper.post_form(take_url, {**counts, "action": "submit"}, headers=EN)
    assert refused.status_code == 422 and "Count every line" in page_text(refused)
    counts[f"count-{lines['FLT-3'].id}"] = "5"
    assert keeper.post_form(take_url, {**counts, "action": "submit"}).status_code == 303
    assert as_user(app, people["manager"]).post_form(f"{take_url}/approve", {}).status_code == 303
    db_session.commit()
    assert ledger.balance(warehouse.id, filter_part.id) == 5 == ledger.ledger_sum(warehouse.id, filter_part.id)

    # Arrivals after the sheet was handed in wait for the next count: that sheet is closed.
    assert keeper.post_form(f"/parts/stores/{warehouse.id}/receipt", received).status_code == 303
    db_session.commit()
    assert len(db_session.query(StockTake).one().lines) == 3


def test_a_technician_sees_their_van_and_keeps_the_page_offline(app, db_session, people, setup, make_user):
    from intranet.offline.pages import pages_for

    van, warehouse = setup["van"], setup["warehouse"]
    ledger.post_move(people["keeper"], "issue", setup["ignitor"], 3, from_store=warehouse, to_store=van)
    ledger.post_move(people["keeper"], "issue", setup["ignitor"], 1, from_store=van, job_id=setup["job"].id)
    db_session.commit()
    tech = as_user(app, people["tech"])
    page = tech.get("/parts/my-van", headers=EN)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-part="IGN-07"' in text and "SEAL-22" not in text  # only what the van holds
    assert "used on the job" in page_text(page)  # and where it went
    assert "/parts/my-van" in page_text(tech.get("/", headers=EN)) or 'href="/parts/my-van"' in text
    with app.test_request_context():
        assert "/parts/my-van" in pages_for(people["tech"])
        assert "/parts/my-van" not in pages_for(people["keeper"])
    assert as_user(app, people["keeper"]).get("/parts/my-van").status_code == 403
    no_van_yet = as_user(app, make_user(Role.TECHNICIAN))
    assert "no van yet" in page_text(no_van_yet.get("/parts/my-van", headers=EN))
