"""Notifications, each person's push settings, their devices' push subscriptions, and pushes to retry."""

from datetime import datetime, time
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


class PushState(StrEnum):
    NONE = "none"  # not to be pushed: no device, the kind is off, or nothing was ever asked
    PENDING = "pending"  # to be pushed from push_due_at on (now, or when the quiet hours end)
    SENDING = "sending"  # claimed by a delivery task at push_claimed_at
    SENT = "sent"
    SKIPPED = "skipped"  # read in the app before its push went out


class Notification(db.Model):
    """One thing one person is told, written in the transaction of what caused it."""

    __tablename__ = "notification"
    __table_args__ = (
        # A reminder (due tomorrow, overdue...) is told once: its key is unique per person. Partial: most
        # notifications have no key, and a revision for two thousand people writes no entry for them.
        Index(
            "uq_notification_recipient_dedup_key",
            "recipient_id",
            "dedup_key",
            unique=True,
            postgresql_where=text("dedup_key IS NOT NULL"),
            sqlite_where=text("dedup_key IS NOT NULL"),
        ),
        Index("ix_notification_recipient_read", "recipient_id", "read_at"),
        Index("ix_notification_push_state_due", "push_state", "push_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500), default="")
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedup_key: Mapped[str | None] = mapped_column(String(120))
    push_state: Mapped[str] = mapped_column(String(10), default=PushState.NONE)
    push_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    push_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(db.Model):
    """What a person wants by push: kinds turned off, quiet hours, and whether the lock screen shows details."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    # Comma-wrapped kinds that stay in the app only (",low_stock,"); empty: every kind comes by push.
    push_off: Mapped[str] = mapped_column(String(600), default="")
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_until: Mapped[time | None] = mapped_column(Time)
    no_details: Mapped[bool] = mapped_column(default=False)

    def pushes(self, kind: str) -> bool:
        return f",{kind}," not in (self.push_off or "")


class PushSubscription(db.Model):
    """One device (browser profile) of a person that receives web push."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    # What the person sees in their list of devices ("Chrome on Android").
    device: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the token the service worker shows when the browser rotates the subscription.
    renew_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def info(self) -> dict:
        """As pywebpush wants it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushRetry(db.Model):
    """A push a device's push service asked us to send again later (429, 5xx, no answer)."""

    __tablename__ = "push_retry"
    __table_args__ = (UniqueConstraint("notification_id", "subscription_id", name="uq_push_retry_notification_device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True)
    attempts: Mapped[int] = mapped_column(default=1)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


NOT_FOUND = _l("No such notification.")
OWN = {role: Reach.OWN for role in Role}

# A person reaches their own notifications, settings and devices, and nobody else's.
scoping.register(
    Notification,
    id_param="notification_id",
    branch=None,
    owner="recipient_id",
    view=OWN,
    hide=True,
    not_found=NOT_FOUND,
    branch_of=lambda notification: notification.recipient.branch_id,
)
scoping.register(NotificationSettings, id_param=None, branch=None, owner="user_id", view=OWN)
scoping.register(PushSubscription, id_param=None, branch=None, owner="user_id", view=OWN)
scoping.unscoped(PushRetry, id_param=None, reason="delivery bookkeeping, read by the delivery task only")
