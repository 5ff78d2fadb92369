"""Loans move stock in the ledger, and a part that first arrives during a stock-take is counted too."""

from datetime import date, timedelta

from intranet.parts import ledger
from intranet.parts.models import Loan, StockMove, StockTake
from tests.conftest import page_text
from tests.parts.test_requests import EN, as_user, people, setup  # noqa: F401  (fixtures)


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
