"""Acceptance for spare parts in Chromium: a request made offline, approved in part, issued, and used on a visit.

The technician asks for parts with the tablet offline; the outbox sends the request once the network
returns; the manager approves part of it; the storekeeper issues it, moving stock from the branch
warehouse to the technician's van; the visit report then uses the parts and the van's stock falls.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve_demo, sign_in
from tests.e2e.tablet import fill_report, make_jobs, wait_until_pages_kept

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of these tests' own: the stock figures below start from the demo's opening stock."""
    yield from serve_demo(tmp_path_factory.mktemp("parts"))


@pytest.fixture
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


def stock_of(live_app, codes=("IGN-07", "SEAL-22")) -> dict:
    """{(store kind, code): quantity} for the BJ-FT warehouse and tech's van."""
    from sqlalchemy import select

    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.parts import ledger, service
    from intranet.parts.models import Part

    with live_app.app_context():
        tech = db.session.scalar(select(User).where(User.login == "tech"))
        warehouse, van = service.warehouse_of(tech.branch_id), service.van_of(tech)
        figures = {}
        for code in codes:
            part = db.session.scalar(select(Part).where(Part.code == code))
            for kind, store in (("warehouse", warehouse), ("van", van)):
                figures[(kind, code)] = ledger.balance(store.id, part.id)
                assert figures[(kind, code)] == ledger.ledger_sum(store.id, part.id)
        return figures


def requests_of(live_app, login="tech"):
    from sqlalchemy import select

    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.parts.models import PartRequest

    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
        return [
            (r.id, r.status, [(line.part.code, int(line.quantity)) for line in r.lines])
            for r in db.session.scalars(select(PartRequest).where(PartRequest.requested_by_id == user.id))
        ]


def test_offline_request_partial_approval_issue_and_use_on_the_visit(
    open_tablet, network, live_app, new_page, tmp_path
):
    [job_id] = make_jobs(live_app, "tech", 1, "配件测试")
    before = stock_of(live_app)
    known = {request[0] for request in requests_of(live_app)}  # the other viewport's run made one too

    def new_requests():
        return [request for request in requests_of(live_app) if request[0] not in known]

    # The technician opens the request form once online, then loses the network and asks for parts.
    context = open_tablet()
    tablet = context.new_page()
    sign_in(tablet, "tech")
    tablet.goto("/parts/requests/new")
    wait_until_pages_kept(tablet)
    network.cut()
    tablet.reload()  # answered by the service worker
    form = tablet.locator("form[data-part-request]")
    expect(form).to_be_visible()
    assert re.fullmatch(r"[0-9a-f-]{36}", form.locator("[name=client_id]").input_value())
    form.get_by_label("For the job").select_option(str(job_id))
    tablet.locator("[name='lines-0-code']").fill("IGN-07")
    tablet.locator("[name='lines-0-quantity']").fill("3")
    tablet.locator("[name='lines-1-code']").fill("SEAL-22")
    tablet.locator("[name='lines-1-quantity']").fill("6")
    tablet.get_by_role("button", name="Send the request").click()
    expect(tablet.locator("[data-outbox-count]")).to_have_text("1")
    assert new_requests() == []

    # The network returns: the outbox sends it, once.
    network.restore()  # and the server saw nothing of it meanwhile
    for _ in range(60):
        if new_requests():
            break
        tablet.wait_for_timeout(300)
    [(request_id, status, lines)] = new_requests()
    assert status == "submitted" and lines == [("IGN-07", 3), ("SEAL-22", 6)]

    # The manager approves part: all the ignitors, two of the six seals.
    office = new_page(locale="en-US")
    sign_in(office, "manager")
    office.goto("/parts/requests")
    office.get_by_role("link", name=f"R{request_id:06d}").click()
    office.get_by_label("Approved SEAL-22").fill("2")
    office.get_by_role("button", name="Approve these quantities").click()
    expect(office.locator("#request-status")).to_have_text("Partly approved")
    assert stock_of(live_app) == before  # approving moves nothing

    # The storekeeper issues: the warehouse gives, the van receives.
    store = new_page(locale="en-US")
    sign_in(store, "store")
    store.goto(f"/parts/requests/{request_id}")
    store.get_by_role("button", name="Issue to the van").click()
    expect(store.locator("#request-status")).to_have_text("Issued")
    issued = stock_of(live_app)
    assert issued[("warehouse", "IGN-07")] == before[("warehouse", "IGN-07")] - 3
    assert issued[("warehouse", "SEAL-22")] == before[("warehouse", "SEAL-22")] - 2
    assert issued[("van", "IGN-07")] == before[("van", "IGN-07")] + 3
    assert issued[("van", "SEAL-22")] == before[("van", "SEAL-22")] + 2
    nav = store.get_by_role("navigation", name="Main")
    nav.get_by_text("Stock", exact=True).click()  # the Stock menu
    nav.get_by_role("link", name="Stores").click()
    store.get_by_role("link", name=re.compile("张伟")).click()
    van_ignitors = store.locator("#store-stock tr[data-part='IGN-07'] .on-hand")
    expect(van_ignitors).to_have_text(str(int(issued[("van", "IGN-07")])))

    # The visit report uses two ignitors and one seal from the van.
    tablet.goto(f"/jobs/{job_id}/report")
    fill_report(tablet, tmp_path)
    tablet.locator("[name='parts-0-part_code']").fill("IGN-07")
    tablet.locator("[name='parts-0-quantity']").fill("2")
    tablet.locator("[name='parts-1-part_code']").fill("SEAL-22")
    tablet.locator("[name='parts-1-quantity']").fill("1")
    tablet.get_by_role("button", name="Submit the report").click()
    expect(tablet.locator(".flash-success")).to_contain_text("Visit report for")
    used = stock_of(live_app)
    assert used[("van", "IGN-07")] == issued[("van", "IGN-07")] - 2
    assert used[("van", "SEAL-22")] == issued[("van", "SEAL-22")] - 1
    assert used[("warehouse", "IGN-07")] == issued[("warehouse", "IGN-07")]
    assert new_requests()[0][1] == "closed"  # the parts were used on the job
