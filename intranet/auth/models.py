"""User accounts and the record of login attempts behind the lock-out."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.auth.roles import Role
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

    def get_id(self) -> str:
        return f"{self.id}.{self.auth_version}"

    def __repr__(self) -> str:
        return f"<User {self.login} {self.role}>"


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
