"""Background exports: asked for in a request, fetched by their owner only, tidied by the schedule.

`ask` is the runner exporting.download hands a list too big to wait for: it records the file in the
request's transaction and queues its writing once that is committed. `tidy` (the schedule's, every
10 minutes) re-queues a file whose queue message was lost and removes the files past their time.
"""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from intranet import exporting
from intranet.access import scoping
from intranet.db_types import utcnow
from intranet.downloads.models import ExportChunk, ExportFile, FileStatus
from intranet.downloads.tasks import queue_writing
from intranet.downloads.writing import keep_for
from intranet.errors import NotFound
from intranet.extensions import db
from intranet.unit_of_work import after_commit

LOST_AFTER = timedelta(minutes=5)  # a file still queued this long after it was handed over: hand it again


def ask(export_name: str, owner_id: int, args: dict, file_format: str, locale: str) -> str:
    """Record the export to write for `owner_id` (in a request); the address where it will be."""
    now = utcnow()
    export = exporting.by_name(export_name)
    export_file = ExportFile(
        owner_id=owner_id,
        export_name=export_name,
        file_format=file_format,
        filters=json.dumps(args, ensure_ascii=False, sort_keys=True),
        locale=locale,
        file_name=exporting.file_name(export, file_format),
        status=FileStatus.QUEUED,
        created_at=now,
        queued_at=now,
        expires_at=now + keep_for(),
    )
    db.session.add(export_file)
    db.session.flush()
    file_id = export_file.id
    after_commit(lambda: queue_writing(file_id))
    return url_for("downloads.fetch", export_file_id=file_id)


exporting.run_in_background_with(ask)


def get_file(actor, file_id: int, now: datetime) -> ExportFile:
    """The actor's own file, while it is kept (the clean-up may not have run yet: past its time is gone)."""
    export_file = scoping.get(actor, ExportFile, file_id)
    if export_file.expires_at <= now:
        raise NotFound(scoping.scope_of(ExportFile).not_found)
    return export_file


def chunks_of(export_file: ExportFile) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time, read through a session of their own (the response streams
    after the request's session is gone)."""
    file_id, count, engine = export_file.id, export_file.chunks, db.engine

    def read() -> Iterator[bytes]:
        with Session(engine) as session:
            for seq in range(count):
                data = session.scalar(
                    select(ExportChunk.data).where(ExportChunk.file_id == file_id, ExportChunk.seq == seq)
                )
                if data is None:  # removed meanwhile (past its time): the download stops short
                    return
                yield data

    return read()


def tidy(now: datetime) -> int:
    """Re-queue the files whose message was lost (queue down), remove those past their time; how many."""
    lost = list(
        db.session.scalars(
            select(ExportFile.id).where(ExportFile.status == FileStatus.QUEUED, ExportFile.queued_at < now - LOST_AFTER)
        )
    )
    if lost:
        db.session.execute(
            update(ExportFile)
            .where(ExportFile.id.in_(lost))
            .values(queued_at=now)
            .execution_options(synchronize_session=False)
        )
        after_commit(lambda: [queue_writing(file_id) for file_id in lost])
    expired = list(db.session.scalars(select(ExportFile.id).where(ExportFile.expires_at <= now)))
    if expired:
        db.session.execute(delete(ExportChunk).where(ExportChunk.file_id.in_(expired)))
        db.session.execute(
            delete(ExportFile).where(ExportFile.id.in_(expired)).execution_options(synchronize_session=False)
        )
    return len(lost) + len(expired)
