"""One web push to one device: the payload, encrypted by pywebpush (aes128gcm), and what the push service said.

The payload holds only what a lock screen may show (title, body, the link to open); with "no details"
the title and body say only that something waits.
"""

import json
import threading
from dataclasses import dataclass
from enum import StrEnum

import requests
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from pywebpush import WebPushException, webpush

from intranet.notifications.vapid import server_key

TIMEOUT_SECONDS = 10


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the browser dropped the subscription; so do we
    RETRY = "retry"  # 429, 5xx or no answer: try again later
    REFUSED = "refused"  # any other answer (a malformed subscription, too large): trying again will not help


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    status: int | None = None
    retry_after: int | None = None  # seconds the push service asked us to wait


def payload_of(notification_id: int, title: str, body: str, link: str, open_url: str, locale: str, no_details: bool):
    if no_details:
        with force_locale(locale):
            title, body = _("New notification"), _("Open the app to see it.")
    return {
        "id": notification_id,
        "title": title,
        "body": body,
        "url": link,
        "open": open_url,  # marks it read, then goes on to `url`
        "tag": f"notification-{notification_id}",  # a resend replaces, never doubles, what the device shows
    }


_local = threading.local()


def _session() -> requests.Session:
    """One HTTP session per worker thread: connections to a push service are reused."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def _seconds(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def send(subscription_info: dict, payload: dict) -> Result:
    vapid = server_key()
    if vapid is None:
        return Result(Outcome.REFUSED)
    ttl = current_app.config["PUSH_TTL_HOURS"] * 3600
    try:
        response = webpush(
            subscription_info,
            json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid,
            vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},  # filled in per endpoint: a new dict
            ttl=ttl,
            headers={"Urgency": "normal"},
            timeout=TIMEOUT_SECONDS,
            requests_session=_session(),
        )
    except WebPushException as error:
        status = error.status_code
        if status in (404, 410):
            return Result(Outcome.GONE, status)
        if status is None or status == 429 or status >= 500:
            return Result(Outcome.RETRY, status, _seconds(error.retry_after))
        return Result(Outcome.REFUSED, status)
    except requests.RequestException:
        return Result(Outcome.RETRY)
    return Result(Outcome.SENT, response.status_code)
