"""Submissions already handled, by the key the browser gave them: the memory behind exactly-once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


class Submission(db.Model):
    __tablename__ = "submission"
    # Keys are scoped per user: one user's key can never replay another user's result.
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(36))
    endpoint: Mapped[str] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(String(64))
    result_url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# A submission's key belongs to the person who sent it, and to nobody else, admins included.
scoping.register(Submission, id_param=None, branch=None, owner="user_id", view={role: Reach.OWN for role in Role})
