"""Routes of part requests: ask (offline too), send, approve in full or in part, reject, issue."""

import uuid

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import exporting
from intranet.access.permissions import can, requires
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.forms import form_status
from intranet.jobs import service as jobs
from intranet.listing import paginate_request
from intranet.offline.idempotency import idempotent
from intranet.offline.pages import offline_pages
from intranet.parts import blueprint, part_requests, service
from intranet.parts.exports import PART_REQUESTS
from intranet.parts.filters import request_filters
from intranet.parts.forms import (
    RejectForm,
    RequestForm,
)
from intranet.parts.models import RequestStatus
from intranet.parts.quantities import parse_quantity
from intranet.parts.views import back
from intranet.rendering import render
from intranet.unit_of_work import attempt


def _open_jobs(user) -> list[tuple[int, str]]:
    """(id, label) of the technician's open jobs, for the request form's job list."""
    if not can(user, "today.view"):
        return []
    return [(job.id, f"{job.reference} · {job.customer.name}") for job in jobs.todays_jobs(user, utcnow())]


@offline_pages
def _technician_pages(user) -> list[str]:
    """The request form, with the catalogue in it, kept on the technician's tablet."""
    if not (can(user, "parts.request") and can(user, "today.view")):
        return []
    return [url_for("parts.new_request"), url_for("parts.requests")]


def _catalogue():
    return list(db.session.scalars(service.search_parts().limit(2000)))


@blueprint.route("/parts/requests")
@requires("parts.requests")
def requests():
    page = paginate_request(part_requests.list_requests(current_user, request_filters(request.args)))
    return render(
        "parts/requests.html",
        fragments={"request-results": "parts/_requests.html"},
        page=page,
        args=request.args,
        statuses=list(RequestStatus),
    )


@blueprint.route("/parts/requests/export.<any(csv, xlsx):file_format>")
@requires("parts.requests")
def export_requests(file_format: str):
    return exporting.download(PART_REQUESTS, current_user, request.args, file_format)


@blueprint.route("/parts/requests/new", methods=["GET", "POST"])
@requires("parts.request")
@idempotent
def new_request():
    form = RequestForm(jobs=_open_jobs(current_user))
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())  # the page's script replaces it with one made on opening
        job_id = request.args.get("job")
        if job_id and job_id.isdigit() and int(job_id) in {c.value for c in form.job_id.choices}:
            form.job_id.data = int(job_id)
    elif form.validate_on_submit():
        data = part_requests.RequestData(
            client_id=form.client_id.data.lower(),
            job_id=form.job_id.data,
            note=form.note.data or "",
            draft=form.draft.data,
            lines=[
                part_requests.RequestLineData(line.form.code.data, line.form.quantity.number)
                for line in form.lines
                if line.form.code.data
            ],
        )
        part_request = attempt(form, lambda: part_requests.create_request(current_user, data))
        if part_request is not None:
            if part_request.status == RequestStatus.DRAFT:
                flash(_("Draft %(ref)s kept: send it when it is complete.", ref=part_request.reference), "success")
            else:
                flash(_("Request %(ref)s sent for approval.", ref=part_request.reference), "success")
            return back("parts.show_request", request_id=part_request.id)
    van = service.van_of(current_user)
    return render(
        "parts/request_form.html",
        status=form_status(form),
        form=form,
        catalogue=_catalogue(),
        van_stock=service.stock_of(van) if van else [],
    )


@blueprint.route("/parts/requests/<int:request_id>")
@requires("parts.requests")
def show_request(request_id: int):
    part_request = part_requests.get_request(current_user, request_id)
    warehouse = service.warehouse_of(part_request.branch_id)
    on_hand = (
        {line.part_id: service.ledger.balance(warehouse.id, line.part_id) for line in part_request.lines}
        if warehouse
        else {}
    )
    return render(
        "parts/request.html",
        part_request=part_request,
        on_hand=on_hand,
        may_decide=part_request.status == RequestStatus.SUBMITTED
        and can(current_user, "parts.approve", part_request)
        and part_request.requested_by_id != current_user.id,
        may_issue=part_request.status in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED)
        and can(current_user, "parts.issue", part_request),
        reject_form=RejectForm(),
        may_send=part_request.status == RequestStatus.DRAFT and part_request.requested_by_id == current_user.id,
    )


@blueprint.route("/parts/requests/<int:request_id>/submit", methods=["POST"])
@requires("parts.request")
def submit_request(request_id: int):
    part_request = part_requests.get_request(current_user, request_id)
    part_requests.submit_request(current_user, part_request)
    flash(_("Request %(ref)s sent for approval.", ref=part_request.reference), "success")
    return back("parts.show_request", request_id=part_request.id)


@blueprint.route("/parts/requests/<int:request_id>/approve", methods=["POST"])
@requires("parts.approve")
def approve(request_id: int):
    part_request = part_requests.get_request(current_user, request_id, "parts.approve")
    RejectForm().validate_on_submit()  # CSRF; the quantities are read below
    approved = {}
    for line in part_request.lines:
        raw = (request.form.get(f"approved-{line.id}") or "").strip()
        if not raw:
            raise Invalid(_("Give the approved quantity of every line (0 for none)."))
        quantity = parse_quantity(raw)
        if quantity is None or quantity < 0:
            raise Invalid(_("Approved quantities are numbers from 0 up to what was asked for."))
        approved[line.id] = quantity
    part_requests.approve_request(current_user, part_request, approved)
    flash(
        _("Request %(ref)s: %(status)s.", ref=part_request.reference, status=part_request.status_enum.label), "success"
    )
    return back("parts.show_request", request_id=part_request.id)


@blueprint.route("/parts/requests/<int:request_id>/reject", methods=["POST"])
@requires("parts.approve")
def reject(request_id: int):
    part_request = part_requests.get_request(current_user, request_id, "parts.approve")
    form = RejectForm()
    if not form.validate_on_submit():
        raise Invalid(_("Say why the request is rejected."))
    part_requests.reject_request(current_user, part_request, form.reason.data)
    flash(_("Request %(ref)s rejected.", ref=part_request.reference), "success")
    return back("parts.show_request", request_id=part_request.id)


@blueprint.route("/parts/requests/<int:request_id>/issue", methods=["POST"])
@requires("parts.issue")
def issue(request_id: int):
    part_request = part_requests.get_request(current_user, request_id, "parts.issue")
    part_requests.issue_request(current_user, part_request)
    flash(_("Request %(ref)s issued to the van.", ref=part_request.reference), "success")
    return back("parts.show_request", request_id=part_request.id)
