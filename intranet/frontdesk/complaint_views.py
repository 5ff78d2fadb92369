"""Routes of complaints: the list, receiving one (from a call too), its page: hand-on, job, answer, close, reopen."""

from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock, exporting
from intranet.access.permissions import can, requires
from intranet.customers import service as customers
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.frontdesk import blueprint, calls, complaints
from intranet.frontdesk.exports import COMPLAINTS
from intranet.frontdesk.filters import complaint_filters
from intranet.frontdesk.forms import AnswerForm, CloseForm, ComplaintForm, HandOnForm, ReopenForm
from intranet.frontdesk.models import (
    COMPLAINT_EVENT_LABELS,
    ComplaintChannel,
    ComplaintStatus,
    HandOn,
    Severity,
)
from intranet.frontdesk.views import branch_choices, prefill_contact
from intranet.jobs import service as jobs
from intranet.jobs.forms import JobForm, job_data
from intranet.jobs.models import JobSource
from intranet.jobs.related import RelatedLink, provides_related
from intranet.listing import id_filter, paginate_request
from intranet.rendering import render
from intranet.templating import local_time
from intranet.timezones import utc_to_local
from intranet.unit_of_work import attempt

PRIORITY_OF_SEVERITY = {Severity.MINOR: "normal", Severity.SERIOUS: "high", Severity.CRITICAL: "urgent"}


@provides_related
def _complaints_of_job(actor, job) -> list[RelatedLink]:
    return [
        RelatedLink(
            _("From complaint %(ref)s, owned by %(owner)s", ref=complaint.reference, owner=complaint.owner.name),
            url_for("frontdesk.complaint", complaint_id=complaint.id),
        )
        for complaint in complaints.complaints_of_job(actor, job)
    ]


# The list


@blueprint.route("/complaints")
@requires("desk.work")
def complaints_list():
    now = clock.now()
    filters = complaint_filters(current_user, request.args)
    page = paginate_request(complaints.list_complaints(current_user, filters, now), complaints.COMPLAINT_ROWS)
    return render(
        "frontdesk/complaints.html",
        fragments={"complaint-results": "frontdesk/_complaint_results.html"},
        page=page,
        args=request.args,
        now=now,
        branches=branch_choices(),
    )


@blueprint.route("/complaints/export.<any(csv, xlsx):file_format>")
@requires("desk.work")
def export_complaints(file_format: str):
    return exporting.download(COMPLAINTS, current_user, request.args, file_format)


# Receiving


def _prefill(form: ComplaintForm, call, customer) -> None:
    prefill_contact(form, call, customer)
    if call is not None:
        form.channel.data = ComplaintChannel.HOTLINE
        form.description.data = call.summary


def _receive(form: ComplaintForm, call, now):
    complaint = complaints.receive_complaint(
        current_user,
        complaints.ComplaintData(
            channel=form.channel.data,
            category=form.category.data,
            severity=form.severity.data,
            description=form.description.data,
            customer_id=form.customer_id.data,
            contact_name=form.contact_name.data or "",
            contact_phone=form.contact_phone.data or "",
        ),
        now,
    )
    if call is not None:
        calls.link_call(call, complaint=complaint)
    return complaint


@blueprint.route("/complaints/new", methods=["GET", "POST"])
@requires("desk.work")
def new_complaint():
    now = clock.now()
    form = ComplaintForm()
    call_id = form.call_id.data if request.method == "POST" else id_filter(request.args, "call")
    call = calls.call_to_hand_on(current_user, call_id, HandOn.COMPLAINT) if call_id else None
    customer_id = id_filter(request.args, "customer") or (call.customer_id if call else None)
    if request.method == "GET":
        customer = customers.get_customer(current_user, customer_id) if customer_id else None
        _prefill(form, call, customer)
        if customer is None and not call:
            form.contact_phone.data = (request.args.get("phone") or "")[:30]
    if form.validate_on_submit():
        complaint = attempt(form, lambda: _receive(form, call, now))
        if complaint is not None:
            flash(
                _(
                    "Complaint %(ref)s recorded. Tell the customer: an answer by %(due)s.",
                    ref=complaint.reference,
                    due=local_time(complaint.answer_due_at),
                ),
                "success",
            )
            return redirect(url_for("frontdesk.complaint", complaint_id=complaint.id), code=303)
    promised = complaints.promise(current_user.branch_id, now)[0] if current_user.branch_id else None
    customer = None
    if form.customer_id.data and not form.customer_id.errors:
        customer = customers.get_customer(current_user, form.customer_id.data)
    return render(
        "frontdesk/complaint_form.html",
        status=form_status(form),
        form=form,
        call=call,
        customer=customer,
        promised=promised,
    )


# One complaint


def _page(complaint, status: int = 200, **forms):
    now = clock.now()
    open_for_work = complaint.status != ComplaintStatus.CLOSED
    context = {
        "complaint": complaint,
        "now": now,
        "event_labels": COMPLAINT_EVENT_LABELS,
        "hand_on_form": HandOnForm(people=complaints.handler_choices(current_user)) if open_for_work else None,
        "answer_form": AnswerForm() if open_for_work else None,
        "close_form": CloseForm() if open_for_work else None,
        "reopen_form": ReopenForm() if not complaint.is_open else None,
        "may_create_job": open_for_work
        and complaint.job_id is None
        and can(current_user, "jobs.create", complaint.customer),
        "may_view_customer": can(current_user, "customers.view", complaint.customer),
    }
    context.update({name: form for name, form in forms.items() if form is not None})
    return render("frontdesk/complaint.html", status=status, **context)


@blueprint.route("/complaints/<int:complaint_id>")
@requires("desk.work")
def complaint(complaint_id: int):
    return _page(complaints.get_complaint(current_user, complaint_id))


def _step(complaint_id: int, form, action, done_message: str, form_name: str):
    """Run one step of the complaint's form; show the page again with the form's errors if it fails."""
    complaint = complaints.get_complaint(current_user, complaint_id)
    if form.validate_on_submit() and attempt(form, lambda: action(complaint, clock.now())) is not None:
        flash(done_message, "success")
        return redirect(url_for("frontdesk.complaint", complaint_id=complaint.id), code=303)
    if not form.errors and not form.form_errors:
        form.form_errors.append(_("Please correct the marked fields."))
    return _page(complaint, status=form_status(form), **{form_name: form})


@blueprint.route("/complaints/<int:complaint_id>/hand-on", methods=["POST"])
@requires("desk.work")
def hand_on(complaint_id: int):
    form = HandOnForm(people=complaints.handler_choices(current_user))
    return _step(
        complaint_id,
        form,
        lambda c, now: complaints.hand_on(current_user, c, form.handler_id.data, form.note.data or "", now),
        _("Handed on. You still own the complaint until it is closed."),
        "hand_on_form",
    )


@blueprint.route("/complaints/<int:complaint_id>/answer", methods=["POST"])
@requires("desk.work")
def answer(complaint_id: int):
    form = AnswerForm()
    return _step(
        complaint_id,
        form,
        lambda c, now: complaints.answer(
            current_user, c, form.reply.data or "", form.customer_response.data, form.note.data or "", now
        ),
        _("The answer to the customer is recorded."),
        "answer_form",
    )


@blueprint.route("/complaints/<int:complaint_id>/close", methods=["POST"])
@requires("desk.work")
def close(complaint_id: int):
    form = CloseForm()
    return _step(
        complaint_id,
        form,
        lambda c, now: complaints.close(current_user, c, form.resolution.data or "", now),
        _("The complaint is closed."),
        "close_form",
    )


@blueprint.route("/complaints/<int:complaint_id>/reopen", methods=["POST"])
@requires("desk.work")
def reopen(complaint_id: int):
    form = ReopenForm()
    return _step(
        complaint_id,
        form,
        lambda c, now: complaints.reopen(current_user, c, form.reason.data or "", now),
        _("Reopened, with a new answer time."),
        "reopen_form",
    )


@blueprint.route("/complaints/<int:complaint_id>/job", methods=["GET", "POST"])
@requires("desk.work")
def complaint_job(complaint_id: int):
    complaint = complaints.get_complaint(current_user, complaint_id)
    customer = customers.get_customer(current_user, complaint.customer_id, "jobs.create")
    form = JobForm(customer=customer, technicians=jobs.technicians_of(customer.branch_id))
    del form.source  # always a complaint
    now = clock.now()
    if request.method == "GET":
        form.fault_description.data = complaint.description
        form.priority.data = PRIORITY_OF_SEVERITY[Severity(complaint.severity)]
        form.due_at.data = utc_to_local(now + timedelta(hours=4)).replace(minute=0, second=0, microsecond=0)
    if form.validate_on_submit():
        if not customer.sites:
            raise Invalid(_("Add the customer's site first: a job is done at a site."))
        data = job_data(form, source=JobSource.COMPLAINT)
        job = attempt(form, lambda: complaints.create_job(current_user, complaint, data, now))
        if job is not None:
            flash(_("Job %(ref)s created for complaint %(c)s.", ref=job.reference, c=complaint.reference), "success")
            return redirect(url_for("frontdesk.complaint", complaint_id=complaint.id), code=303)
    return render(
        "frontdesk/job_form.html",
        status=form_status(form),
        form=form,
        customer=customer,
        title=_("A job for complaint %(ref)s", ref=complaint.reference),
        action=url_for("frontdesk.complaint_job", complaint_id=complaint.id),
        back=url_for("frontdesk.complaint", complaint_id=complaint.id),
    )
