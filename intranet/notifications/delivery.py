"""Pushing notifications: claim what is due, send it to each of the person's devices, keep what must be retried.

The database says what is to be pushed (notification.push_state, push_retry), the queue only says
when to look. A claim is one conditional UPDATE, so a task and the sweep, or two consumers, never
both send one notification; a claim whose worker died is taken again after CLAIM_TIMEOUT (the
device shows a resend in place of the first: same tag). No HTTP call happens inside a transaction.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update

from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.notifications import push
from intranet.notifications.models import Notification, PushRetry, PushState, PushSubscription
from intranet.notifications.preferences import settings_of_many
from intranet.notifications.recipients import DEFAULT_LOCALE
from intranet.unit_of_work import transaction

CLAIM_TIMEOUT = timedelta(minutes=10)
BACKOFF_SECONDS = (60, 300, 900, 3600)  # before the 2nd, 3rd, 4th and 5th attempt
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
MAX_WAIT_SECONDS = 6 * 3600  # a Retry-After longer than this is capped
SWEEP_LIMIT = 5000

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Send:
    notification_id: int
    subscription_id: int
    subscription_info: dict
    payload: dict


def _open_url(notification_id: int) -> str:
    return f"/notifications/{notification_id}/open"


def _sends(notifications: list, only: set[tuple[int, int]] | None = None) -> list[Send]:
    """What to send to whom: every device of each recipient (or only the (notification, device) pairs given)."""
    recipients = {n.recipient_id for n in notifications}
    devices: dict[int, list[PushSubscription]] = {}
    for device in db.session.scalars(select(PushSubscription).where(PushSubscription.user_id.in_(recipients))):
        devices.setdefault(device.user_id, []).append(device)
    settings = settings_of_many(list(recipients))
    locales = dict(db.session.execute(select(User.id, User.locale).where(User.id.in_(recipients))).all())
    sends = []
    for n in notifications:
        own = settings.get(n.recipient_id)
        payload = push.payload_of(
            n.id,
            n.title,
            n.body,
            n.link,
            _open_url(n.id),
            locales.get(n.recipient_id) or DEFAULT_LOCALE,
            bool(own and own.no_details),
        )
        for device in devices.get(n.recipient_id, []):
            if only is None or (n.id, device.id) in only:
                sends.append(Send(n.id, device.id, device.info(), payload))
    return sends


def _claimable(now: datetime):
    """Unread, and waiting with its time come, or claimed by a worker that has not finished in time."""
    return and_(
        Notification.read_at.is_(None),
        or_(
            and_(Notification.push_state == PushState.PENDING, Notification.push_due_at <= now),
            and_(Notification.push_state == PushState.SENDING, Notification.push_claimed_at < now - CLAIM_TIMEOUT),
        ),
    )


def _claim(notification_ids: list[int], now: datetime) -> list:
    return db.session.execute(
        update(Notification)
        .where(Notification.id.in_(notification_ids), _claimable(now))
        .values(push_state=PushState.SENDING, push_claimed_at=now)
        .returning(Notification.id, Notification.recipient_id, Notification.title, Notification.body, Notification.link)
        .execution_options(synchronize_session=False)
    ).all()


def deliver(notification_ids: list[int], now: datetime | None = None) -> Counter:
    """Push these notifications, those still waiting and due; returns how the sends went, by outcome."""
    now = now or utcnow()
    with transaction():
        claimed = _claim(list(notification_ids), now)
        sends = _sends(claimed) if claimed else []
    outcomes = [(send, push.send(send.subscription_info, send.payload)) for send in sends]
    with transaction():
        if claimed:
            db.session.execute(
                update(Notification)
                .where(Notification.id.in_([n.id for n in claimed]))
                .values(push_state=PushState.SENT)
                .execution_options(synchronize_session=False)
            )
        _record(outcomes, now, attempts_before={})
    return Counter(result.outcome for _send, result in outcomes)


def _record(outcomes: list, now: datetime, attempts_before: dict[tuple[int, int], int]) -> None:
    """Write down what the push services answered: devices gone, retries due, sends done."""
    sent = [send.subscription_id for send, result in outcomes if result.outcome == push.Outcome.SENT]
    if sent:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(sent))
            .values(last_push_at=now)
            .execution_options(synchronize_session=False)
        )
    gone = {send.subscription_id for send, result in outcomes if result.outcome == push.Outcome.GONE}
    if gone:
        db.session.execute(delete(PushRetry).where(PushRetry.subscription_id.in_(gone)))
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    retries = {}
    if outcomes:
        notification_ids = {send.notification_id for send, _result in outcomes}
        for retry in db.session.scalars(select(PushRetry).where(PushRetry.notification_id.in_(notification_ids))):
            retries[(retry.notification_id, retry.subscription_id)] = retry
    for send, result in outcomes:
        key = (send.notification_id, send.subscription_id)
        attempts = attempts_before.get(key, 0) + 1
        retry = retries.get(key)
        if result.outcome == push.Outcome.RETRY and attempts < MAX_ATTEMPTS and send.subscription_id not in gone:
            wait = max(BACKOFF_SECONDS[attempts - 1], min(result.retry_after or 0, MAX_WAIT_SECONDS))
            if retry is None:
                retry = PushRetry(notification_id=send.notification_id, subscription_id=send.subscription_id)
                db.session.add(retry)
            retry.attempts, retry.due_at = attempts, now + timedelta(seconds=wait)
        else:
            if result.outcome == push.Outcome.RETRY:
                _log.warning("push of notification %s to device %s given up after %d attempts", *key, attempts)
            elif result.outcome == push.Outcome.REFUSED:
                _log.warning("push of notification %s to device %s refused (%s)", *key, result.status)
            if retry is not None:
                db.session.delete(retry)
    db.session.flush()


def retry_due(now: datetime | None = None, limit: int = 500) -> Counter:
    """Send again the pushes whose retry time has come (unless read meanwhile)."""
    now = now or utcnow()
    with transaction():
        due = list(
            db.session.scalars(select(PushRetry).where(PushRetry.due_at <= now).order_by(PushRetry.due_at).limit(limit))
        )
        claimed = [
            retry
            for retry in due
            if db.session.execute(
                update(PushRetry)
                .where(PushRetry.id == retry.id, PushRetry.due_at <= now)
                .values(due_at=now + CLAIM_TIMEOUT)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        ]
        pairs = {(retry.notification_id, retry.subscription_id) for retry in claimed}
        attempts = {(retry.notification_id, retry.subscription_id): retry.attempts for retry in claimed}
        notifications = list(
            db.session.scalars(
                select(Notification).where(
                    Notification.id.in_({retry.notification_id for retry in claimed}), Notification.read_at.is_(None)
                )
            )
        )
        unread = {n.id for n in notifications}
        read_meanwhile = [retry.id for retry in claimed if retry.notification_id not in unread]
        if read_meanwhile:
            db.session.execute(delete(PushRetry).where(PushRetry.id.in_(read_meanwhile)))
        sends = _sends(notifications, only=pairs) if notifications else []
    outcomes = [(send, push.send(send.subscription_info, send.payload)) for send in sends]
    with transaction():
        _record(outcomes, now, attempts)
    return Counter(result.outcome for _send, result in outcomes)


def due_for_push(now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Notifications whose push waits and is due: a queue that was down, quiet hours ended, a dead claim."""
    now = now or utcnow()
    return list(
        db.session.scalars(select(Notification.id).where(_claimable(now)).order_by(Notification.id).limit(limit))
    )
