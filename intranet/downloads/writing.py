"""Writing a background export: claimed once, its bytes stored chunk by chunk, its owner told when ready.

The claim is a conditional UPDATE (queued -> writing), so a task delivered twice (a queue's retry, the
sweep re-queueing a file whose message was lost) writes the file once and tells its owner once. Each
chunk is committed on its own: memory holds one chunk, whatever the size of the list.
"""

import json
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update

from intranet import events, exporting
from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.downloads.events import ExportFileReady
from intranet.downloads.models import ExportChunk, ExportFile, FileStatus
from intranet.extensions import db
from intranet.unit_of_work import transaction

CHUNK_BYTES = 1 << 20  # what one row of export_chunk holds
_log = logging.getLogger(__name__)


def keep_for() -> timedelta:
    return timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])


def _claim(file_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(ExportFile)
        .where(ExportFile.id == file_id, ExportFile.status == FileStatus.QUEUED)
        .values(status=FileStatus.WRITING, started_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _store(file_id: int, seq: int, data: bytes) -> None:
    with transaction():
        db.session.add(ExportChunk(file_id=file_id, seq=seq, data=data))


def write(file_id: int) -> bool:
    """Write the file if nobody has yet; False when it was claimed before (or is gone)."""
    with transaction():
        if not _claim(file_id, utcnow()):
            return False
    try:
        with transaction():
            export_file = db.session.get(ExportFile, file_id)
            export = exporting.by_name(export_file.export_name)
            owner = db.session.get(User, export_file.owner_id)
            args, file_format, locale = json.loads(export_file.filters), export_file.file_format, export_file.locale
            # The permission and the filters are checked again now: the owner may have lost the right.
            pieces = exporting.open_export(export, owner, args, file_format, locale)
        size, seq, buffer = 0, 0, bytearray()
        for piece in pieces:
            buffer += piece
            while len(buffer) >= CHUNK_BYTES:
                _store(file_id, seq, bytes(buffer[:CHUNK_BYTES]))
                size, seq, buffer = size + CHUNK_BYTES, seq + 1, buffer[CHUNK_BYTES:]
        if buffer or seq == 0:
            _store(file_id, seq, bytes(buffer))
            size, seq = size + len(buffer), seq + 1
    except Exception:
        _log.exception("export file %s could not be written", file_id)
        with transaction():
            db.session.execute(delete(ExportChunk).where(ExportChunk.file_id == file_id))
            db.session.execute(update(ExportFile).where(ExportFile.id == file_id).values(status=FileStatus.FAILED))
        return False
    with transaction():
        now = utcnow()
        export_file = db.session.get(ExportFile, file_id, populate_existing=True)
        export_file.status, export_file.size, export_file.chunks = FileStatus.READY, size, seq
        export_file.ready_at, export_file.expires_at = now, now + keep_for()
        db.session.flush()
        events.publish(ExportFileReady(export_file, export_file.owner_id))
    return True
