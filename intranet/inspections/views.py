"""Routes: the inspection list, assigning, one inspection (with its review: sign-off, return), print, ranking."""

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intranet import exporting
from intranet.access import scoping
from intranet.access.permissions import can, requires
from intranet.audit.service import events_for
from intranet.auth.models import User
from intranet.branches.service import active_branches
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.forms import form_status, uploaded
from intranet.inspections import actions as corrective
from intranet.inspections import assigning, blueprint, personal, service, sign_off
from intranet.inspections.exports import INSPECTIONS
from intranet.inspections.filters import inspection_filters
from intranet.inspections.forms import AssignForm
from intranet.inspections.models import InspectionStatus
from intranet.inspections.ranking import branch_ranking, busiest_family, families, parse_period
from intranet.listing import id_filter, paginate_request
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


@blueprint.route("/inspections")
@requires("inspections.view")
def index():
    filters = inspection_filters(request.args)
    page = paginate_request(service.list_inspections(current_user, filters))
    return render(
        "inspections/index.html",
        fragments={"inspection-results": "inspections/_results.html"},
        page=page,
        chosen_status=filters.status,
        args=request.args,
        statuses=list(InspectionStatus),
        to_fill=service.open_for(current_user),
        may_assign=can(current_user, "inspections.assign"),
    )


@blueprint.route("/inspections/assign", methods=["GET", "POST"])
@requires("inspections.assign")
def assign():
    form = AssignForm(
        templates=service.active_templates(),
        inspectors=service.inspectors_for(current_user),
        sites=service.sites_for(current_user),
    )
    if form.validate_on_submit():
        inspector = db.session.get(User, form.inspector_id.data)
        due = local_to_utc(datetime.combine(form.due_on.data, datetime.max.time().replace(microsecond=0)))
        data = assigning.AssignData(
            template_id=form.template_id.data,
            branch_id=inspector.branch_id,
            inspector_id=inspector.id,
            due_at=due,
            frequency=form.frequency.data or "",
            site_id=form.site_id.data,
        )
        inspection = assigning.assign(current_user, data)
        flash(_("Inspection %(ref)s assigned to %(name)s.", ref=inspection.reference, name=inspector.name), "success")
        return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)
    if request.method == "GET":
        form.due_on.data = utc_to_local(utcnow()).date()
    return render("inspections/assign.html", status=form_status(form), form=form)


def charge_lines(inspection) -> dict[int, list[SimpleNamespace]]:
    """The stored charges by item, as the fill form's lines (person id, times or points) and for showing."""
    lines: dict[int, list[SimpleNamespace]] = {}
    for charge in inspection.charges:
        amount = charge.times if charge.times else points_filter(charge.points)
        lines.setdefault(charge.item_id, []).append(
            SimpleNamespace(person=str(charge.person_id), amount=str(amount), charge=charge)
        )
    return lines


def detail_context(inspection):
    return {
        "verdicts": service.verdicts(inspection),
        "charges": charge_lines(inspection),
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
    return render("inspections/show.html", **detail_context(inspection))


@blueprint.route("/inspections/<int:inspection_id>/print")
@requires("inspections.view")
def print_report(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id)
    return render("inspections/print.html", **detail_context(inspection))


@blueprint.route("/inspections/<int:inspection_id>/sign", methods=["POST"])
@requires("inspections.sign")
def sign(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id, "inspections.sign")
    signature = uploaded(request.files.get("signature"))
    sign_off.sign_off(current_user, inspection, signature, request.form.get("confirm") == "yes")
    flash(_("Inspection %(ref)s signed off.", ref=inspection.reference), "success")
    return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)


@blueprint.route("/inspections/<int:inspection_id>/return", methods=["POST"])
@requires("inspections.sign")
def return_(inspection_id: int):
    inspection = service.get_inspection(current_user, inspection_id, "inspections.sign")
    sign_off.return_inspection(current_user, inspection, request.form.get("comment", ""))
    flash(
        _("Inspection %(ref)s returned to %(name)s.", ref=inspection.reference, name=inspection.inspector.name),
        "success",
    )
    return redirect(url_for("inspections.show", inspection_id=inspection.id), code=303)


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
    # The people's ranking is of one branch: a manager's own, the one an administrator picks (else the first).
    branches = active_branches() if scoping.sees_every_branch(current_user) else []
    branch_id = scoping.list_branch(current_user, id_filter(request.args, "branch"))
    if branch_id is None and branches:
        branch_id = branches[0].id
    people = personal.branch_scores(current_user, branch_id, period) if branch_id else []
    return render(
        "inspections/ranking.html",
        ranking=result,
        families=known,
        family=family,
        period=period,
        people=people,
        branches=branches,
        branch_id=branch_id,
    )


@blueprint.route("/inspections/my-score")
@requires("inspections.view")
def my_score():
    today = utc_to_local(utcnow()).date()
    month = parse_period(request.args.get("month") or f"{today.year}-{today.month:02d}")
    if "Q" in month.label:
        raise Invalid(_("A month is written like 2026-11."))
    quarter = parse_period(f"{month.start.year}-Q{(month.start.month - 1) // 3 + 1}")
    return render(
        "inspections/my_score.html",
        own=personal.own_score(current_user, month, quarter),
        month=month,
        quarter=quarter,
        base=personal.PERSONAL_BASE,
    )


@blueprint.route("/inspections/export.<any(csv, xlsx):file_format>")
@requires("inspections.view")
def export_inspections(file_format: str):
    return exporting.download(INSPECTIONS, current_user, request.args, file_format)
