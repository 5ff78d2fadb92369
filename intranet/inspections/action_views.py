"""Routes of corrective actions: the list, marking one done, handing it over, verifying it."""

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import exporting
from intranet.access import scoping
from intranet.access.permissions import can, requires
from intranet.auth.models import User
from intranet.branches.service import active_branches
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.inspections import actions as corrective
from intranet.inspections import blueprint, service
from intranet.inspections.exports import CORRECTIVE_ACTIONS
from intranet.inspections.filters import action_filters
from intranet.inspections.models import ActionStatus
from intranet.listing import paginate_request
from intranet.offline.idempotency import idempotent
from intranet.offline.pages import offline_pages
from intranet.rendering import render
from intranet.timezones import utc_to_local


@blueprint.route("/inspections/actions")
@requires("actions.view")
def actions():
    filters = action_filters(request.args)
    page = paginate_request(corrective.list_actions(current_user, filters))
    return render(
        "inspections/actions.html",
        fragments={"action-results": "inspections/_actions.html"},
        page=page,
        chosen_status=filters.status,
        branch=filters.branch_id,
        args=request.args,
        statuses=list(ActionStatus),
        branches=active_branches() if scoping.sees_every_branch(current_user) else [],
        today=utc_to_local(utcnow()).date(),
        may_verify=can(current_user, "actions.verify"),
        people=_people_by_branch(page.items),
    )


def _people_by_branch(actions) -> dict[int, list[User]]:
    """Whom an open action can be handed to, per branch of the listed actions (managers only)."""
    if not can(current_user, "actions.verify"):
        return {}
    return {branch_id: service.inspectors_of(branch_id) for branch_id in {a.branch_id for a in actions}}


@offline_pages
def _actions_on_the_road(user) -> list[str]:
    """Technicians mark their corrective actions done on site, network or not."""
    return [url_for("inspections.actions")] if can(user, "today.view") and can(user, "actions.complete") else []


@blueprint.route("/inspections/actions/<int:action_id>/done", methods=["POST"])
@requires("actions.complete")
@idempotent
def complete_action(action_id: int):
    action = corrective.get_action(current_user, action_id, "actions.complete")
    corrective.complete_action(current_user, action, request.form.get("note", ""))
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
    flash(_("Corrective action handed to %(name)s.", name=action.owner.name), "success")
    return redirect(url_for("inspections.actions"), code=303)


@blueprint.route("/inspections/actions/<int:action_id>/verify", methods=["POST"])
@requires("actions.verify")
def verify_action(action_id: int):
    action = corrective.get_action(current_user, action_id, "actions.verify")
    corrective.verify_action(current_user, action)
    flash(_("Corrective action verified."), "success")
    return redirect(url_for("inspections.actions"), code=303)


@blueprint.route("/inspections/actions/export.<any(csv, xlsx):file_format>")
@requires("actions.view")
def export_actions(file_format: str):
    return exporting.download(CORRECTIVE_ACTIONS, current_user, request.args, file_format)
