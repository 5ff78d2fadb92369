"""Demo background exports for `flask seed-demo`: a finished file for the manager of each of two branches.

A few rows of their branch's jobs, as the task would have written them, kept EXPORT_KEEP_HOURS like any
other. Safe to run twice: a manager who has a file gets no second one.
"""

from sqlalchemy import select

from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.downloads.models import ExportChunk, ExportFile, FileStatus
from intranet.downloads.writing import keep_for
from intranet.exporting.delimited import stream_csv
from intranet.extensions import db
from intranet.jobs.models import Job

MANAGERS = ("manager", "manager.hd")


def seed_downloads(added: dict) -> None:
    added.setdefault("export files", 0)
    now = utcnow()
    for login in MANAGERS:
        manager = db.session.scalar(select(User).where(User.login == login))
        if manager is None or db.session.scalar(select(ExportFile.id).where(ExportFile.owner_id == manager.id)):
            continue
        jobs = db.session.scalars(select(Job).where(Job.branch_id == manager.branch_id).order_by(Job.id).limit(20))
        data = b"".join(stream_csv(["ID", "Job", "Status"], ([job.id, job.reference, job.status] for job in jobs)))
        export_file = ExportFile(
            owner_id=manager.id,
            export_name="jobs",
            file_format="csv",
            filters="{}",
            locale=manager.locale or "zh_Hans",
            file_name=f"jobs-{now:%Y%m%d-%H%M}.csv",
            status=FileStatus.READY,
            size=len(data),
            chunks=1,
            created_at=now,
            queued_at=now,
            started_at=now,
            ready_at=now,
            expires_at=now + keep_for(),
        )
        db.session.add(export_file)
        db.session.flush()
        db.session.add(ExportChunk(file_id=export_file.id, seq=0, data=data))
        added["export files"] += 1
    db.session.flush()
