"""The customer archive rule: every read of a customer's record is logged for the branch's managers;
storekeepers do not read customer records."""

from sqlalchemy import func, select

from intranet.access.roles import Role
from intranet.customers.models import CustomerRecordView
from tests.conftest import page_text


def _views(db_session) -> list[CustomerRecordView]:
    return list(db_session.scalars(select(CustomerRecordView).order_by(CustomerRecordView.id)))


def test_a_view_of_a_customer_record_writes_one_log_row_that_a_manager_sees(client, db_session, make_user, make_site):
    customer = make_site().customer
    receptionist = make_user(Role.RECEPTIONIST, name="李静")
    client.login(receptionist)
    assert client.get(f"/customers/{customer.id}").status_code == 200
    [view] = _views(db_session)
    assert (view.customer_id, view.viewer_id, view.page) == (customer.id, receptionist.id, "record")
    assert view.at is not None
    # A search lists customers without opening a record: nothing more is logged.
    client.get(f"/customers?q={customer.name}")
    assert len(_views(db_session)) == 1
    # Nor can the receptionist read the log.
    assert client.get(f"/customers/{customer.id}/readers").status_code == 403

    manager = make_user(Role.MANAGER, login="archive.manager")
    manager_client = client.application.test_client()
    manager_client.login(manager)
    text = page_text(manager_client.get(f"/customers/{customer.id}/readers", headers={"Accept-Language": "en"}))
    assert "李静" in text and "Receptionist" in text
    assert len(_views(db_session)) == 1  # reading the log is not reading the record


def test_a_manager_sees_only_the_log_of_their_branchs_customers(
    client, db_session, make_user, make_site, make_customer, make_branch
):
    elsewhere = make_site(customer=make_customer(branch=make_branch(code="BJ-HD"), name="海淀客户")).customer
    receptionist = make_user(Role.RECEPTIONIST)
    client.login(receptionist)
    client.get(f"/customers/{elsewhere.id}")  # the front desk answers any customer: logged under theirs
    manager_client = client.application.test_client()
    manager_client.login(make_user(Role.MANAGER, login="ft.manager"))
    assert "海淀客户" not in page_text(manager_client.get("/customers/readers"))
    assert manager_client.get(f"/customers/{elsewhere.id}/readers").status_code == 403


def test_a_storekeepers_customer_request_is_refused_and_not_logged(client, db_session, make_user, make_site):
    customer = make_site().customer
    client.login(make_user(Role.STOREKEEPER))
    assert client.get(f"/customers/{customer.id}").status_code == 403
    assert client.get("/customers").status_code == 403
    assert client.get(f"/customers?q={customer.phone}").status_code == 403
    assert db_session.scalar(select(func.count(CustomerRecordView.id))) == 0
