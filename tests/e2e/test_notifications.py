"""In Chromium: a push delivered through the DevTools protocol (no push service needed) is shown by the
service worker and counted by the bell without a reload; its click opens the notification's page, or
only focuses a tab that already shows it; a rotated subscription is renewed with the device's token.

Headless Chromium fires no notificationclick or pushsubscriptionchange on demand: the test dispatches
the click as a NotificationEvent in the worker (the listener runs as for a real click, only focusing a
window is refused to an untrusted event) and calls the renewal the event would make.
"""

import json
import time

import pytest

from intranet.notifications import push
from tests.e2e.conftest import sign_in
from tests.e2e.tablet import make_jobs, wait_until_pages_kept

pytestmark = pytest.mark.e2e

LOGIN = "tech.hd"


@pytest.fixture(scope="module")
def live_app(live_server):
    from intranet import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret", "QUEUE_URL": "memory://"}
    )


def newest_notification(live_app) -> dict:
    """The newest notification of LOGIN, and the payload the server would push for it."""
    from sqlalchemy import select

    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.notifications.models import Notification

    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.login == LOGIN))
        n = db.session.scalars(
            select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id.desc())
        ).first()
        payload = push.payload_of(n.id, n.title, n.body, n.link, f"/notifications/{n.id}/open", "zh_Hans", False)
        return {"id": n.id, "title": n.title, "link": n.link, "payload": payload}


def is_read(live_app, notification_id: int) -> bool:
    from intranet.extensions import db
    from intranet.notifications.models import Notification

    with live_app.app_context():
        return db.session.get(Notification, notification_id).read_at is not None


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield context, page
    context.close()
    assert errors == []


def registration_of(context, page, live_server) -> tuple:
    """A DevTools session on the page and the id of the app's service-worker registration."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ours = [r for r in registrations if r["scopeURL"].startswith(live_server.url) and not r["isDeleted"]]
        if ours:
            return cdp, ours[0]["registrationId"]
        page.wait_for_timeout(100)
    raise AssertionError("the service worker's registration was not reported")


def deliver(cdp, live_server, registration_id, payload) -> None:
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration_id, "data": json.dumps(payload, ensure_ascii=False)},
    )


SHOWN = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}))"""


def shown(page, tag: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for notification in page.evaluate(SHOWN):
            if notification["tag"] == tag:
                return notification
        page.wait_for_timeout(100)
    raise AssertionError(f"no notification {tag} shown")


CLICK = """async (tag) => {
    const [notification] = await self.registration.getNotifications({tag});
    try {
        self.dispatchEvent(new NotificationEvent("notificationclick", {notification}));
    } catch (error) {
        // waitUntil() refuses an untrusted event after the listener started the work: that is fine
    }
}"""


def service_worker(context):
    deadline = time.monotonic() + 10
    while not context.service_workers and time.monotonic() < deadline:
        time.sleep(0.1)
    return context.service_workers[0]


def test_a_push_is_shown_counted_by_the_bell_and_its_click_opens_the_page(tablet, live_server, live_app):
    context, page = tablet
    sign_in(page, LOGIN)
    page.goto("/kb")
    # The worker keeps this user's pages first (opening an article counts a view, a write): done before
    # this test writes to the same SQLite file, which a read-then-write transaction would find locked.
    wait_until_pages_kept(page)
    cdp, registration_id = registration_of(context, page, live_server)
    before = int(page.locator("#notification-bell a").get_attribute("data-unread"))
    page.evaluate("window.__sameDocument = true")

    [job_id] = make_jobs(live_app, LOGIN, 1, "推送测试")  # dispatching it tells the technician
    notification = newest_notification(live_app)
    assert notification["link"] == f"/jobs/{job_id}"
    deliver(cdp, live_server, registration_id, notification["payload"])

    seen = shown(page, notification["payload"]["tag"])
    assert seen["title"] == notification["title"] and seen["title"].startswith("新工单")
    assert "推送测试" in seen["body"]
    assert seen["data"] == {"url": f"/jobs/{job_id}", "open": f"/notifications/{notification['id']}/open"}
    page.wait_for_function(
        "(count) => Number(document.querySelector('#notification-bell a').dataset.unread) === count", arg=before + 1
    )
    assert page.evaluate("window.__sameDocument") is True  # the bell changed, the page was not reloaded

    service_worker(context).evaluate(CLICK, notification["payload"]["tag"])
    page.wait_for_url(f"**/jobs/{job_id}")
    assert is_read(live_app, notification["id"])
    assert all(n["tag"] != notification["payload"]["tag"] for n in page.evaluate(SHOWN))  # closed on click


def test_a_click_on_a_notification_whose_page_is_open_stays_on_that_tab(tablet, live_server, live_app):
    context, page = tablet
    [job_id] = make_jobs(live_app, LOGIN, 1, "已打开的工单")  # before the tablet keeps its pages (see above)
    notification = newest_notification(live_app)
    sign_in(page, LOGIN)
    page.goto(f"/jobs/{job_id}")
    cdp, registration_id = registration_of(context, page, live_server)
    page.evaluate("window.__sameDocument = true")
    deliver(cdp, live_server, registration_id, notification["payload"])
    shown(page, notification["payload"]["tag"])

    service_worker(context).evaluate(CLICK, notification["payload"]["tag"])
    deadline = time.monotonic() + 10
    while not is_read(live_app, notification["id"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert is_read(live_app, notification["id"])  # marked read in the background
    assert page.evaluate("window.__sameDocument") is True and page.url.endswith(f"/jobs/{job_id}")


def test_the_service_worker_renews_a_rotated_subscription_with_its_token(tablet, live_server, live_app):
    from sqlalchemy import delete, select

    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.notifications import subscriptions
    from intranet.notifications.models import PushSubscription
    from tests.notifications.test_views import subscription_json

    first, rotated = subscription_json(101), subscription_json(102)
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.login == LOGIN))
        data = subscriptions.SubscriptionData(first["endpoint"], **first["keys"])
        device, token = subscriptions.subscribe(user, data)
        device_id = device.id
        db.session.commit()

    context, page = tablet
    page.goto("/login")  # signed out: the renewal needs no session
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    renewed = service_worker(context).evaluate(
        """async ({token, subscription}) => {
            await PushStore.save({token, key: "unused"});
            return self.renewPushSubscription({newSubscription: {toJSON: () => subscription}});
        }""",
        {"token": token, "subscription": rotated},
    )
    assert renewed is True
    with live_app.app_context():
        assert db.session.get(PushSubscription, device_id).endpoint == rotated["endpoint"]
        db.session.execute(delete(PushSubscription).where(PushSubscription.id == device_id))
        db.session.commit()
