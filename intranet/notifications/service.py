"""Telling people: notification rows written in the caller's transaction, then read, listed and counted.

`notify` is what every "who is told what" rule calls. It writes one row per recipient in the
transaction of the event that caused it, so the notification exists exactly when the event does, and
hands the pushes to the task queue only once that transaction is committed.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import ARRAY, Integer, any_, bindparam, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from intranet.access import scoping
from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.listing import read_rows
from intranet.notifications import tasks
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.models import Notification, PushState, PushSubscription
from intranet.notifications.preferences import quiet_until, settings_of_everyone, settings_of_many
from intranet.notifications.recipients import DEFAULT_LOCALE, Recipient
from intranet.unit_of_work import after_commit_once

TITLE_LENGTH, BODY_LENGTH = 200, 500


def link_to(endpoint: str, **values) -> str:
    """The path of a page, built without a request (periodic tasks have none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def notify(
    recipients: Iterable[Recipient],
    kind: NotificationKind,
    link: str,
    text: Callable[[], tuple[str, str]],
    *,
    actor=None,
    dedup_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """Tell each recipient (but the actor) once; `text()` gives (title, body) in the language it runs in.

    With a `dedup_key`, a person already told under that key is not told again (reminders run often).
    Returns how many notifications were written.
    """
    now = now or utcnow()
    actor_id = actor.id if actor is not None else None  # once: `actor` may be the request's user proxy
    unique = {r.id: r for r in recipients if r.id != actor_id}
    if not unique:
        return 0
    texts = {}
    for locale in {r.locale or DEFAULT_LOCALE for r in unique.values()}:
        with force_locale(locale):
            title, body = text()
        texts[locale] = (str(title)[:TITLE_LENGTH], str(body)[:BODY_LENGTH])
    # One group per (language, push state, push time): a few INSERT ... SELECT statements, whatever the
    # number of people, so telling two thousand costs the request little more than telling one.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for user_id, (state, due) in _push_plan(list(unique), kind, now).items():
        groups[(unique[user_id].locale or DEFAULT_LOCALE, state, due)].append(user_id)
    written, push_now = 0, False
    for (locale, state, due), user_ids in groups.items():
        title, body = texts[locale]
        values = {
            "kind": kind.value,
            "title": title,
            "body": body,
            "link": link,
            "created_at": now,
            "dedup_key": dedup_key,
            "push_state": state,
            "push_due_at": due,
        }
        count = _insert_once(values, user_ids) if dedup_key else _insert(values, user_ids)
        written += count
        push_now = push_now or (count > 0 and due == now)
    if push_now:
        after_commit_once(tasks.wake_delivery)
    return written


MANY = 200  # past this many people, reading the small push tables whole beats a long IN list


def _push_plan(user_ids: list[int], kind: str, now: datetime) -> dict[int, tuple[str, datetime | None]]:
    """Per person: whether the notification is pushed, and from when (now, or when the quiet hours end)."""
    devices = select(PushSubscription.user_id).distinct()
    if len(user_ids) <= MANY:
        devices = devices.where(PushSubscription.user_id.in_(user_ids))
    with_devices = set(db.session.scalars(devices))
    settings = settings_of_many(list(with_devices)) if len(user_ids) <= MANY else settings_of_everyone()
    plan = {}
    for user_id in user_ids:
        own = settings.get(user_id)
        if user_id not in with_devices or (own is not None and not own.pushes(kind)):
            plan[user_id] = (PushState.NONE, None)
        else:
            plan[user_id] = (PushState.PENDING, (quiet_until(own, now) if own else None) or now)
    return plan


def _among(column, ids: list[int]):
    """`column IN ids`; on PostgreSQL as one array parameter, so two thousand ids are not two thousand
    placeholders to render, send and parse on every call."""
    if len(ids) > MANY and db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _insert(values: dict, user_ids: list[int]) -> int:
    """One notification with these values for each of these people, in one INSERT ... SELECT."""
    table = Notification.__table__
    constants = [literal(value, table.c[name].type).label(name) for name, value in values.items()]
    db.session.execute(
        insert(table).from_select(
            ["recipient_id", *values], select(User.id, *constants).where(_among(User.id, user_ids))
        )
    )
    return len(user_ids)


def _insert_once(values: dict, user_ids: list[int]) -> int:
    """Only for the people not yet told under this key; a twin run that told one first only cancels that one."""
    told = set(
        db.session.scalars(
            select(Notification.recipient_id).where(
                Notification.dedup_key == values["dedup_key"], Notification.recipient_id.in_(user_ids)
            )
        )
    )
    written = 0
    for user_id in user_ids:
        if user_id in told:
            continue
        try:
            with db.session.begin_nested():
                written += _insert(values, [user_id])
        except IntegrityError:
            continue
    return written


# Reading


def list_for(actor, unread_only: bool = False):
    statement = select(Notification).where(scoping.visible(actor, Notification))
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    return statement.order_by(Notification.id.desc())


# The bell asks on every page: one statement, the person as a parameter.
_UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.recipient_id == bindparam("recipient_id"), Notification.read_at.is_(None))
)


def unread_count(actor) -> int:
    return read_rows(_UNREAD, {"recipient_id": actor.id}).scalar()


def get_notification(actor, notification_id: int) -> Notification:
    return scoping.get(actor, Notification, notification_id)


def mark_read(actor, notification: Notification, now: datetime | None = None) -> Notification:
    """Read in the app: its push, if still waiting, is no longer sent."""
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        if notification.push_state == PushState.PENDING:
            notification.push_state = PushState.SKIPPED
        db.session.flush()
    return notification


def mark_all_read(actor, now: datetime | None = None) -> int:
    now = now or utcnow()
    unread = (Notification.recipient_id == actor.id, Notification.read_at.is_(None))
    db.session.execute(
        update(Notification)
        .where(*unread, Notification.push_state == PushState.PENDING)
        .values(push_state=PushState.SKIPPED)
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        update(Notification).where(*unread).values(read_at=now).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return result.rowcount
