"""Devices that receive push: subscribed from the settings page, renewed by the service worker when the
browser rotates its subscription (even with the session expired), removed on sign-out from the device."""

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.errors import Invalid, NotFound
from intranet.extensions import db
from intranet.notifications.models import PushRetry, PushSubscription

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str
    user_agent: str = ""


def _decoded(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def _checked(data: SubscriptionData) -> SubscriptionData:
    """Refuse what no browser sends: the endpoint must be a push service's HTTPS address and the keys
    a P-256 public key and a 16-byte secret (the server POSTs to that address, so it is checked)."""
    endpoint = (data.endpoint or "").strip()
    parts = urlsplit(endpoint)
    insecure_ok = current_app.config.get("PUSH_INSECURE_ENDPOINTS") and parts.hostname in LOOPBACK
    if len(endpoint) > 1000 or not parts.hostname or not (parts.scheme == "https" or insecure_ok):
        raise Invalid(_("This browser's push address cannot be used."))
    public_key, secret = _decoded(data.p256dh or ""), _decoded(data.auth or "")
    if len(public_key) != 65 or public_key[0] != 4 or len(secret) != 16:
        raise Invalid(_("This browser's push keys cannot be used."))
    return SubscriptionData(endpoint, data.p256dh, data.auth, data.user_agent)


def device_name(user_agent: str) -> str:
    """A short name a person recognises their device by ("Chrome on Android")."""
    browsers = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
    systems = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows")]
    systems += [("Mac OS", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]
    browser = next((name for mark, name in browsers if mark in user_agent), "")
    system = next((name for mark, name in systems if mark in user_agent), "")
    return re.sub(r"\s+", " ", f"{browser} · {system}".strip(" ·"))[:100] or _("Browser")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def subscribe(actor, data: SubscriptionData) -> tuple[PushSubscription, str]:
    """This device now receives the actor's pushes; returns the device's renewal token (shown once)."""
    ensure(actor, "account.use")
    data = _checked(data)
    token = secrets.token_urlsafe(32)
    device = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == data.endpoint))
    if device is None:
        device = PushSubscription(endpoint=data.endpoint)
        db.session.add(device)
    elif device.user_id != actor.id:
        # A shared tablet that another person used: its pushes are now this person's, none of theirs wait.
        db.session.execute(delete(PushRetry).where(PushRetry.subscription_id == device.id))
    device.user_id = actor.id
    device.p256dh, device.auth = data.p256dh, data.auth
    device.device = device_name(data.user_agent)
    device.renew_token_hash = _token_hash(token)
    db.session.flush()
    return device, token


def renew(token: str, data: SubscriptionData) -> PushSubscription:
    """The browser rotated the subscription: move the device to its new address and keys.

    Called by the service worker, possibly long after the session expired: the token it was given at
    subscription time is what proves the device is the one that subscribed.
    """
    device = db.session.scalar(
        select(PushSubscription).where(PushSubscription.renew_token_hash == _token_hash(token or ""))
    )
    if device is None:
        raise NotFound(_("This device is no longer subscribed: allow notifications again in your settings."))
    data = _checked(data)
    twin = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == data.endpoint, PushSubscription.id != device.id)
    )
    if twin is not None:
        db.session.delete(twin)
        db.session.flush()
    device.endpoint, device.p256dh, device.auth = data.endpoint, data.p256dh, data.auth
    db.session.flush()
    return device


def devices_of(actor) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(scoping.visible(actor, PushSubscription))
            .order_by(PushSubscription.created_at.desc())
        )
    )


def remove_device(actor, device_id: int) -> None:
    device = scoping.get(actor, PushSubscription, device_id)
    db.session.delete(device)
    db.session.flush()


def unsubscribe(actor, endpoint: str) -> bool:
    """The browser stopped this device's subscription (or the person turned push off on it)."""
    result = db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == actor.id, PushSubscription.endpoint == endpoint)
    )
    return result.rowcount > 0


def forget_device(user_id: int, device_id: int) -> None:
    """Sign-out on a device: it stops receiving that person's pushes (shared tablets)."""
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.id == device_id, PushSubscription.user_id == user_id)
    )
