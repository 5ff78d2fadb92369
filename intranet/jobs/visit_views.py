"""Routes of the visit: the one-tap start, the report (offline-capable), its print and its correction."""

import uuid

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock
from intranet.access.permissions import can, requires
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.forms import form_status, uploaded
from intranet.jobs import blueprint, service, visits
from intranet.jobs.forms import CorrectionForm, StartForm, VisitReportForm
from intranet.jobs.models import WarrantyStatus
from intranet.jobs.views import job_detail_context
from intranet.offline.idempotency import idempotent
from intranet.offline.pages import offline_pages
from intranet.rendering import render, render_fragment, wants_fragment
from intranet.timezones import local_to_utc, utc_to_local
from intranet.unit_of_work import attempt


@offline_pages
def _technician_pages(user) -> list[str]:
    """Today, and each open job of a technician with its report form, kept on the tablet."""
    if not can(user, "today.view"):
        return []
    urls = [url_for("jobs.today")]
    for job in service.todays_jobs(user, utcnow()):
        urls += [url_for("jobs.show", job_id=job.id), url_for("jobs.report", job_id=job.id)]
    return urls


@blueprint.route("/jobs/<int:job_id>/start", methods=["POST"])
@requires("jobs.work")
@idempotent
def start(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.work")
    form = StartForm()
    if not form.validate_on_submit():
        raise Invalid(next(iter(form.tapped_at.errors), _("This form has expired. Reload the page and try again.")))
    visits.start_job(current_user, job, clock.now(), form.tapped)
    if wants_fragment():
        return render_fragment("jobs/_today_card.html", card=service.today_card(current_user, job))
    return redirect(url_for("jobs.report", job_id=job.id), code=303)


def _report_data(form: VisitReportForm) -> visits.ReportData:
    return visits.ReportData(
        client_id=form.client_id.data.lower(),
        arrived_at=local_to_utc(form.arrived_at.data),
        left_at=local_to_utc(form.left_at.data),
        satisfaction=form.satisfaction.data,
        written=form.written(),
        follow_up_needed=form.follow_up_needed.data,
        parts=[
            visits.PartLine(line.form.part_code.data, line.form.quantity.data, line.form.description.data or "")
            for line in form.parts
            if line.form.part_code.data
        ],
    )


def _warranty_at(job, day) -> str | None:
    """Preselected from the equipment's warranty end; the technician confirms or changes it."""
    if job.equipment is None or job.equipment.warranty_end is None:
        return None
    return WarrantyStatus.IN_WARRANTY if job.equipment.warranty_end >= day else WarrantyStatus.OUT_OF_WARRANTY


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
        form.warranty_status.data = _warranty_at(job, now.date())
    elif form.validate_on_submit():
        photos = [upload for upload in map(uploaded, form.photos.data or []) if upload]
        signature = uploaded(form.signature.data)
        filed = attempt(
            form, lambda: visits.submit_visit_report(current_user, job, _report_data(form), photos, signature)
        )
        if filed is not None:
            flash(_("Visit report for %(ref)s filed. Thank you!", ref=job.reference), "success")
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render("jobs/report_form.html", status=form_status(form), form=form, job=job)


@blueprint.route("/jobs/<int:job_id>/report/print")
@requires("jobs.view")
def print_report(job_id: int):
    job = service.get_job(current_user, job_id)
    if job.report is None:
        raise Invalid(_("This job has no visit report yet."))
    return render("jobs/report_print.html", **job_detail_context(job))


@blueprint.route("/jobs/<int:job_id>/report/correct", methods=["GET", "POST"])
@requires("reports.correct")
def correct(job_id: int):
    job = service.get_job(current_user, job_id, "reports.correct")
    if job.report is None:
        raise Invalid(_("This job has no visit report yet."))
    form = CorrectionForm(obj=job.report)
    if form.validate_on_submit():
        correction = visits.Correction(written=form.written(), reason=form.reason.data, version=form.version.data)
        if attempt(form, lambda: visits.correct_report(current_user, job.report, correction)) is not None:
            flash(_("The correction is recorded in the job's history."), "success")
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render("jobs/correct.html", status=form_status(form), form=form, job=job)
