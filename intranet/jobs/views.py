"""Routes: the job list and one job, a new job and its dispatch, Today.

The visit's routes are in visit_views.py, the callbacks' in callback_views.py.
"""

from datetime import datetime, timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import exporting
from intranet.access import scoping
from intranet.access.permissions import can, requires
from intranet.attachments.service import attachments_of
from intranet.branches.service import active_branches
from intranet.customers.service import get_customer
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.jobs import blueprint, history, service
from intranet.jobs.exports import JOBS, VISIT_REPORTS
from intranet.jobs.filters import job_filters, report_filters
from intranet.jobs.forms import AssignForm, JobForm, ResolveForm, job_data
from intranet.jobs.models import EVENT_LABELS, JobStatus
from intranet.jobs.related import related_links
from intranet.jobs.visits import REPORT_OWNER
from intranet.listing import paginate_request
from intranet.rendering import render
from intranet.timezones import local_to_utc, utc_to_local
from intranet.unit_of_work import attempt


def job_detail_context(job):
    report = job.report
    return {
        "job": job,
        "event_labels": EVENT_LABELS,
        "event_detail": history.describe,
        "photos": attachments_of(REPORT_OWNER, report.id, "photo") if report else [],
        "assign_form": AssignForm(technicians=service.technicians_of(job.branch_id), technician_id=job.assigned_to_id)
        if can(current_user, "jobs.dispatch", job) and job.status in service.DISPATCHABLE
        else None,
        "may_call_back": can(current_user, "callbacks.record", job) and job.status == "done",
        "resolve_form": ResolveForm()
        if can(current_user, "jobs.resolve_attention", job) and job.needs_manager_attention
        else None,
        "may_correct": report is not None and can(current_user, "reports.correct", job),
        "related": related_links(current_user, job),
        "may_work": can(current_user, "jobs.work", job),
    }


# Lists


@blueprint.route("/jobs")
@requires("jobs.list")
def index():
    filters = job_filters(request.args)
    page = paginate_request(service.list_jobs(current_user, filters), service.JOB_ROWS)
    branch_id = scoping.list_branch(current_user, filters.branch_id)
    return render(
        "jobs/index.html",
        fragments={"job-results": "jobs/_results.html"},
        page=page,
        args=request.args,
        statuses=list(JobStatus),
        technicians=service.technicians_of(branch_id) if branch_id else [],
        branches=active_branches() if scoping.sees_every_branch(current_user) else [],
    )


@blueprint.route("/jobs/export.<any(csv, xlsx):file_format>")
@requires("jobs.list")
def export_jobs(file_format: str):
    return exporting.download(JOBS, current_user, request.args, file_format)


@blueprint.route("/jobs/reports")
@requires("jobs.list")
def reports():
    filters = report_filters(request.args)
    page = paginate_request(service.list_reports(current_user, filters))
    branch_id = scoping.list_branch(current_user, filters.branch_id)
    return render(
        "jobs/reports.html",
        fragments={"report-results": "jobs/_report_results.html"},
        page=page,
        args=request.args,
        technicians=service.technicians_of(branch_id) if branch_id else [],
        branches=active_branches() if scoping.sees_every_branch(current_user) else [],
    )


@blueprint.route("/jobs/reports/export.<any(csv, xlsx):file_format>")
@requires("jobs.list")
def export_reports(file_format: str):
    return exporting.download(VISIT_REPORTS, current_user, request.args, file_format)


@blueprint.route("/today")
@requires("today.view")
def today():
    now = utcnow()
    end_of_today = local_to_utc(datetime.combine(utc_to_local(now).date() + timedelta(days=1), datetime.min.time()))
    # Today is about today: a glance at what comes next, not the whole week.
    plan = service.day_plan(current_user, now, end_of_today, later_shown=12)
    return render("jobs/today.html", due=plan.due, later=plan.later, more_later=plan.more_later, now=now)


# One job


@blueprint.route("/customers/<int:customer_id>/jobs/new", methods=["GET", "POST"])
@requires("jobs.create")
def new(customer_id: int):
    # The front desk sees every branch's customers but opens jobs only for its own branch's.
    customer = get_customer(current_user, customer_id, "jobs.create")
    technicians = service.technicians_of(customer.branch_id)
    form = JobForm(customer=customer, technicians=technicians)
    if request.method == "GET":
        form.due_at.data = utc_to_local(utcnow() + timedelta(hours=4)).replace(minute=0, second=0, microsecond=0)
    if form.validate_on_submit():
        data = job_data(form)
        job = attempt(form, lambda: service.create_job(current_user, customer, data))
        if job is not None:
            flash(_("Job %(ref)s created.", ref=job.reference), "success")
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render("jobs/new.html", status=form_status(form), form=form, customer=customer)


@blueprint.route("/jobs/<int:job_id>")
@requires("jobs.view")
def show(job_id: int):
    job = service.get_job(current_user, job_id)
    return render("jobs/show.html", **job_detail_context(job))


@blueprint.route("/jobs/<int:job_id>/assign", methods=["POST"])
@requires("jobs.dispatch")
def assign(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.dispatch")
    form = AssignForm(technicians=service.technicians_of(job.branch_id))
    if not form.validate_on_submit():
        raise Invalid(_("Choose a technician of the job's branch."))
    service.assign_job(current_user, job, form.technician_id.data)
    flash(_("Job %(ref)s dispatched to %(name)s.", ref=job.reference, name=job.assigned_to.name), "success")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)
