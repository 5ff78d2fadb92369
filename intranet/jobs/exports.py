"""The job lists as files: jobs, visit reports and callbacks, each declared once (see exporting)."""

from flask_babel import lazy_gettext as _l

from intranet.exporting import Column, declare
from intranet.jobs import service
from intranet.jobs.filters import callback_filters, job_filters, report_filters
from intranet.jobs.models import Callback, CallbackOutcome, Job, JobSource, JobStatus, Priority, VisitReport
from intranet.jobs.report_fields import REPORT_FIELDS
from intranet.jobs.survey import QUESTIONS, StaffRemark

ID = _l("ID")

JOBS = declare(
    "jobs",
    title=_l("Jobs"),
    model=Job,
    permission="jobs.list",
    rows=lambda actor, args: service.list_jobs(actor, job_filters(args)),
    columns=[
        Column(ID, lambda job: job.id),
        Column(_l("Job"), lambda job: job.reference),
        Column(_l("Customer"), lambda job: job.customer.name),
        Column(_l("Source"), lambda job: JobSource(job.source)),
        Column(_l("Priority"), lambda job: Priority(job.priority)),
        Column(_l("Status"), lambda job: JobStatus(job.status)),
        Column(_l("Technician"), lambda job: job.assigned_to.name if job.assigned_to else None),
        Column(_l("Fault"), lambda job: job.fault_description),
        Column(_l("Created"), lambda job: job.created_at),
        Column(_l("Due"), lambda job: job.due_at),
        Column(_l("Arrived"), lambda job: job.started_at),
        Column(_l("Done"), lambda job: job.done_at),
        Column(_l("Needs a manager"), lambda job: job.needs_manager_attention),
    ],
)


def _written(field):
    """A declared report field as a column: a choice reads as its label."""
    if field.choices:
        return Column(
            field.label, lambda report: field.choices(value) if (value := getattr(report, field.name)) else None
        )
    return Column(field.label, lambda report: getattr(report, field.name))


VISIT_REPORTS = declare(
    "visit-reports",
    title=_l("Visit reports"),
    model=VisitReport,
    permission="jobs.list",
    rows=lambda actor, args: service.list_reports(actor, report_filters(args)),
    columns=[
        Column(ID, lambda report: report.id),
        Column(_l("Job"), lambda report: report.job.reference),
        Column(_l("Customer"), lambda report: report.job.customer.name),
        Column(_l("Technician"), lambda report: report.technician.name),
        Column(_l("Arrived"), lambda report: report.arrived_at),
        Column(_l("Left"), lambda report: report.left_at),
        *(_written(field) for field in REPORT_FIELDS),
        Column(_l("Satisfaction"), lambda report: report.satisfaction),
        Column(_l("Another visit needed"), lambda report: report.follow_up_needed),
        Column(_l("Done"), lambda report: report.job.done_at),
    ],
)

def _mark(question) -> Column:
    return Column(question.short, lambda callback: getattr(callback, question.name))


def _follow_up(callback) -> str | None:
    return callback.follow_up_job.reference if callback.follow_up_job else None


CALLBACKS = declare(
    "callbacks",
    title=_l("Callbacks"),
    model=Callback,
    permission="callbacks.record",
    rows=lambda actor, args: service.list_callbacks(actor, callback_filters(args)),
    columns=[
        Column(ID, lambda callback: callback.id),
        Column(_l("Job"), lambda callback: callback.job.reference),
        Column(_l("Customer"), lambda callback: callback.job.customer.name),
        Column(_l("Called"), lambda callback: callback.at),
        Column(_l("Called by"), lambda callback: callback.caller.name),
        Column(_l("Call"), lambda callback: callback.attempt),
        Column(_l("Outcome"), lambda callback: CallbackOutcome(callback.outcome)),
        Column(_l("Problem solved"), lambda callback: callback.problem_solved),
        *(_mark(question) for question in QUESTIONS),
        Column(_l("Staff named"), lambda callback: callback.staff_named),
        Column(
            _l("Particularly warm, or not warm enough"),
            lambda callback: StaffRemark(callback.staff_remark) if callback.staff_remark else None,
        ),
        Column(_l("How to improve"), lambda callback: callback.suggestions),
        Column(
            _l("Follow-up job"), lambda callback: callback.follow_up_job.reference if callback.follow_up_job else None
        ),
        Column(_l("Note"), lambda callback: callback.note),
    ],
)

