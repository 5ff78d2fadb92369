"""User accounts and the record of login attempts behind the lock-out."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.branches.models import Branch
from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and deactivation: old sessions and remember-me cookies stop working.
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    branch: Mapped[Branch | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    # The device's sign-in (see SignIn), set when signing in and when a request loads the user.
    sign_in_token = None  # a plain attribute, not a column

    def get_id(self) -> str:
        """What the session and the remember-me cookie carry: the account, its auth_version, the device's sign-in."""
        return f"{self.id}.{self.auth_version}.{self.sign_in_token or ''}"

    def __repr__(self) -> str:
        return f"<User {self.login} {self.role}>"


class SignIn(db.Model):
    """One device's sign-in: its session and remember-me cookie live only while this row does.

    Signing out deletes the row, so a cookie copied before (or kept by a browser that never got the
    sign-out) no longer signs anyone in. Only a hash of the token is stored.
    """

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(db.Model):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_login_at", "login", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Colleagues: people of one's own branch; an administrator reaches everyone.
scoping.register(User, id_param="user_id", branch="branch_id")
scoping.register(SignIn, id_param=None, branch=None, owner="user_id", view={role: Reach.OWN for role in Role})
scoping.unscoped(LoginAttempt, id_param=None, reason="sign-in bookkeeping, read by the sign-in service only")
