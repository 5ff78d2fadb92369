"""The Branch table."""

import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from intranet.access import scoping
from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


def new_stamp() -> str:
    return uuid.uuid4().hex


class Branch(db.Model):
    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A new random value whenever the branch's desk settings or working calendar change: each app
    # process keeps what it read of them under it (frontdesk.branch_calendar). Random, not a counter,
    # so that a database restored or rebuilt under a running process never repeats an old stamp.
    calendar_stamp: Mapped[str] = mapped_column(String(32), default=new_stamp, server_default="")

    def __repr__(self) -> str:
        return f"<Branch {self.code}>"


# A branch reaches itself: its own staff see their branch, an administrator every branch.
scoping.register(Branch, id_param="branch_id", branch="id", not_found=_l("No such branch."))
