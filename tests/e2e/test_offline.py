"""The offline contract in Chromium: pages kept per user, submissions queued in the outbox, sent exactly once.

Each test uses a browser profile of its own (launch_persistent_context), so service workers, caches and
IndexedDB are as on a real tablet and survive closing the browser. The tablet reaches the app through a
relay (`network`): offline means that relay is closed, and the server's log must show nothing arriving.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve_demo, sign_in
from tests.e2e.outbox import QUEUE_REPORTS
from tests.e2e.tablet import (
    answer_the_dialog,
    fill_report,
    make_jobs,
    outbox_states,
    queue_a_report_offline,
    replays_done,
    reports_of,
    wait_for_a_replay,
    wait_for_reports,
    wait_until_pages_kept,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of these tests' own, which they stop and start."""
    yield from serve_demo(tmp_path_factory.mktemp("offline"))


@pytest.fixture
def live_app(live_server):
    """The live server's database, reached through the app for setting up and checking records."""
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


def kept_urls(page) -> dict[str, list[str]]:
    """The tablet's caches by name, and the paths each keeps (read in the page: the same Cache Storage)."""
    return page.evaluate(
        """async () => {
            const kept = {};
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                kept[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
            }
            return kept;
        }"""
    )


def test_a_report_filled_offline_survives_a_restart_and_is_sent_once(open_tablet, network, live_app, tmp_path):
    [job_id] = make_jobs(live_app, "tech2", 1, "离线测试")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/today")
    wait_until_pages_kept(page)

    network.cut()
    page.reload()  # answered by the service worker
    expect(page.locator(".job-card", has_text="离线测试 #0")).to_be_visible()
    expect(page.locator("[data-banner=offline]")).to_be_visible()
    page.goto(f"/jobs/{job_id}/report")  # never opened before: it was kept after sign-in
    fill_report(page, tmp_path)
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    assert outbox_states(page) == ["queued"]
    expect(page.locator("[data-storage-usage]")).to_contain_text("MB")  # how much the tablet holds
    # Persistent storage was asked for; headless Chromium says no, and the outbox works all the same.
    assert page.evaluate("localStorage.getItem('persist-asked')") in ("true", "false")
    context.close()

    # The browser comes back while the network is still out (its service worker starts and tries at
    # once): the item is still there, still queued, and the server saw nothing of it.
    context = open_tablet()
    page = context.pages[0] if context.pages else context.new_page()
    assert outbox_states(page) == ["queued"]
    network.assert_nothing_arrived()
    assert reports_of(live_app, [job_id]) == []

    network.restore()
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=20_000)
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]  # one report, with its photo
    page.reload()
    done = replays_done(page)
    page.get_by_role("button", name="Send now").click()
    wait_for_a_replay(page, done)
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]


def test_an_expired_login_pauses_the_outbox_until_the_user_signs_in(open_tablet, network, live_app, tmp_path):
    job_id, context, page = queue_a_report_offline(open_tablet, network, live_app, tmp_path, "tech2", "登录过期")

    user = page.locator("#app").get_attribute("data-user")
    context.clear_cookies()  # the session ends while the tablet is offline
    network.restore()
    expect(page.locator("[data-banner=login]")).to_be_visible(timeout=20_000)
    assert reports_of(live_app, [job_id]) == []
    assert page.evaluate("async (user) => (await Outbox.list(user)).map(i => i.state)", user) == ["queued"]

    page.goto("/login?next=/outbox")
    page.fill("#login", "tech2")
    page.fill("#password", "demo1234")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=20_000)
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]


def test_fifty_queued_reports_drain_in_order_without_duplicates(open_tablet, network, live_app):
    job_ids = make_jobs(live_app, "tech.hd", 50, "批量")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech.hd")
    page.goto("/outbox")
    page.wait_for_function("() => window.Outbox && window.intranet && window.intranet.replayOutbox")
    network.cut()
    page.evaluate(QUEUE_REPORTS, job_ids)
    queued = page.evaluate("async () => (await Outbox.list(document.getElementById('app').dataset.user)).length")
    assert queued == 50
    network.restore()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        states = page.evaluate(
            "async () => (await Outbox.list(document.getElementById('app').dataset.user)).map(item => item.state)"
        )
        if states == ["sent"] * 50:
            break
        page.wait_for_timeout(500)
    assert states == ["sent"] * 50
    sent = reports_of(live_app, job_ids)
    assert [job for job, _photos in sent] == job_ids  # each once, stored in the order they were queued


def test_another_user_on_the_same_tablet_neither_sees_nor_sends_the_queue(open_tablet, network, live_app, tmp_path):
    job_id, context, page = queue_a_report_offline(open_tablet, network, live_app, tmp_path, "tech2", "共用平板")

    # Signing out with work queued asks first (declined here).
    page.locator(".usermenu summary").click()
    asked = answer_the_dialog(page, page.get_by_role("button", name="Sign out").click, accept=False)
    assert "have not been sent yet" in asked
    page.reload()
    expect(page.locator("#app")).not_to_have_attribute("data-user", "")  # still signed in
    assert "/jobs/" in page.url

    # Another technician takes the tablet (tech2's session is gone) before the network returns.
    context.clear_cookies()
    network.restore()
    sign_in(page, "tech")
    assert outbox_states(page) == []
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    done = replays_done(page)
    page.get_by_role("button", name="Send now").click()
    wait_for_a_replay(page, done)
    assert reports_of(live_app, [job_id]) == []  # tech's replays never send tech2's work

    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/login"))
    sign_in(page, "tech2")
    page.goto("/outbox")
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=20_000)
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]


def test_the_same_draft_from_two_tabs_makes_one_report_and_the_second_tab_sees_the_conflict(
    open_tablet, live_app, tmp_path
):
    [job_id] = make_jobs(live_app, "tech2", 1, "两个标签页")
    context = open_tablet()
    first = context.new_page()
    sign_in(first, "tech2")
    first.goto(f"/jobs/{job_id}/report")
    second = context.new_page()
    second.goto(f"/jobs/{job_id}/report")
    # The same draft in both tabs: one client_id, then each tab edits it differently.
    client_id = first.locator("[name=client_id]").input_value()
    second.locator("[name=client_id]").evaluate("(input, id) => { input.value = id; }", client_id)
    # The tab being filled is brought forward, as a person's would be: Chromium throttles a background
    # tab's timers and canvas callbacks, and the photo is shrunk on a canvas.
    first.bring_to_front()
    fill_report(first, tmp_path, fault="第一个标签页")
    second.bring_to_front()
    fill_report(second, tmp_path, fault="第二个标签页")
    first.get_by_role("button", name="Submit the report").click()
    expect(first).to_have_url(re.compile(rf"/jobs/{job_id}$"))
    second.get_by_role("button", name="Submit the report").click()
    expect(second.locator("main")).to_contain_text("already sent with different content")
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]


def test_signing_out_online_with_work_still_queued_asks_first(open_tablet, network, live_app, tmp_path):
    job_id, context, page = queue_a_report_offline(open_tablet, network, live_app, tmp_path, "tech2", "在线退出")
    # Back online, but the server cannot take the report yet: it stays in the outbox.
    context.route(
        f"**/jobs/{job_id}/report", lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    network.restore()
    page.goto("/outbox")
    expect(page.locator(".outbox-item")).to_have_count(1)

    page.locator(".usermenu summary").click()
    answer_the_dialog(page, page.get_by_role("button", name="Sign out").click, accept=False)
    page.goto("/outbox")
    expect(page).to_have_url(re.compile(r"^[^?]*/outbox$"))  # declined: still signed in

    page.locator(".usermenu summary").click()
    answer_the_dialog(page, page.get_by_role("button", name="Sign out").click, accept=True)
    page.wait_for_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_contain_text("You have signed out.")
    context.unroute(f"**/jobs/{job_id}/report")
    assert reports_of(live_app, [job_id]) == []


def test_a_submission_stored_whose_answer_was_lost_is_stored_once(open_tablet, network, live_app, tmp_path):
    job_id, context, page = queue_a_report_offline(open_tablet, network, live_app, tmp_path, "tech2", "回答丢失")
    lost = []

    def lose_the_answer(route):
        if route.request.method != "POST" or lost:
            return route.continue_()
        route.fetch()  # the server receives the report and stores it...
        lost.append(route.request.url)
        route.abort()  # ...but the tablet never hears back

    context.route(f"**/jobs/{job_id}/report", lose_the_answer)
    network.restore()
    assert wait_for_reports(page, live_app, [job_id], [(job_id, 1)]) == [(job_id, 1)]
    # The outbox tries again by itself after its back-off: the server knows the submission and says so.
    page.goto("/outbox")
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=20_000)
    assert lost, "the replay went through the lossy route"
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]


def test_a_new_deployment_takes_over_with_pages_and_outbox_intact(
    open_tablet, network, live_server, live_app, tmp_path
):
    job_id, context, page = queue_a_report_offline(open_tablet, network, live_app, tmp_path, "tech2", "新版本")
    user = page.locator("#app").get_attribute("data-user")
    old_shell = [name for name in kept_urls(page) if name.startswith("shell-")]
    # Hold the report back while the deployment happens, so the update meets a full outbox.
    context.route(
        f"**/jobs/{job_id}/report",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )

    live_server.stop()
    live_server.env["ASSET_VERSION_EXTRA"] = "deployment-2"  # changed files on the server
    live_server.start()
    try:
        network.restore()
        page.goto("/today")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            shells = [name for name in kept_urls(page) if name.startswith("shell-")]
            if shells and not set(shells) & set(old_shell):
                break
            page.wait_for_timeout(500)
        assert shells and not set(shells) & set(old_shell), "the new worker took over and dropped the old shell"
        assert "/today" in kept_urls(page).get(f"user-{user}-pages", [])  # the user's pages stay
        states = page.evaluate("async (user) => (await Outbox.list(user)).map(i => i.state)", user)
        assert states and states[0] in ("queued", "sending")  # still there after the update

        context.unroute(f"**/jobs/{job_id}/report")
        page.goto("/outbox")
        expect(page.locator(".outbox-item")).to_have_attribute("data-state", "sent", timeout=30_000)
        assert reports_of(live_app, [job_id]) == [(job_id, 1)]
    finally:
        live_server.stop()
        live_server.env.pop("ASSET_VERSION_EXTRA")
        live_server.start()


def test_offline_a_page_kept_before_a_deployment_gets_todays_copy_of_a_changed_static_file(
    open_tablet, network, live_app
):
    # Static addresses carry their file's digest (?v=...); a kept page names the digest of its day.
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech")
    page.goto("/today")
    wait_until_pages_kept(page)
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert "?v=" in stylesheet
    network.cut()
    older = stylesheet.split("?v=")[0] + "?v=before-the-deployment"
    answer = page.evaluate(
        "async (url) => { const r = await fetch(url); return [r.status, (await r.text()).length]; }", older
    )
    assert answer[0] == 200 and answer[1] > 1000


def test_a_replay_the_server_refuses_needs_attention_and_reopens_filled(open_tablet, network, live_app, tmp_path):
    [job_id] = make_jobs(live_app, "tech2", 1, "需要处理")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto(f"/jobs/{job_id}/report")
    wait_until_pages_kept(page)
    network.cut()
    page.reload()
    fill_report(page, tmp_path, fault="写错了时间")
    page.get_by_label("Left").fill("2020-01-01T08:00")  # before the arrival: the server will refuse it
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")

    network.restore()
    page.goto("/outbox")
    item = page.locator(".outbox-item")
    expect(item).to_have_attribute("data-state", "attention", timeout=20_000)
    expect(item).to_contain_text("The time you left cannot be before the time you arrived.")
    assert reports_of(live_app, [job_id]) == []

    item.get_by_role("button", name="Open the form").click()
    page.wait_for_url(f"**/jobs/{job_id}/report")
    expect(page.get_by_label("Fault found")).to_have_value("写错了时间")  # filled from the outbox
    page.wait_for_function("() => document.querySelector('[data-photo-input]').files.length === 1")
    page.get_by_label("Left").fill(page.get_by_label("Arrived").input_value())
    page.get_by_role("button", name="Submit the report").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}$"))
    assert reports_of(live_app, [job_id]) == [(job_id, 1)]
    page.goto("/outbox")
    expect(page.locator(".outbox-item")).to_have_count(0)  # the corrected form replaced the item


def test_an_htmx_form_marked_offline_capable_goes_through_the_outbox_too(open_tablet, network, live_app):
    [job_id] = make_jobs(live_app, "tech2", 1, "htmx 表单")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/outbox")
    page.wait_for_function("() => window.htmx && window.Outbox && window.intranet.replayOutbox")
    network.cut()
    page.evaluate(
        """(jobId) => {
            document.querySelector("main").insertAdjacentHTML("beforeend",
                `<form id="hx-form" data-offline hx-post="/jobs/${jobId}/report" data-offline-title="htmx">
                   <input name="client_id" value="${crypto.randomUUID()}"><input name="fault_found" value="只写了一半">
                   <button type="submit">Send</button></form>`);
            htmx.process(document.getElementById("hx-form"));
        }""",
        job_id,
    )
    page.locator("#hx-form button").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    network.restore()
    page.reload()
    # Replayed to the hx-post address; the half-filled report is refused there and waits for the user.
    expect(page.locator(".outbox-item")).to_have_attribute("data-state", "attention", timeout=20_000)
    expect(page.locator(".outbox-item")).to_contain_text("htmx")
    assert reports_of(live_app, [job_id]) == []


# A shared tablet, and a slow link


def test_a_shared_tablet_never_shows_the_previous_users_pages_or_photos(open_tablet, network, live_app, tmp_path):
    """tech2's session ends without the sign-out button (cookies cleared); tech signs in on the same
    browser. tech gets no byte of tech2's kept pages or photos, online or offline; tech2, signing in
    again, is offline-capable with their own pages."""
    [job_id] = make_jobs(live_app, "tech2", 1, "共用平板照片")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto(f"/jobs/{job_id}/report")
    fill_report(page, tmp_path)
    page.get_by_role("button", name="Submit the report").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}$"))
    photo = page.locator("img[src*='/attachments/']").first.get_attribute("src").split("/thumbnail")[0]
    page.goto(photo)  # the photo, now kept for tech2
    page.goto("/today")
    wait_until_pages_kept(page)
    tech2 = page.locator("#app").get_attribute("data-user")

    context.clear_cookies()  # no sign-out: the session is simply gone
    sign_in(page, "tech")
    tech = page.locator("#app").get_attribute("data-user")
    # Online: the server refuses tech the photo, and the tablet does not hand over its kept copy.
    assert page.goto(photo).status == 403
    assert page.goto(f"/jobs/{job_id}").status == 403
    assert [name for name in kept_urls(page) if name.startswith(f"user-{tech2}-")] == []
    page.goto("/today")
    wait_until_pages_kept(page)

    # Offline: tech's own pages, and none of tech2's.
    network.cut()
    page.goto("/today")
    expect(page.locator("#app")).to_have_attribute("data-user", tech)
    page.goto(f"/jobs/{job_id}")
    expect(page.locator("h1")).to_have_text("You are offline")  # the page of one never kept for tech
    expect(page.locator("body")).not_to_contain_text("共用平板照片")
    expect(page.locator("body")).not_to_contain_text("刘洋")  # tech2's name is on none of it either
    fetched = page.evaluate("(url) => fetch(url).then((r) => r.status).catch(() => 'failed')", photo)
    assert fetched == "failed"
    network.restore()

    # tech2 takes the tablet back: signed in again, their pages are kept again, and open offline.
    context.clear_cookies()
    sign_in(page, "tech2")
    page.goto("/today")
    wait_until_pages_kept(page)
    assert [name for name in kept_urls(page) if name.startswith(f"user-{tech}-")] == []
    network.cut()
    page.goto("/today")
    expect(page.locator("#app")).to_have_attribute("data-user", tech2)
    expect(page.locator("h1")).not_to_have_text("You are offline")
    network.restore()


def test_a_slow_network_shows_the_kept_page_after_three_seconds(open_tablet, network, live_app):
    make_jobs(live_app, "tech2", 1, "慢速网络")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/today")
    wait_until_pages_kept(page)

    network.relay.delay = 20  # the link answers, but only after 20 s
    try:
        started = time.monotonic()
        page.goto("/today", timeout=15_000)
        expect(page.locator(".job-card", has_text="慢速网络 #0")).to_be_visible()
        waited = time.monotonic() - started
        assert 2.5 < waited < 10, f"the kept Today showed after {waited:.1f} s"
    finally:
        network.relay.delay = 0


def test_a_page_the_worker_did_not_start_with_is_taken_in_hand_and_signing_out_there_forgets_the_pages(
    open_tablet, live_app
):
    """A page opened while the worker was still starting, or reloaded bypassing it (Shift+Reload), has
    no controller, and a worker's first claim never reaches it. The page asks to be claimed: its own
    requests then go through the worker, and signing out there still empties the tablet of the pages
    kept for that user."""
    make_jobs(live_app, "tech2", 1, "未接管页面")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    wait_until_pages_kept(page)
    user = page.locator("#app").get_attribute("data-user")
    assert [name for name in kept_urls(page) if name.startswith(f"user-{user}-")]

    cdp = context.new_cdp_session(page)
    cdp.send("Page.reload", {"ignoreCache": True})  # Shift+Reload: the page loads past the worker
    page.wait_for_function("() => document.documentElement.dataset.pagesWarmed")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/login"))
    deadline = time.monotonic() + 10
    while [name for name in kept_urls(page) if name.startswith(f"user-{user}-")]:
        assert time.monotonic() < deadline, "the pages kept for the user who signed out are still on the tablet"
        page.wait_for_timeout(100)
