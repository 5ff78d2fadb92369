"""The Attachment table: bytes in the database, so app servers stay stateless."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


class Attachment(db.Model):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the file belongs to, e.g. ("visit_report", 42); the owner's module decides who may see it.
    owner_type: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # photo | signature
    content_type: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    thumbnail: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
