"""In Chromium with the network really cut: what a technician does on the road besides the three big
forms. The van's stock opens offline like Today; the one-tap start, acknowledging required reading and
marking a corrective action done wait in the outbox and reach the server once when the network is
back, the start with the time it was tapped. A storekeeper records an old part handed back the same way.
"""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from intranet.parts.quantities import fmt
from tests.e2e.conftest import serve_demo, sign_in
from tests.e2e.tablet import action_for, make_jobs, outbox_states, required_article, user_named, wait_until_pages_kept

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("on-the-road"))


@pytest.fixture
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


def server_state(live_app, job_id, article_id, action_id):
    from intranet.extensions import db
    from intranet.inspections.models import CorrectiveAction
    from intranet.jobs.models import Job, JobEvent
    from intranet.kb.models import Acknowledgement, Article

    with live_app.app_context():
        technician = user_named("tech")
        job = db.session.get(Job, job_id)
        revision_id = db.session.get(Article, article_id).current_revision_id
        acks = db.session.query(Acknowledgement).filter_by(user_id=technician.id, revision_id=revision_id).count()
        action = db.session.get(CorrectiveAction, action_id)
        starts = db.session.query(JobEvent).filter_by(job_id=job_id, kind="started").count()
        return {
            "job": (job.status, job.started_at, starts),
            "acknowledgements": acks,
            "action": (action.status, action.done_note),
        }


def van_stock(live_app, login) -> dict:
    from intranet.parts import service

    with live_app.app_context():
        van = service.van_of(user_named(login))
        return {row.part.code: row.quantity for row in service.stock_of(van)} if van else {}


def test_a_technicians_day_on_the_road_without_network(open_tablet, network, live_app):
    [job_id] = make_jobs(live_app, "tech", 1, "途中开工")
    article_id = required_article(live_app, f"冬季巡查 {uuid.uuid4().hex[:4]}")
    action_id = action_for(live_app, "tech")
    before = server_state(live_app, job_id, article_id, action_id)
    assert before["job"][0] == "assigned" and before["acknowledgements"] == 0 and before["action"][0] == "open"

    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech")
    page.goto("/today")
    wait_until_pages_kept(page)  # Today, the van, the reading list and the actions are kept after sign-in
    network.cut()

    # The van's stock, never opened while online, opens from the tablet's copy.
    page.goto("/parts/my-van")
    expect(page.locator("h1")).to_have_text("My van")
    shown = dict(
        zip(
            page.locator("#van-stock tr[data-part]").evaluate_all("rows => rows.map(row => row.dataset.part)"),
            page.locator("#van-stock .on-hand").all_inner_texts(),
            strict=True,
        )
    )
    assert shown and shown == {code: fmt(quantity) for code, quantity in van_stock(live_app, "tech").items()}
    expect(page.locator("[data-banner=offline]")).to_be_visible()

    # The one-tap start: queued, and the card says so instead of offering the tap again.
    page.goto("/today")
    card = page.locator(".job-card", has_text="途中开工 #0")
    start = card.get_by_role("button", name="Start — I have arrived")
    tapped = datetime.now(UTC)
    start.click()
    expect(card.locator("button[type=submit]")).to_have_text("Arrival kept: it is sent when the network is back")
    expect(card.locator("button[type=submit]")).to_be_disabled()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    page.reload()  # the kept Today still shows the tap as waiting
    expect(page.locator(".job-card", has_text="途中开工 #0").locator("button[type=submit]")).to_be_disabled()

    # Required reading, acknowledged offline.
    page.goto(f"/kb/{article_id}")
    page.locator("[data-kb-acknowledge]").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("2")

    # The corrective action, marked done offline.
    page.goto("/inspections/actions")
    done_form = page.locator(f"form[action$='/inspections/actions/{action_id}/done']")
    done_form.locator("[name=note]").fill("已重新张贴提示牌")
    done_form.get_by_role("button", name="Mark done").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("3")
    assert outbox_states(page) == ["queued", "queued", "queued"]
    assert server_state(live_app, job_id, article_id, action_id) == before

    time.sleep(3)  # the sending comes later than the tap: the arrival must be the tap's time
    network.restore()  # and the server saw nothing of it meanwhile
    restored = datetime.now(UTC)
    expect(page.locator(".outbox-item[data-state=sent]")).to_have_count(3, timeout=30_000)

    after = server_state(live_app, job_id, article_id, action_id)
    status, started_at, starts = after["job"]
    assert status == "in_progress" and starts == 1
    assert abs((started_at - tapped).total_seconds()) < 2 and started_at < restored - timedelta(seconds=2)
    assert after["acknowledgements"] == 1
    assert after["action"] == ("done", "已重新张贴提示牌")

    # Sent again (a second tablet pass, "Send now"): nothing more is stored.
    page.get_by_role("button", name="Send now").click()
    page.wait_for_timeout(1000)
    assert server_state(live_app, job_id, article_id, action_id) == after


def old_part_returns(live_app, serial):
    from intranet.extensions import db
    from intranet.parts.models import OldPartReturn

    with live_app.app_context():
        return [
            (r.part.code, int(r.quantity), r.condition)
            for r in db.session.query(OldPartReturn).filter_by(serial=serial)
        ]


def test_an_old_part_recorded_offline_reaches_the_register_once(open_tablet, network, live_app):
    serial = f"SN-{uuid.uuid4().hex[:8]}"
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "store")
    page.goto("/")
    wait_until_pages_kept(page)
    network.cut()
    page.goto("/parts/returns")  # kept for whoever records old parts
    page.locator("#code").fill("IGN-07")
    page.locator("#quantity").fill("1")
    page.locator("#technician_id").select_option(label="张伟")
    page.locator("input[name=condition][value=faulty]").check()
    page.locator("#serial").fill(serial)
    page.get_by_role("button", name="Record the old part").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    assert old_part_returns(live_app, serial) == []
    network.restore()
    page.goto("/outbox")
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=30_000)
    assert old_part_returns(live_app, serial) == [("IGN-07", 1, "faulty")]
