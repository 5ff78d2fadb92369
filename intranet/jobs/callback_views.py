"""Routes of callbacks: the front desk's list of customers to call back, the call, a manager's follow-up."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock, exporting
from intranet.access import scoping
from intranet.access.permissions import requires
from intranet.branches.service import active_branches
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.jobs import blueprint, callback_rules, service
from intranet.jobs import callbacks as callback_service
from intranet.jobs.exports import CALLBACKS
from intranet.jobs.filters import callback_filters
from intranet.jobs.forms import CallbackForm, ResolveForm
from intranet.jobs.models import CallbackOutcome
from intranet.jobs.survey import QUESTIONS
from intranet.listing import paginate_request
from intranet.rendering import render
from intranet.unit_of_work import attempt


@blueprint.route("/callbacks")
@requires("callbacks.record")
def callbacks():
    jobs = callback_service.callbacks_due(current_user, clock.now())
    return render("jobs/callbacks.html", jobs=jobs, max_attempts=callback_rules.MAX_ATTEMPTS)


@blueprint.route("/callbacks/log")
@requires("callbacks.record")
def callback_log():
    page = paginate_request(service.list_callbacks(current_user, callback_filters(request.args)))
    return render(
        "jobs/callback_log.html",
        fragments={"callback-results": "jobs/_callback_results.html"},
        page=page,
        args=request.args,
        outcomes=list(CallbackOutcome),
        branches=active_branches() if scoping.sees_every_branch(current_user) else [],
    )


@blueprint.route("/callbacks/log/export.<any(csv, xlsx):file_format>")
@requires("callbacks.record")
def export_callbacks(file_format: str):
    return exporting.download(CALLBACKS, current_user, request.args, file_format)


@blueprint.route("/jobs/<int:job_id>/callback", methods=["GET", "POST"])
@requires("callbacks.record")
def record_callback(job_id: int):
    """The questionnaire, filled at the front desk during the call (or "no answer" from the list)."""
    job = service.get_job(current_user, job_id, "callbacks.record")
    form = CallbackForm()
    if request.method == "POST":
        callback_service.ensure_waiting(job)  # a page left open after the call was recorded elsewhere
    if form.validate_on_submit():
        answers = form.answers()
        callback = attempt(form, lambda: callback_service.record_callback(current_user, job, answers, clock.now()))
        if callback is not None:
            flash(_recorded_message(job, callback), "success")
            back = url_for("jobs.callbacks") if request.form.get("back") == "list" else None
            return redirect(back or url_for("jobs.show", job_id=job.id), code=303)
    return render(
        "jobs/callback.html",
        status=form_status(form),
        form=form,
        job=job,
        questions=QUESTIONS,
        attempt=len(job.callbacks) + 1,
        max_attempts=callback_rules.MAX_ATTEMPTS,
    )


def _recorded_message(job, callback) -> str:
    if callback.outcome == CallbackOutcome.UNREACHABLE:
        if job.status == "closed":
            return _(
                "%(ref)s: no answer %(n)d times, the callback is closed as unreachable.",
                ref=job.reference,
                n=callback.attempt,
            )
        return _("%(ref)s: no answer; the customer will be called again tomorrow.", ref=job.reference)
    if callback.follow_up_job is not None:
        return _(
            "Callback for %(ref)s recorded: the problem is not solved, follow-up job %(follow)s is open.",
            ref=job.reference,
            follow=callback.follow_up_job.reference,
        )
    if callback.outcome == CallbackOutcome.NOT_SATISFIED:
        return _(
            "Callback for %(ref)s recorded: the branch manager is told the customer is not satisfied.",
            ref=job.reference,
        )
    return _("Callback for %(ref)s recorded.", ref=job.reference)


@blueprint.route("/jobs/<int:job_id>/resolve", methods=["POST"])
@requires("jobs.resolve_attention")
def resolve(job_id: int):
    job = service.get_job(current_user, job_id, "jobs.resolve_attention")
    form = ResolveForm()
    if not form.validate_on_submit():
        raise Invalid(_("Say how the customer's dissatisfaction was handled."))
    callback_service.resolve_attention(current_user, job, form.note.data)
    flash(_("Done: the job no longer waits for a manager."), "success")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)
