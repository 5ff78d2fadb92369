"""Routes of calls: logging a call (answered, or handed on to a prefilled form), the manual from the call form,
a job from a call, and the daily call report."""

from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock, exporting
from intranet.access.permissions import requires
from intranet.customers import service as customers
from intranet.forms import form_status
from intranet.frontdesk import blueprint, calls
from intranet.frontdesk.branch_calendar import local_day
from intranet.frontdesk.exports import CALLS
from intranet.frontdesk.forms import CallForm
from intranet.frontdesk.models import CallOutcome, HandOn
from intranet.frontdesk.views import branch_choices, branch_in_view, day_arg
from intranet.jobs import service as jobs
from intranet.jobs.forms import JobForm, job_data
from intranet.kb import service as kb
from intranet.listing import id_filter, search_text
from intranet.rendering import render, render_fragment
from intranet.timezones import utc_to_local
from intranet.unit_of_work import attempt

NEXT_FORM = {
    HandOn.COMPLAINT: "frontdesk.new_complaint",
    HandOn.APPOINTMENT: "frontdesk.new_appointment",
    HandOn.JOB: "frontdesk.call_job",
}


def _calls_page(form: CallForm, status: int = 200):
    now = clock.now()
    branch = branch_in_view()
    return render(
        "frontdesk/calls.html",
        status=status,
        form=form,
        branch=branch,
        branches=branch_choices(),
        calls=calls.calls_of_day(current_user, branch.id, local_day(now)) if branch else [],
    )


@blueprint.route("/calls")
@requires("desk.work")
def calls_log():
    return _calls_page(CallForm())


@blueprint.route("/calls", methods=["POST"])
@requires("desk.work")
def log_call():
    form = CallForm()
    if form.validate_on_submit():
        action = form.action.data
        data = calls.CallData(
            caller_name=form.caller_name.data or "",
            number=form.number.data or "",
            topic=form.topic.data,
            summary=form.summary.data or "",
            outcome=CallOutcome.ANSWERED if action == "answered" else CallOutcome.HANDED_ON,
            hand_on_to=None if action == "answered" else action,
            article_id=form.article_id.data,
        )
        call = attempt(form, lambda: calls.log_call(current_user, data, clock.now()))
        if call is not None:
            if call.outcome == CallOutcome.ANSWERED:
                flash(_("Call logged."), "success")
                back = request.form.get("back")
                return redirect(
                    url_for("frontdesk.desk") if back == "desk" else url_for("frontdesk.calls_log"), code=303
                )
            return redirect(url_for(NEXT_FORM[call.handed_to], call=call.id), code=303)
    return _calls_page(form, form_status(form))


@blueprint.route("/calls/export.<any(csv, xlsx):file_format>")
@requires("desk.work")
def export_calls(file_format: str):
    return exporting.download(CALLS, current_user, request.args, file_format)


@blueprint.route("/calls/articles")
@requires("desk.work")
def call_articles():
    """The manual searched from the call form: pick the article the answer came from."""
    query = search_text(request.args, "article_q")
    _terms, hits = kb.search_articles(current_user, query, 6) if query else ([], [])
    return render_fragment("frontdesk/_call_articles.html", query=query, hits=hits)


@blueprint.route("/calls/job", methods=["GET", "POST"])
@requires("desk.work")
def call_job():
    """A job from a call handed on: for the call's customer, or one chosen by the caller's number."""
    call = calls.call_to_hand_on(current_user, id_filter(request.args, "call") or 0, HandOn.JOB)
    customer_id = id_filter(request.args, "customer") or call.customer_id
    if customer_id is None:
        return render(
            "frontdesk/call_job_customer.html", call=call, found=calls.customers_by_phone(current_user, call.number)
        )
    customer = customers.get_customer(current_user, customer_id, "jobs.create")
    form = JobForm(customer=customer, technicians=jobs.technicians_of(customer.branch_id))
    now = clock.now()
    if request.method == "GET":
        form.source.data = "walk_in"
        form.fault_description.data = call.summary
        form.due_at.data = utc_to_local(now + timedelta(hours=4)).replace(minute=0, second=0, microsecond=0)
    if form.validate_on_submit():
        data = job_data(form)

        def create():
            job = jobs.create_job(current_user, customer, data)
            calls.link_call(call, job=job)
            return job

        job = attempt(form, create)
        if job is not None:
            flash(_("Job %(ref)s created from the call.", ref=job.reference), "success")
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render(
        "frontdesk/job_form.html",
        status=form_status(form),
        form=form,
        customer=customer,
        title=_("A job from the call of %(name)s", name=call.caller_name or call.number),
        action=url_for("frontdesk.call_job", call=call.id, customer=customer.id),
        back=url_for("frontdesk.calls_log"),
    )


@blueprint.route("/calls/report")
@requires("desk.work")
def call_report():
    now = clock.now()
    branch = branch_in_view()
    day = day_arg("day", local_day(now))
    per_taker, total = calls.daily_report(current_user, branch.id, day) if branch else ([], None)
    return render(
        "frontdesk/call_report.html",
        branch=branch,
        branches=branch_choices(),
        day=day,
        per_taker=per_taker,
        total=total,
    )
