"""A file exported in the background, its bytes in the database in chunks, for the person who asked."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.db_types import UTCDateTime, utcnow
from intranet.enums import LabelledEnum
from intranet.extensions import db


class FileStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting for its turn")
    WRITING = "writing", _l("Being written")
    READY = "ready", _l("Ready")
    FAILED = "failed", _l("Could not be written")


class ExportFile(db.Model):
    """One export a person asked for: what to write (the list, its filters, the format, the language),
    and, once written, its chunks. Any app server serves it: the bytes are in the database."""

    __tablename__ = "export_file"
    __table_args__ = (
        Index("ix_export_file_owner_created", "owner_id", "created_at"),
        # The clean-up and the re-queueing: files by state and age.
        Index("ix_export_file_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    export_name: Mapped[str] = mapped_column(String(40))
    file_format: Mapped[str] = mapped_column(String(4))
    filters: Mapped[str] = mapped_column(Text, default="{}")  # the list's query arguments, as JSON
    locale: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default=FileStatus.QUEUED)
    size: Mapped[int] = mapped_column(default=0)
    chunks: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last handed to the queue
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # removed then, written or not

    owner: Mapped[User] = relationship()

    @property
    def status_enum(self) -> FileStatus:
        return FileStatus(self.status)


class ExportChunk(db.Model):
    """A piece of a file's bytes (about a megabyte): written and read one at a time, so neither the
    task nor the download ever holds a whole file of a million rows in memory."""

    __tablename__ = "export_chunk"

    file_id: Mapped[int] = mapped_column(ForeignKey("export_file.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))


# A file is its owner's alone: nobody else, whatever their role, fetches it (nor learns that it exists).
scoping.register(
    ExportFile,
    id_param="export_file_id",
    branch=None,
    owner="owner_id",
    view={role: Reach.OWN for role in Role},
    hide=True,
    not_found=_l("No such file: files are kept for a limited time."),
    branch_of=lambda export_file: export_file.owner.branch_id,
)
scoping.unscoped(ExportChunk, id_param=None, reason="read through its file only, which scoping guards")
