"""Web push for real: pywebpush encrypts, a loopback push service decrypts with the device's private key.

A 410 removes the device, a 429 or 5xx is retried with backoff a bounded number of times, and a
notification read in the app, a kind turned off, quiet hours and "no details" change what is pushed.
"""

import base64
import json
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from intranet import task_queue
from intranet.access.roles import Role
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.notifications import delivery, preferences, service, tasks
from intranet.notifications.kinds import NotificationKind, kinds_for
from intranet.notifications.models import Notification, NotificationSettings, PushRetry, PushState, PushSubscription
from intranet.notifications.recipients import person
from intranet.notifications.vapid import public_key_of
from intranet.timezones import local_to_utc, utc_to_local
from intranet.unit_of_work import transaction


@pytest.fixture
def tech(make_user):
    return make_user(Role.TECHNICIAN, login="push.tech", locale="en")


def tell(user, title="Job J000042 is yours", now=None, kind=NotificationKind.JOB_DISPATCHED) -> Notification:
    """A notification written the way every rule writes one: in a transaction, pushes queued after commit."""
    with transaction():
        service.notify(person(user.id), kind, "/jobs/42", lambda: (title, "Boiler F28"), now=now)
    return db.session.scalars(select(Notification).order_by(Notification.id.desc())).first()


def run_queue() -> int:
    """Run what the queue holds, as a consumer would (in app contexts of their own); then look afresh."""
    ran = task_queue.run_queued()
    db.session.commit()  # end the test's read snapshot: the tasks committed in other sessions
    return ran


def claims_of(authorization: str) -> dict:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_dispatched_job_reaches_the_device_encrypted_and_decrypts_to_its_title_and_link(
    app, push_ready, receiver, subscribe, tech, make_user, make_job
):
    subscribe(tech, "tablet")
    job = make_job()
    receptionist = make_user(Role.RECEPTIONIST)
    client = app.test_client()
    client.login(receptionist)
    assert client.post_form(f"/jobs/{job.id}/assign", {"technician_id": str(tech.id)}).status_code == 303
    assert receiver.received == []  # the request only queued the push
    assert run_queue() == 2  # the wake-up, then the batch it handed to a worker

    [delivered] = receiver.received
    payload = delivered.payload
    assert payload["title"].startswith(f"New job {job.reference}")
    assert payload["url"] == f"/jobs/{job.id}"
    notification = db.session.scalar(select(Notification).where(Notification.recipient_id == tech.id))
    assert payload["open"] == f"/notifications/{notification.id}/open"
    assert payload["tag"] == f"notification-{notification.id}"
    headers = {name.lower(): value for name, value in delivered.headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(24 * 3600)  # a tablet switched off for a shift still gets it
    assert headers["authorization"].startswith("vapid t=")
    assert headers["authorization"].endswith(f"k={public_key_of(push_ready)}")
    claims = claims_of(headers["authorization"])
    assert claims["aud"] == receiver.url and claims["sub"].startswith("mailto:")
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).push_state == PushState.SENT
    assert db.session.scalar(select(PushSubscription.last_push_at)) is not None


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_removed(push_ready, receiver, subscribe, tech, status):
    subscribe(tech, "old-phone")
    subscribe(tech, "tablet")
    receiver.answer("old-phone", status)
    tell(tech)
    run_queue()
    assert [device.device for device in db.session.scalars(select(PushSubscription))] == ["Chrome · Android"]
    assert receiver.to("tablet") and not receiver.to("old-phone")
    assert db.session.scalar(select(PushRetry.id)) is None


def test_429_is_retried_with_backoff_and_arrives_once(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    receiver.answer("tablet", 429, 429)
    now = utcnow()
    notification = tell(tech, now=now)
    delivery.deliver([notification.id], now)
    retry = db.session.scalar(select(PushRetry))
    assert retry.attempts == 1 and retry.due_at == now + timedelta(seconds=60)

    assert delivery.retry_due(now + timedelta(seconds=30)) == {}  # not yet
    assert delivery.retry_due(now + timedelta(seconds=61)) == {"retry": 1}  # 429 again: wait longer
    db.session.expire_all()
    retry = db.session.scalar(select(PushRetry))
    assert retry.attempts == 2 and retry.due_at == now + timedelta(seconds=61 + 300)

    assert delivery.retry_due(now + timedelta(seconds=400)) == {"sent": 1}
    assert len(receiver.to("tablet")) == 1 and receiver.refused == [("tablet", 429), ("tablet", 429)]
    assert db.session.scalar(select(PushRetry.id)) is None


def test_a_retry_after_longer_than_the_backoff_is_respected(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    receiver.answer("tablet", 503, retry_after=900)
    now = utcnow()
    delivery.deliver([tell(tech, now=now).id], now)
    assert db.session.scalar(select(PushRetry.due_at)) == now + timedelta(seconds=900)


def test_retries_stop_after_a_bounded_number_of_attempts(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    receiver.answer("tablet", *[503] * 10)
    now = utcnow()
    delivery.deliver([tell(tech, now=now).id], now)
    later = now
    for _attempt in range(delivery.MAX_ATTEMPTS + 2):
        later += timedelta(hours=2)
        delivery.retry_due(later)
    assert len(receiver.refused) == delivery.MAX_ATTEMPTS
    assert receiver.received == [] and db.session.scalar(select(PushRetry.id)) is None


def test_only_the_device_that_failed_is_retried(push_ready, receiver, subscribe, tech):
    subscribe(tech, "phone")
    subscribe(tech, "tablet")
    receiver.answer("tablet", 500)
    now = utcnow()
    delivery.deliver([tell(tech, now=now).id], now)
    delivery.retry_due(now + timedelta(minutes=5))
    assert len(receiver.to("phone")) == 1 and len(receiver.to("tablet")) == 1


def test_a_notification_read_in_the_app_is_not_pushed(app, push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    notification = tell(tech)
    client = app.test_client()
    client.login(tech)
    assert client.get(f"/notifications/{notification.id}/open").status_code == 303
    assert run_queue() == 1  # the wake-up found nothing left to push
    assert receiver.received == []
    assert db.session.get(Notification, notification.id).push_state == PushState.SKIPPED


def test_two_deliveries_of_one_notification_push_it_once(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    notification = tell(tech)
    delivery.deliver([notification.id])
    delivery.deliver([notification.id])  # the sweep, or a second consumer, racing the first
    run_queue()
    assert len(receiver.to("tablet")) == 1


def test_a_claim_whose_worker_died_is_taken_again(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    notification = tell(tech)
    task_queue.huey.flush()
    now = utcnow()
    notification.push_state, notification.push_claimed_at = PushState.SENDING, now - timedelta(minutes=11)
    db.session.commit()
    assert delivery.due_for_push(now) == [notification.id]
    assert tasks.sweep(now) == 1 and run_queue() == 1
    assert len(receiver.to("tablet")) == 1


def save_settings(user, **values):
    data = preferences.SettingsData(push_kinds=[kind.value for kind in kinds_for(user)], **values)
    with transaction():
        preferences.save_settings(user, data)


def test_quiet_hours_keep_the_push_until_they_end_and_the_bell_has_it_at_once(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    now = utcnow().replace(second=0, microsecond=0)
    local = utc_to_local(now)
    start, end = (local - timedelta(hours=1)).time(), (local + timedelta(hours=2)).time()
    save_settings(tech, quiet_from=start, quiet_until=end)
    notification = tell(tech, now=now)
    assert service.unread_count(tech) == 1  # in the app at once
    assert notification.push_due_at == now + timedelta(hours=2)
    assert run_queue() == 0 and tasks.sweep(now + timedelta(hours=1)) == 0
    assert receiver.received == []

    assert tasks.sweep(now + timedelta(hours=2, minutes=1)) == 1
    run_queue()
    assert len(receiver.to("tablet")) == 1


def test_quiet_hours_across_midnight(tech):
    settings = NotificationSettings(quiet_from=time(22, 0), quiet_until=time(7, 0))

    def at(day, hour, minute=0):
        first_of_month = utc_to_local(utcnow()).replace(day=1, hour=hour, minute=minute, second=0, microsecond=0)
        return local_to_utc(first_of_month + timedelta(days=day))

    assert preferences.quiet_until(settings, at(0, 23)) == at(1, 7)
    assert preferences.quiet_until(settings, at(1, 6, 59)) == at(1, 7)
    assert preferences.quiet_until(settings, at(1, 7)) is None
    assert preferences.quiet_until(settings, at(1, 12)) is None


def test_a_kind_turned_off_stays_in_the_app(push_ready, receiver, subscribe, tech):
    subscribe(tech, "tablet")
    kinds = [kind.value for kind in kinds_for(tech) if kind != NotificationKind.MANUAL_REVISION]
    with transaction():
        preferences.save_settings(tech, preferences.SettingsData(push_kinds=kinds))
    notification = tell(tech, kind=NotificationKind.MANUAL_REVISION)
    assert notification.push_state == PushState.NONE and run_queue() == 0
    tell(tech, kind=NotificationKind.JOB_DISPATCHED)
    run_queue()
    assert len(receiver.to("tablet")) == 1


def test_no_details_shows_only_that_something_waits(push_ready, receiver, subscribe, tech, make_user):
    chinese = make_user(Role.TECHNICIAN, login="push.zh")
    for user, device in ((tech, "tablet"), (chinese, "phone")):
        subscribe(user, device)
        save_settings(user, no_details=True)
        tell(user, title="张秀英家壁挂炉 F28")
    run_queue()
    [english] = receiver.to("tablet")
    [in_chinese] = receiver.to("phone")
    assert (english["title"], english["body"]) == ("New notification", "Open the app to see it.")
    assert in_chinese["title"] == "新通知" and "F28" not in json.dumps(in_chinese, ensure_ascii=False)
    assert english["url"] == "/jobs/42"


def test_a_person_without_a_device_gets_no_push_work(push_ready, tech):
    notification = tell(tech)
    assert notification.push_state == PushState.NONE and run_queue() == 0
