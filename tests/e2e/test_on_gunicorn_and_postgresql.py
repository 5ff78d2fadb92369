"""The offline contract as deployed: gunicorn (2 workers of 4 threads) on PostgreSQL, driven by Chromium.

The other browser tests run Flask's server on SQLite; these run the same tablet through what the README
deploys, where a replay and its original may land on different workers and commit in any order.
"""

import pytest
from playwright.sync_api import expect

from tests.databases import PostgresDatabase
from tests.e2e.conftest import serve_demo, sign_in
from tests.e2e.tablet import fill_report, make_jobs, queue_a_report_offline, reports_of
from tests.e2e.test_lost_answers import LoseTheFirstAnswer, ends_sent

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    database = PostgresDatabase(prefix="intranet_e2e")
    try:
        yield from serve_demo(tmp_path_factory.mktemp("gunicorn"), database.url, gunicorn=True)
    finally:
        database.drop()


@pytest.fixture
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


def test_a_report_filled_offline_is_sent_once_through_gunicorn(open_tablet, network, live_app, tmp_path):
    job_id, _context, page = queue_a_report_offline(open_tablet, network, live_app, tmp_path, "tech2", "gunicorn")
    assert reports_of(live_app, [job_id]) == []
    network.restore()  # and the server saw nothing meanwhile
    page.goto("/outbox")
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=30_000)
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]


def test_a_lost_answer_ends_sent_through_gunicorn(open_tablet, live_app, tmp_path):
    [job_id] = make_jobs(live_app, "tech", 1, "gunicorn 回答丢失")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech")
    page.goto(f"/jobs/{job_id}/report")
    fill_report(page, tmp_path, photos=0)
    handler = LoseTheFirstAnswer()
    context.route(f"**/jobs/{job_id}/report", handler)
    page.get_by_role("button", name="Submit the report").click()
    ends_sent(page, handler)
    assert reports_of(live_app, [job_id]) == [(job_id, 0)]
