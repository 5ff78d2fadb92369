"""Routes: lists, assigning, filling (offline-capable), review and sign-off, actions, ranking, print."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intranet.audit.service import events_for
from intranet.auth.models import User
from intranet.auth.permissions import can, requires
from intranet.auth.roles import Role
from intranet.branches.service import active_branches
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.inspections import actions as corrective
from intranet.inspections import blueprint, service
from intranet.inspections.forms import AssignForm
from intranet.inspections.models import ActionStatus, InspectionStatus
from intranet.inspections.ranking import branch_ranking, busiest_family, families, parse_period
from intranet.inspections.templates_io import Upload
from intranet.listing import paginate_request
from intranet.offline.idempotency import CLIENT_ID, idempotent, remember_result
from intranet.offline.pages import offline_pages
from intranet.rendering import render
from intranet.timezones import local_to_utc, utc_to_local

AUDIT_LABELS = {
    "inspection.assigned": _l("assigned the inspection"),
    "inspection.submitted": _l("submitted the answers"),
    "inspection.signed_off": _l("signed it off"),
    "inspection.returned": _l("returned it with comments"),
}


@blueprint.app_template_filter("points")
def points_filter(value) -> str:
    """2.50 -> 2.5, 10.00 -> 10: points as people write them."""
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}"


def _upload(name: str) -> Upload | None:
    storage = request.files.get(name)
    if storage is None or not storage.filename:
        return None
    return Upload(storage.read(), storage.filename)


@blueprint.route("/inspections")
@requires("inspections.view")
def index():
    status = request.args.get("status") or None
    if status is not None and status not in set(InspectionStatus):
        raise Invalid(_("Unknown filter value for %(name)s.", name="status"))
    page = paginate_request(service.list_inspections(current_user, status))
    return render(
        "inspections/index.html",
        fragments={"inspection-results": "inspections/_results.html"},
        page=page,
        chosen_status=status,
        statuses=list(InspectionStatus),
        to_fill=service.open_for(current_user),
        may_assign=can(current_user, "inspections.assign"),
    )


def _inspectors_for(actor) -> list[User]:
    if actor.role == Role.ADMIN:
        return [user for branch in active_branches() for user in service.inspectors_of(branch.id)]
    return service.inspectors_of(actor.branch_id)


@blueprint.route("/inspections/assign", methods=["GET", "POST"])
@requires("inspections.assign")
def assign():
    form = AssignForm(
        templates=service.active_templates(),
        inspectors=_inspectors_for(current_user),
        sites=service.sites_for(current_user),
    )
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        inspector = db.session.get(User, form.inspector_id.data)
        due = local_to_utc(datetime.combine(form.due_on.data, datetime.max.time().replace(microsecond=0)))
        data = service.AssignData(
            template_id=form.template_id.data,
            branch_id=inspector.branch_id,
            inspector_id=inspector.id,
            due_at=due,
            frequency=form.frequency.data or "",
            site_id=form.site_id.data,
        )
        inspection = service.assign(current_user, data)
        db.session.commit()
        flash(_("Inspection %(ref)s assigned to %(name)s.", ref=inspection.reference, name=inspector.name), "success")
        return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)
    if request.method == "GET":
        form.due_on.data = utc_to_local(utcnow()).date()
    return render("inspections/assign.html", status=status, form=form)


def _detail_context(inspection):
    return {
        "inspection": inspection,
        "template": inspection.template,
        "answers": {a.item_id: a for a in inspection.answers},
        "scores": service.section_scores(inspection),
        "photos": {a.photo_id: a for a in inspection.answers if a.photo_id},
        "events": events_for(inspection),
        "audit_labels": AUDIT_LABELS,
        "actions": list(db.session.scalars(corrective.list_actions_of(inspection))),
        "may_review": can(current_user, "inspections.sign", inspection)
        and inspection.status == InspectionStatus.SUBMITTED
        and inspection.inspector_id != current_user.id,
        "may_fill": can(current_user, "inspections.fill", inspection) and inspection.status in service.OPEN_FOR_FILLING,
    }


@blueprint.route("/inspections/<int:inspection_id>")
@requires("inspections.view")
def show(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id)
    return render("inspections/show.html", **_detail_context(inspection))


@blueprint.route("/inspections/<int:inspection_id>/print")
@requires("inspections.view")
def print_report(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id)
    return render("inspections/print.html", **_detail_context(inspection))


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
        return render("inspections/fill.html", client_id=str(uuid.uuid4()), fresh=True, **_detail_context(inspection))
    client_id = (request.form.get("client_id") or "").lower()
    try:
        if not CLIENT_ID.match(client_id):
            raise Invalid(_("The form's id is damaged; reload the page."))
        answers = service.parse_answer_fields(inspection.template, request.form, request.files)
        if request.form.get("intent") == "draft":
            service.save_draft(current_user, inspection, answers)
        else:
            inspection, created = service.submit_inspection(current_user, inspection, client_id, answers)
    except Invalid as error:
        # The form again, as it was sent, with the message: nothing typed on the tablet is lost.
        db.session.rollback()
        context = _detail_context(inspection) | {"answers": _posted_answers(inspection.template)}
        fresh = not CLIENT_ID.match(client_id)
        return render(
            "inspections/fill.html",
            status=422,
            client_id=str(uuid.uuid4()) if fresh else client_id,
            fresh=fresh,
            errors=[error.message],
            **context,
        )
    if request.form.get("intent") == "draft":
        # Back to the form, which opens with a new client_id: the final submission is another one.
        remember_result(url_for("inspections.fill", inspection_id=inspection.id))
        db.session.commit()
        flash(_("Draft saved on the server: you can go on here or on another device."), "success")
        return redirect(url_for("inspections.fill", inspection_id=inspection.id), code=303)
    remember_result(url_for("inspections.show", inspection_id=inspection.id))
    db.session.commit()
    if created:
        flash(
            _(
                "Inspection %(ref)s submitted: %(score)s of %(max)s points.",
                ref=inspection.reference,
                score=_points(inspection.score_total),
                max=_points(inspection.max_total),
            ),
            "success",
        )
    response = redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _posted_answers(template) -> dict[int, SimpleNamespace]:
    form = request.form
    return {
        item.id: SimpleNamespace(
            **{
                part: form.get(f"item-{item.id}-{part}", "")[:2000]
                for part in ("result", "count", "number", "text", "note")
            },
            photo_id=None,
        )
        for item in template.items
    }


def _points(value) -> str:
    return points_filter(value)


@blueprint.route("/inspections/<int:inspection_id>/sign", methods=["POST"])
@requires("inspections.sign")
def sign(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id, "inspections.sign")
    service.sign_off(current_user, inspection, _upload("signature"), request.form.get("confirm") == "yes")
    db.session.commit()
    flash(_("Inspection %(ref)s signed off.", ref=inspection.reference), "success")
    return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)


@blueprint.route("/inspections/<int:inspection_id>/return", methods=["POST"])
@requires("inspections.sign")
def return_(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id, "inspections.sign")
    service.return_inspection(current_user, inspection, request.form.get("comment", ""))
    db.session.commit()
    flash(
        _("Inspection %(ref)s returned to %(name)s.", ref=inspection.reference, name=inspection.inspector.name),
        "success",
    )
    return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)


# Corrective actions


@blueprint.route("/inspections/actions")
@requires("actions.view")
def actions():
    branch = request.args.get("branch") or None
    if branch is not None and not branch.isdigit():
        raise Invalid(_("Unknown filter value for %(name)s.", name="branch"))
    status = request.args.get("status") or None
    if status is not None and status not in set(ActionStatus):
        raise Invalid(_("Unknown filter value for %(name)s.", name="status"))
    page = paginate_request(corrective.list_actions(current_user, int(branch) if branch else None, status))
    return render(
        "inspections/actions.html",
        fragments={"action-results": "inspections/_actions.html"},
        page=page,
        chosen_status=status,
        branch=branch,
        statuses=list(ActionStatus),
        branches=active_branches() if current_user.role == Role.ADMIN else [],
        today=utc_to_local(utcnow()).date(),
        may_verify=can(current_user, "actions.verify"),
        people=_people_by_branch(page.items),
    )


def _people_by_branch(actions) -> dict[int, list[User]]:
    """Whom an open action can be handed to, per branch of the listed actions (managers only)."""
    if not can(current_user, "actions.verify"):
        return {}
    return {branch_id: service.inspectors_of(branch_id) for branch_id in {a.branch_id for a in actions}}


@blueprint.route("/inspections/actions/<int:action_id>/done", methods=["POST"])
@requires("actions.complete")
def complete_action(action_id: int):
    action = corrective.get_action(current_user, action_id, "actions.complete")
    corrective.complete_action(current_user, action, request.form.get("note", ""))
    db.session.commit()
    flash(_("Corrective action marked done."), "success")
    return redirect(url_for("inspections.actions"), code=303)


@blueprint.route("/inspections/actions/<int:action_id>/reassign", methods=["POST"])
@requires("actions.verify")
def reassign_action(action_id: int):
    action = corrective.get_action(current_user, action_id, "actions.verify")
    owner_id, due_on = request.form.get("owner_id", ""), request.form.get("due_on", "")
    try:
        due = date.fromisoformat(due_on)
    except ValueError:
        raise Invalid(_("Dates are written like 2026-11-23.")) from None
    if not owner_id.isdigit():
        raise Invalid(_("Choose someone of the branch."))
    corrective.reassign_action(current_user, action, int(owner_id), due)
    db.session.commit()
    flash(_("Corrective action handed to %(name)s.", name=action.owner.name), "success")
    return redirect(url_for("inspections.actions"), code=303)


@blueprint.route("/inspections/actions/<int:action_id>/verify", methods=["POST"])
@requires("actions.verify")
def verify_action(action_id: int):
    action = corrective.get_action(current_user, action_id, "actions.verify")
    corrective.verify_action(current_user, action)
    db.session.commit()
    flash(_("Corrective action verified."), "success")
    return redirect(url_for("inspections.actions"), code=303)


# Ranking


@blueprint.route("/inspections/ranking")
@requires("inspections.ranking")
def ranking():
    known = families()
    today = utc_to_local(utcnow()).date()
    period = parse_period(request.args.get("period") or f"{today.year}-{today.month:02d}")
    family = request.args.get("family") or busiest_family(known)
    if known and family not in dict(known):
        raise Invalid(_("Unknown filter value for %(name)s.", name="family"))
    result = branch_ranking(current_user, family, period) if family else None
    return render("inspections/ranking.html", ranking=result, families=known, family=family, period=period)
