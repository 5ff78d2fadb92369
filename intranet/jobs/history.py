"""A job's history: every change is written as a JobEvent in the transaction that makes it.

An event's detail is stored as written (codes such as "normal" or "fixed", a reference, a name) and
translated when it is shown: `describe` gives it in the reader's language.
"""

from datetime import datetime

from intranet.db_types import utcnow
from intranet.enums import LabelledEnum
from intranet.extensions import db
from intranet.jobs.models import CallbackOutcome, Job, JobEvent, Priority, VisitResult
from intranet.jobs.report_fields import FIELDS_BY_NAME


def record(job: Job, actor, kind: str, detail: str = "", at: datetime | None = None) -> None:
    db.session.add(JobEvent(job=job, actor_id=actor.id, kind=kind, detail=detail, at=at or utcnow()))


def _label(enum: type[LabelledEnum], code: str) -> str:
    """A stored code's label; anything else (a follow-up's reference) as it is."""
    return str(enum(code).label) if code in enum._value2member_map_ else code


def _callback(detail: str) -> str:
    outcome, _, note = detail.partition(": ")
    return ": ".join(filter(None, (_label(CallbackOutcome, outcome), note)))


def _correction(detail: str) -> str:
    names, _, reason = detail.partition(": ")
    fields = [str(FIELDS_BY_NAME[name].label) if name in FIELDS_BY_NAME else name for name in names.split(", ")]
    return f"{', '.join(fields)}: {reason}" if reason else ", ".join(fields)


_DETAILS = {
    "created": lambda detail: _label(Priority, detail),
    "reported": lambda detail: _label(VisitResult, detail),
    "callback": _callback,
    "corrected": _correction,
}


def describe(event: JobEvent) -> str:
    """The event's detail in the reader's language: labels for the codes it holds."""
    if not event.detail:
        return ""
    translate = _DETAILS.get(event.kind)
    return translate(event.detail) if translate else event.detail
