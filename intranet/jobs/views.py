"""Routes: job list and detail, new job and dispatch, Today, the visit report, callbacks."""

import uuid
from datetime import date, datetime, timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.attachments.service import attachments_of
from intranet.auth.permissions import can, requires
from intranet.auth.roles import Role
from intranet.branches.service import active_branches
from intranet.customers.service import get_customer
from intranet.db_types import utcnow
from intranet.errors import Conflict, DomainError, Invalid
from intranet.extensions import db
from intranet.jobs import blueprint, service
from intranet.jobs.forms import AssignForm, CallbackForm, CorrectionForm, JobForm, ResolveForm, VisitReportForm
from intranet.jobs.models import EVENT_LABELS, JobStatus
from intranet.listing import paginate_request
from intranet.offline.idempotency import idempotent, remember_result
from intranet.offline.pages import offline_pages
from intranet.rendering import render, render_fragment, wants_fragment
from intranet.timezones import local_to_utc, utc_to_local


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


def _job_detail_context(job):
    report = job.report
    return {
        "job": job,
        "event_labels": EVENT_LABELS,
        "photos": attachments_of(service.REPORT_OWNER, report.id, "photo") if report else [],
        "assign_form": AssignForm(technicians=service.technicians_of(job.branch_id), technician_id=job.assigned_to_id)
        if can(current_user, "jobs.dispatch", job) and job.status in ("open", "assigned", "in_progress")
        else None,
        "callback_form": CallbackForm()
        if can(current_user, "callbacks.record", job) and job.status == "done"
        else None,
        "resolve_form": ResolveForm()
        if can(current_user, "jobs.resolve_attention", job) and job.needs_manager_attention
        else None,
        "may_correct": report is not None and can(current_user, "reports.correct", job),
        "may_work": can(current_user, "jobs.work", job),
    }


# Lists


def _filters_from(args) -> service.JobFilters:
    def as_int(name):
        value = args.get(name) or None
        if value is None:
            return None
        if not value.isdigit():
            raise Invalid(_("Unknown filter value for %(name)s.", name=name))
        return int(value)

    def as_day(name):
        value = args.get(name) or None
        if value is None:
            return None
        try:
            return local_to_utc(datetime.combine(date.fromisoformat(value), datetime.min.time()))
        except ValueError:
            raise Invalid(_("Dates are written like 2026-11-23.")) from None

    status = args.get("status") or None
    if status is not None and status not in set(JobStatus):
        raise Invalid(_("Unknown filter value for %(name)s.", name="status"))
    due_to = as_day("due_to")
    return service.JobFilters(
        status=status,
        technician_id=as_int("technician"),
        branch_id=as_int("branch"),
        due_from=as_day("due_from"),
        due_before=due_to + timedelta(days=1) if due_to else None,
        attention=args.get("attention") == "1",
    )


@blueprint.route("/jobs")
@requires("jobs.list")
def index():
    filters = _filters_from(request.args)
    page = paginate_request(service.list_jobs(current_user, filters))
    branch_id = filters.branch_id if current_user.role == Role.ADMIN else current_user.branch_id
    return render(
        "jobs/index.html",
        fragments={"job-results": "jobs/_results.html"},
        page=page,
        args=request.args,
        statuses=list(JobStatus),
        technicians=service.technicians_of(branch_id) if branch_id else [],
        branches=active_branches() if current_user.role == Role.ADMIN else [],
    )


@blueprint.route("/today")
@requires("today.view")
def today():
    now = utcnow()
    jobs = service.todays_jobs(current_user, now)
    end_of_today = local_to_utc(datetime.combine(utc_to_local(now).date() + timedelta(days=1), datetime.min.time()))
    return render(
        "jobs/today.html",
        due=[job for job in jobs if job.due_at < end_of_today],
        later=[job for job in jobs if job.due_at >= end_of_today],
        later_shown=12,  # Today is about today: a glance at what comes next, not the whole week
        now=now,
    )


# One job


@blueprint.route("/customers/<int:customer_id>/jobs/new", methods=["GET", "POST"])
@requires("jobs.create")
def new(customer_id: int):
    customer = get_customer(current_user, customer_id)
    technicians = service.technicians_of(customer.branch_id)
    form = JobForm(customer=customer, technicians=technicians)
    if request.method == "GET":
        form.due_at.data = utc_to_local(utcnow() + timedelta(hours=4)).replace(minute=0, second=0, microsecond=0)
    if form.validate_on_submit():
        data = service.JobData(
            site_id=form.site_id.data,
            equipment_id=form.equipment_id.data,
            source=form.source.data,
            priority=form.priority.data,
            fault_description=form.fault_description.data,
            due_at=local_to_utc(form.due_at.data),
            assigned_to_id=form.assigned_to_id.data,
        )
        try:
            job = service.create_job(current_user, customer, data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Job %(ref)s created.", ref=job.reference), "success")
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render("jobs/new.html", status=_status(form), form=form, customer=customer)


@blueprint.route("/jobs/<int:job_id>")
@requires("jobs.view")
def show(job_id: int):
    job = service.get_job(current_user, job_id)
    return render("jobs/show.html", **_job_detail_context(job))


@blueprint.route("/jobs/<int:job_id>/assign", methods=["POST"])
@requires("jobs.dispatch")
def assign(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.dispatch")
    form = AssignForm(technicians=service.technicians_of(job.branch_id))
    if not form.validate_on_submit():
        raise Invalid(_("Choose a technician of the job's branch."))
    service.assign_job(current_user, job, form.technician_id.data)
    db.session.commit()
    flash(_("Job %(ref)s dispatched to %(name)s.", ref=job.reference, name=job.assigned_to.name), "success")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@blueprint.route("/jobs/<int:job_id>/start", methods=["POST"])
@requires("jobs.work")
def start(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.work")
    service.start_job(current_user, job)
    db.session.commit()
    if wants_fragment():
        return render_fragment("jobs/_today_card.html", job=job)
    return redirect(url_for("jobs.report", job_id=job.id), code=303)


def _report_data(form: VisitReportForm) -> service.ReportData:
    return service.ReportData(
        client_id=form.client_id.data.lower(),
        arrived_at=local_to_utc(form.arrived_at.data),
        left_at=local_to_utc(form.left_at.data),
        fault_found=form.fault_found.data,
        cause=form.cause.data or "",
        action_taken=form.action_taken.data,
        result=form.result.data,
        satisfaction=form.satisfaction.data,
        customer_comment=form.customer_comment.data or "",
        follow_up_needed=form.follow_up_needed.data,
        parts=[
            service.PartLine(line.form.part_code.data, line.form.quantity.data, line.form.description.data or "")
            for line in form.parts
            if line.form.part_code.data
        ],
    )


def _uploads(form: VisitReportForm):
    photos = [
        service.Upload(storage.read(), storage.filename or "")
        for storage in (form.photos.data or [])
        if storage and storage.filename
    ]
    signature = form.signature.data
    signature = service.Upload(signature.read(), "signature.png") if signature and signature.filename else None
    return photos, signature


@offline_pages
def _technician_pages(user) -> list[str]:
    """Today, and each open job of a technician with its report form, kept on the tablet."""
    if not can(user, "today.view"):
        return []
    urls = [url_for("jobs.today")]
    for job in service.todays_jobs(user, utcnow()):
        urls += [url_for("jobs.show", job_id=job.id), url_for("jobs.report", job_id=job.id)]
    return urls


@blueprint.route("/jobs/<int:job_id>/report", methods=["GET", "POST"])
@requires("jobs.work")
@idempotent
def report(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.work")
    form = VisitReportForm()
    if request.method == "GET":
        if job.report is not None:
            return redirect(url_for("jobs.show", job_id=job.id))
        now = utc_to_local(utcnow()).replace(second=0, microsecond=0)
        form.client_id.data = str(uuid.uuid4())  # the page's script replaces it with one made on opening
        form.arrived_at.data = utc_to_local(job.started_at).replace(second=0, microsecond=0) if job.started_at else now
        form.left_at.data = now
    elif form.validate_on_submit():
        photos, signature = _uploads(form)
        try:
            visit_report, created = service.submit_visit_report(
                current_user, job, _report_data(form), photos, signature
            )
        except Invalid as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            remember_result(url_for("jobs.show", job_id=visit_report.job_id))
            db.session.commit()
            if created:
                flash(_("Visit report for %(ref)s filed. Thank you!", ref=job.reference), "success")
            response = redirect(url_for("jobs.show", job_id=visit_report.job_id), code=303)
            if not created:
                response.headers["Idempotent-Replayed"] = "true"
            return response
    return render("jobs/report_form.html", status=_status(form), form=form, job=job, van_stock=_van_stock())


def _van_stock():
    from intranet.parts import service as parts

    van = parts.van_of(current_user)
    return parts.stock_of(van) if van else []


@blueprint.route("/jobs/<int:job_id>/report/print")
@requires("jobs.view")
def print_report(job_id: int):
    job = service.get_job(current_user, job_id)
    if job.report is None:
        raise Invalid(_("This job has no visit report yet."))
    return render("jobs/report_print.html", **_job_detail_context(job))


@blueprint.route("/jobs/<int:job_id>/report/correct", methods=["GET", "POST"])
@requires("reports.correct")
def correct(job_id: int):
    job = service.get_job(current_user, job_id, "reports.correct")
    if job.report is None:
        raise Invalid(_("This job has no visit report yet."))
    form = CorrectionForm(obj=job.report)
    status = _status(form)
    if form.validate_on_submit():
        correction = service.Correction(
            fault_found=form.fault_found.data,
            cause=form.cause.data or "",
            action_taken=form.action_taken.data,
            result=form.result.data,
            reason=form.reason.data,
            version=form.version.data,
        )
        try:
            service.correct_report(current_user, job.report, correction)
        except (Invalid, Conflict) as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status_code
        else:
            db.session.commit()
            flash(_("The correction is recorded in the job's history."), "success")
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render("jobs/correct.html", status=status, form=form, job=job)


# Callbacks


@blueprint.route("/callbacks")
@requires("callbacks.record")
def callbacks():
    return render("jobs/callbacks.html", jobs=service.callbacks_due(current_user, utcnow()), form=CallbackForm())


@blueprint.route("/jobs/<int:job_id>/callback", methods=["POST"])
@requires("callbacks.record")
def record_callback(job_id: int):
    job = service.get_job(current_user, job_id, "callbacks.record")
    form = CallbackForm()
    if not form.validate_on_submit():
        raise Invalid(_("Choose how the call went."))
    service.record_callback(current_user, job, form.outcome.data, form.note.data or "")
    db.session.commit()
    flash(_("Callback for %(ref)s recorded.", ref=job.reference), "success")
    return redirect(
        (request.form.get("back") == "list" and url_for("jobs.callbacks")) or url_for("jobs.show", job_id=job.id),
        code=303,
    )


@blueprint.route("/jobs/<int:job_id>/resolve", methods=["POST"])
@requires("jobs.resolve_attention")
def resolve(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.resolve_attention")
    form = ResolveForm()
    if not form.validate_on_submit():
        raise Invalid(_("Say how the customer's dissatisfaction was handled."))
    service.resolve_attention(current_user, job, form.note.data)
    db.session.commit()
    flash(_("Done: the job no longer waits for a manager."), "success")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)
