"""The bell, the list, opening and marking read, the settings page and the devices' JSON endpoints."""

import pytest
from sqlalchemy import select

from intranet.access.roles import Role
from intranet.extensions import db
from intranet.notifications import service
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.models import Notification, NotificationSettings, PushSubscription
from intranet.notifications.recipients import person
from intranet.unit_of_work import transaction
from tests.conftest import page_text

EN = {"Accept-Language": "en"}


@pytest.fixture
def tech(make_user):
    return make_user(Role.TECHNICIAN, login="bell.tech", locale="en")


def tell(user, title="Job J000007 is yours", link="/today"):
    with transaction():
        service.notify(person(user.id), NotificationKind.JOB_DISPATCHED, link, lambda: (title, "Boiler F28"))
    return db.session.scalars(select(Notification).order_by(Notification.id.desc())).first()


def signed_in(app, user):
    client = app.test_client()
    client.login(user)
    return client


def test_the_bell_counts_unread_and_the_list_shows_them(app, tech):
    tell(tech, "First")
    tell(tech, "Second")
    client = signed_in(app, tech)
    page = client.get("/", headers=EN)
    assert 'data-unread="2"' in page.get_data(as_text=True)
    assert "Notifications: 2 unread" in page.get_data(as_text=True)

    bell = client.htmx_get("/notifications/bell", "notification-bell")
    assert bell.status_code == 200 and 'id="notification-bell"' in bell.get_data(as_text=True)
    assert "<html" not in bell.get_data(as_text=True)

    listing = page_text(client.get("/notifications", headers=EN))
    assert listing.index("Second") < listing.index("First")  # newest first
    fragment = client.htmx_get("/notifications", "notification-list")
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="notification-list">')


def test_opening_marks_read_and_leads_to_the_link(app, tech):
    notification = tell(tech, link="/today")
    client = signed_in(app, tech)
    response = client.get(f"/notifications/{notification.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/today"
    db.session.refresh(notification)
    assert notification.read_at is not None
    assert 'data-unread="0"' in client.get("/notifications/bell").get_data(as_text=True)


def test_mark_one_read_with_htmx_tells_the_bell(app, tech):
    notification = tell(tech)
    client = signed_in(app, tech)
    response = client.post_form(
        f"/notifications/{notification.id}/read",
        headers={"HX-Request": "true", "HX-Target": f"notification-{notification.id}"},
    )
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "notifications-changed"
    assert "notification-unread" not in response.get_data(as_text=True)
    assert service.unread_count(tech) == 0


def test_mark_all_read(app, tech, make_user):
    other = make_user(Role.TECHNICIAN)
    for _ in range(3):
        tell(tech)
    tell(other)
    client = signed_in(app, tech)
    response = client.post_form("/notifications/read-all", headers=EN)
    assert response.status_code == 303
    assert "3 notifications marked as read" in page_text(client.get("/notifications", headers=EN))
    assert service.unread_count(tech) == 0 and service.unread_count(other) == 1


def test_another_persons_notification_is_not_there(app, tech, make_user):
    colleague = make_user(Role.TECHNICIAN)
    notification = tell(colleague)
    client = signed_in(app, tech)
    assert client.get(f"/notifications/{notification.id}/open").status_code == 404
    assert client.post_form(f"/notifications/{notification.id}/read").status_code == 404
    db.session.refresh(notification)
    assert notification.read_at is None
    assert "Job J000007" not in page_text(client.get("/notifications"))


def test_settings_offer_the_kinds_of_the_role_and_save_quiet_hours(app, tech):
    client = signed_in(app, tech)
    page = page_text(client.get("/notifications/settings", headers=EN))
    assert "A job is dispatched to me" in page and "A part request waits for my approval" not in page
    response = client.post_form(
        "/notifications/settings",
        {"push_kinds": ["job_dispatched"], "quiet_from": "22:00", "quiet_until": "07:00", "no_details": "y"},
        headers=EN,
    )
    assert response.status_code == 303
    saved = db.session.get(NotificationSettings, tech.id)
    assert saved.pushes("job_dispatched") and not saved.pushes("manual_revision")
    assert str(saved.quiet_from) == "22:00:00" and saved.no_details


@pytest.mark.parametrize(
    "form",
    [
        {"quiet_from": "22:00"},  # one end only
        {"quiet_from": "08:00", "quiet_until": "08:00"},
        {"push_kinds": ["part_request_submitted"]},  # not a technician's
        {"quiet_from": "25:99", "quiet_until": "07:00"},
    ],
)
def test_settings_refuse_what_makes_no_sense(app, tech, form):
    client = signed_in(app, tech)
    response = client.post_form("/notifications/settings", form, headers=EN)
    assert response.status_code == 422
    assert db.session.get(NotificationSettings, tech.id) is None


def subscription_json(n=1):
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "endpoint": f"https://push.example.net/send/device-{n}",
        "keys": {"p256dh": base64.urlsafe_b64encode(raw).decode().rstrip("="), "auth": "AAECAwQFBgcICQoLDA0ODw"},
    }


def test_a_device_subscribes_and_signing_out_there_removes_it(app, tech):
    client = signed_in(app, tech)
    response = client.post(
        "/notifications/devices",
        json=subscription_json(),
        headers={"X-CSRFToken": client.csrf_token(), "User-Agent": "Mozilla/5.0 (iPad; CPU OS 17) Safari/604.1"},
    )
    assert response.status_code == 201 and response.get_json()["renew_token"]
    assert "push_device=" in response.headers["Set-Cookie"]
    [device] = db.session.scalars(select(PushSubscription)).all()
    assert device.user_id == tech.id and device.device == "Safari · iPad"
    assert "Safari · iPad" in page_text(client.get("/notifications/settings", headers=EN))
    assert 'data-this-device="known"' in client.get("/notifications/settings").get_data(as_text=True)

    assert client.post_form("/logout").status_code == 303
    db.session.commit()
    assert db.session.scalar(select(PushSubscription.id)) is None


def test_a_shared_tablet_subscribing_for_the_next_person_stops_the_last_ones_pushes(app, tech, make_user):
    colleague = make_user(Role.TECHNICIAN)
    body = subscription_json()
    for user in (tech, colleague):
        client = signed_in(app, user)
        client.post("/notifications/devices", json=body, headers={"X-CSRFToken": client.csrf_token()})
    db.session.commit()
    assert [device.user_id for device in db.session.scalars(select(PushSubscription))] == [colleague.id]


def test_the_service_worker_renews_a_rotated_subscription_without_a_session(app, tech):
    client = signed_in(app, tech)
    token = client.post(
        "/notifications/devices", json=subscription_json(1), headers={"X-CSRFToken": client.csrf_token()}
    )
    token = token.get_json()["renew_token"]
    worker = app.test_client()  # no session, no CSRF token: only the device's renewal token
    rotated = subscription_json(2)
    assert (
        worker.post("/notifications/devices/renew", json={"token": token, "subscription": rotated}).status_code == 204
    )
    db.session.commit()
    [device] = db.session.scalars(select(PushSubscription)).all()
    assert device.endpoint.endswith("device-2") and device.user_id == tech.id
    wrong = worker.post("/notifications/devices/renew", json={"token": "guess", "subscription": subscription_json(3)})
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "http://push.example.net/plain-http"},
        {"endpoint": "http://127.0.0.1:9/loopback"},  # only a test app may push to loopback
        {"endpoint": "not a url"},
        {"keys": {"p256dh": "AAAA", "auth": "AAECAwQFBgcICQoLDA0ODw"}},
        {"keys": {"auth": "AAECAwQFBgcICQoLDA0ODw"}},
        {"endpoint": None},
    ],
)
def test_a_subscription_no_browser_would_send_is_refused(app, tech, change):
    client = signed_in(app, tech)
    body = {**subscription_json(), **change}
    response = client.post("/notifications/devices", json=body, headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 422
    assert db.session.scalar(select(PushSubscription.id)) is None


def test_unsubscribe_and_remove_a_device(app, tech):
    client = signed_in(app, tech)
    for n in (1, 2):
        client.post("/notifications/devices", json=subscription_json(n), headers={"X-CSRFToken": client.csrf_token()})
    response = client.post(
        "/notifications/devices/unsubscribe",
        json={"endpoint": "https://push.example.net/send/device-1"},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 204
    device = db.session.scalar(select(PushSubscription))
    assert device.endpoint.endswith("device-2")
    assert client.post_form("/notifications/devices/remove", {"device_id": str(device.id)}).status_code == 303
    db.session.commit()
    assert db.session.scalar(select(PushSubscription.id)) is None
