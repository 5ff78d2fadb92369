"""The visit: the technician arrives, files the report (offline too), and a manager may correct it.

The report's written fields are declared in report_fields.py. The parts a report lists leave the
technician's van through the parts module, which reacts to VisitReportFiled in this transaction:
a part it refuses (unknown, short in the van) refuses the whole report.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _

from intranet import events
from intranet.access.permissions import ensure
from intranet.attachments import service as attachments
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.forms import Upload
from intranet.jobs import callback_rules
from intranet.jobs.events import VisitReportFiled
from intranet.jobs.history import record
from intranet.jobs.models import Job, JobStatus, PartUsed, VisitReport
from intranet.jobs.report_fields import CORRECTABLE_FIELDS, REPORT_FIELDS
from intranet.jobs.service import OPEN_FOR_WORK, open_follow_up

REPORT_OWNER = "visit_report"
MAX_PHOTOS = 8
MAX_PARTS = 30

attachments.owned_by(REPORT_OWNER, VisitReport)


def start_job(actor, job: Job, now: datetime | None = None, tapped_at: datetime | None = None) -> Job:
    """The technician arrives: the job is in progress and the arrival time is kept.

    `tapped_at` is when Start was tapped on a tablet that may have been offline: the arrival, even
    when the tap reaches the server hours later. A tablet clock ahead of the server's is not believed
    past `now`; one that puts the arrival before the job existed is refused.
    """
    ensure(actor, "jobs.work", job)
    if job.status == JobStatus.IN_PROGRESS:
        return job
    if job.status != JobStatus.ASSIGNED:
        raise Conflict(_("This job cannot be started: it is %(status)s.", status=job.status_enum.label))
    now = now or utcnow()
    arrived = min(tapped_at, now) if tapped_at is not None else now
    if arrived < job.created_at:
        raise Invalid(_("The arrival time is before the job was created: check the tablet's clock."))
    job.status = JobStatus.IN_PROGRESS
    job.started_at = arrived
    record(job, actor, "started", at=job.started_at)
    db.session.flush()
    return job


@dataclass
class PartLine:
    part_code: str
    quantity: Decimal
    description: str = ""


@dataclass
class ReportData:
    client_id: str
    arrived_at: datetime
    left_at: datetime
    satisfaction: int
    written: dict[str, str]  # the fields of report_fields.REPORT_FIELDS, by name
    follow_up_needed: bool = False
    parts: list[PartLine] = field(default_factory=list)


def _checked_fields(written: dict[str, str], fields) -> dict[str, str]:
    """The declared fields, trimmed and checked: required ones present, choices known, lengths kept."""
    checked = {}
    for declared in fields:
        value = (written.get(declared.name) or "").strip()
        if declared.is_choice and value not in set(declared.choices):
            raise Invalid(_("Choose: %(field)s.", field=declared.label))
        if declared.required and not value:
            raise Invalid(_("Fill in: %(field)s.", field=declared.label))
        if len(value) > declared.max_length:
            raise Invalid(_("%(field)s is too long.", field=declared.label))
        checked[declared.name] = value
    return checked


def _validate_report(data: ReportData, now: datetime) -> dict[str, str]:
    if data.left_at < data.arrived_at:
        raise Invalid(_("The time you left cannot be before the time you arrived."))
    if data.left_at > now + timedelta(minutes=15):
        raise Invalid(_("The time you left is in the future."))
    if data.left_at - data.arrived_at > timedelta(hours=24):
        raise Invalid(_("A visit cannot last more than 24 hours; check the dates."))
    if not 1 <= data.satisfaction <= 5:
        raise Invalid(_("Satisfaction is a mark from 1 to 5."))
    if len(data.parts) > MAX_PARTS:
        raise Invalid(_("At most %(n)d part lines.", n=MAX_PARTS))
    for line in data.parts:
        if not line.part_code.strip() or line.quantity is None or line.quantity <= 0:
            raise Invalid(_("Each part line needs a code and a quantity more than zero."))
    return _checked_fields(data.written, REPORT_FIELDS)


def submit_visit_report(
    actor, job: Job, data: ReportData, photos: list[Upload], signature: Upload | None, now: datetime | None = None
) -> VisitReport:
    """File the visit report and mark the job done (a resend of the same form never reaches here)."""
    now = now or utcnow()
    ensure(actor, "jobs.work", job)
    if job.report is not None or job.status not in OPEN_FOR_WORK:
        raise Conflict(_("This job already has a visit report."))
    written = _validate_report(data, now)
    if signature is None:
        raise Invalid(_("Ask the customer to sign before you submit."))
    if len(photos) > MAX_PHOTOS:
        raise Invalid(_("At most %(n)d photos per report.", n=MAX_PHOTOS))
    # Check every file before writing anything, so a bad photo costs no work.
    for upload in [*photos, signature]:
        attachments.check_image(upload.data, upload.filename)

    report = VisitReport(
        job=job,
        client_id=data.client_id,
        technician_id=actor.id,
        arrived_at=data.arrived_at,
        left_at=data.left_at,
        satisfaction=data.satisfaction,
        follow_up_needed=data.follow_up_needed,
        parts=[
            PartUsed(part_code=p.part_code, quantity=p.quantity, description=p.description.strip()) for p in data.parts
        ],
        **written,
    )
    db.session.add(report)
    db.session.flush()
    for upload in photos:
        attachments.store_image(actor, REPORT_OWNER, report.id, "photo", upload.data, upload.filename)
    report.signature_id = attachments.store_image(
        actor, REPORT_OWNER, report.id, "signature", signature.data, "signature.png"
    ).id

    if job.started_at is None:
        job.started_at = data.arrived_at
    job.status = JobStatus.DONE
    job.done_at = now
    days = callback_rules.delay_days(
        job.source,
        job.priority,
        data.satisfaction,
        current_app.config["CALLBACK_DELAY_DAYS"],
        current_app.config["CALLBACK_PROMPT_DAYS"],
    )
    job.callback_due_at = now + timedelta(days=days)
    record(job, actor, "reported", report.result, at=now)
    if data.follow_up_needed:
        description = f"{job.reference}: {report.fault_found}\n{report.action_taken}"
        open_follow_up(actor, job, description, actor, now)
    db.session.flush()
    events.publish(VisitReportFiled(actor, job, report))
    return report


@dataclass
class Correction:
    written: dict[str, str]  # the correctable fields of report_fields, by name
    reason: str
    version: int | None = None  # the report's version the correction was made on


def correct_report(actor, report: VisitReport, correction: Correction, now: datetime | None = None) -> VisitReport:
    """A manager's correction of a filed report; what changed and why goes into the history."""
    ensure(actor, "reports.correct", report.job)
    if correction.version is not None and correction.version != report.version:
        raise Conflict(
            _(
                "This report was changed by someone else after you opened it. Reload it, look at the changes, "
                "and correct it again."
            )
        )
    written = _checked_fields(correction.written, CORRECTABLE_FIELDS)
    if not correction.reason.strip():
        raise Invalid(_("Say why the report is corrected."))
    changed = [name for name, value in written.items() if (getattr(report, name) or "") != value]
    if not changed:
        raise Invalid(_("Nothing was changed."))
    for name in changed:
        setattr(report, name, written[name])
    report.corrected_at = now or utcnow()
    report.corrected_by_id = actor.id
    record(report.job, actor, "corrected", f"{', '.join(changed)}: {correction.reason.strip()}", at=report.corrected_at)
    db.session.flush()
    return report
