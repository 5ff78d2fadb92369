"""Routes of filling an inspection: the checklist form, offline-capable, kept on the inspector's tablet."""

import uuid
from types import SimpleNamespace

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access.permissions import can, requires
from intranet.errors import Invalid
from intranet.inspections import blueprint, filling, scoring, service
from intranet.inspections.views import detail_context, points_filter
from intranet.offline.idempotency import idempotent, submitted_key
from intranet.offline.pages import offline_pages
from intranet.rendering import render
from intranet.unit_of_work import attempt


@offline_pages
def _inspector_pages(user) -> list[str]:
    """The inspections a user must fill, each with its form, kept on the tablet."""
    if not can(user, "inspections.fill"):
        return []
    urls = [url_for("inspections.index")]
    for inspection in service.open_for(user):
        urls += [
            url_for("inspections.show", inspection_id=inspection.id),
            url_for("inspections.fill", inspection_id=inspection.id),
        ]
    return urls


@blueprint.route("/inspections/<int:inspection_id>/fill", methods=["GET", "POST"])
@requires("inspections.fill")
@idempotent
def fill(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id, "inspections.fill")
    if request.method == "GET":
        if inspection.status not in service.OPEN_FOR_FILLING:
            return redirect(url_for("inspections.show", inspection_id=inspection.id))
        return _fill_page(inspection, client_id=str(uuid.uuid4()), fresh=True)
    client_id = submitted_key()  # well-formed: @idempotent refused the request otherwise
    draft = request.form.get("intent") == "draft"

    def store():
        answers = filling.parse_answer_fields(inspection.template, request.form, request.files)
        if draft:
            return filling.save_draft(current_user, inspection, answers)
        return filling.submit_inspection(current_user, inspection, client_id, answers)

    outcome = _Errors()
    if attempt(outcome, store) is None:
        # The form again, as it was sent, with the message: nothing typed on the tablet is lost.
        return _fill_page(
            inspection,
            status=outcome.error_status,
            client_id=client_id,
            fresh=False,
            errors=outcome.form_errors,
            answers=_posted_answers(inspection.template),
            charges=_posted_charges(inspection.template),
        )
    if draft:
        # Back to the form, which opens with a new client_id: the final submission is another one.
        flash(_("Draft saved on the server: you can go on here or on another device."), "success")
        return redirect(url_for("inspections.fill", inspection_id=inspection.id), code=303)
    flash(
        _(
            "Inspection %(ref)s submitted: %(score)s of %(max)s points.",
            ref=inspection.reference,
            score=points_filter(inspection.score_total),
            max=points_filter(inspection.max_total),
        ),
        "success",
    )
    return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)


def _fill_page(inspection, status: int = 200, **values):
    """The checklist form, with the scoring rules of its template version for the running score."""
    context = detail_context(inspection) | values
    rules = scoring.preview_rules(service.rules_of(inspection.template))
    people = service.chargeable_people(inspection.branch_id)
    return render("inspections/fill.html", status=status, score_rules=rules, people=people, **context)


def _posted_charges(template) -> dict[int, list[SimpleNamespace]]:
    """The "charged to" lines as they were sent, so a refused form comes back with them."""
    try:
        given = filling.parse_answer_fields(template, request.form, {})
    except Invalid:
        return {}
    return {
        item_id: [
            SimpleNamespace(person=line.person[:20], amount=line.amount[:20]) for _n, line in sorted(a.charges.items())
        ]
        for item_id, a in given.items()
        if a.charges
    }


class _Errors:
    """The fill page keeps its messages in a list of its own (it is not a WTForms form)."""

    def __init__(self):
        self.form_errors: list[str] = []
        self.error_status = 422


def _posted_answers(template) -> dict[int, SimpleNamespace]:
    form = request.form
    return {
        item.id: SimpleNamespace(
            **{part: form.get(f"item-{item.id}-{part}", "")[: service.MAX_TEXT] for part in filling.ANSWER_FIELDS},
            photo_id=None,
        )
        for item in template.items
    }
