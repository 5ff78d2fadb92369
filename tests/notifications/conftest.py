"""Fixtures for push: the app with a VAPID key that accepts loopback endpoints, a loopback push service,
and devices subscribed the way the settings page does it."""

import pytest
from py_vapid import Vapid

from intranet import task_queue
from intranet.extensions import db
from intranet.notifications import subscriptions
from tests.notifications.push_receiver import PushReceiver


@pytest.fixture
def push_ready(app, db_session):
    """The session's app, with web push set up for this test (restored afterwards)."""
    vapid = Vapid()
    vapid.generate_keys()
    saved = {name: app.config.get(name) for name in ("VAPID_PRIVATE_KEY", "PUSH_INSECURE_ENDPOINTS")}
    app.config.update(VAPID_PRIVATE_KEY=vapid.private_pem().decode(), PUSH_INSECURE_ENDPOINTS=True)
    app.extensions.pop("vapid", None)
    task_queue.init_app(app)  # another test may have set up an app of its own since
    task_queue.huey.flush()  # nothing left over from another test
    yield vapid
    task_queue.huey.flush()
    app.config.update(saved)
    app.extensions.pop("vapid", None)


@pytest.fixture
def receiver():
    receiver = PushReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def subscribe(push_ready, receiver):
    """Subscribe `user`'s device `name` to the receiver; returns the subscription row."""

    def make(user, name: str, user_agent: str = "Mozilla/5.0 (Linux; Android 14) Chrome/140.0 Safari/537.36"):
        info = receiver.device(name)
        data = subscriptions.SubscriptionData(
            info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"], user_agent=user_agent
        )
        device, _token = subscriptions.subscribe(user, data)
        db.session.commit()
        return device

    return make
