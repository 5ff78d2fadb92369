"""A job's history: every change is written as a JobEvent in the transaction that makes it."""

from datetime import datetime

from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.jobs.models import Job, JobEvent


def record(job: Job, actor, kind: str, detail: str = "", at: datetime | None = None) -> None:
    db.session.add(JobEvent(job=job, actor_id=actor.id, kind=kind, detail=detail, at=at or utcnow()))
