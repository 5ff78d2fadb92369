"""Corrective actions (整改): opened by failed items, handed over, done, then verified by a manager."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.audit import service as audit
from intranet.auth.models import User
from intranet.auth.permissions import ensure, object_rule
from intranet.auth.roles import Role
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotFound
from intranet.extensions import db
from intranet.inspections.models import ActionStatus, CorrectiveAction, Inspection
from intranet.inspections.service import clean_text, same_branch

object_rule("actions.verify")(same_branch)


@object_rule("actions.view")
def _may_view_action(actor, action) -> bool:
    return same_branch(actor, action) or action.owner_id == actor.id


@object_rule("actions.complete")
def _may_complete(actor, action) -> bool:
    return action.owner_id == actor.id or (actor.role in (Role.MANAGER, Role.ADMIN) and same_branch(actor, action))


def get_action(actor, action_id: int, permission: str = "actions.view") -> CorrectiveAction:
    action = db.session.get(CorrectiveAction, action_id)
    if action is None:
        raise NotFound(_("No such corrective action."))
    ensure(actor, permission, action)
    return action


def list_actions(actor, branch_id: int | None, status: str | None = None):
    ensure(actor, "actions.view")
    statement = select(CorrectiveAction).options(
        selectinload(CorrectiveAction.owner), selectinload(CorrectiveAction.inspection)
    )
    if actor.role == Role.ADMIN:
        if branch_id:
            statement = statement.where(CorrectiveAction.branch_id == branch_id)
    elif actor.role == Role.MANAGER:
        statement = statement.where(CorrectiveAction.branch_id == actor.branch_id)
    else:
        statement = statement.where(CorrectiveAction.owner_id == actor.id)
    if status:
        statement = statement.where(CorrectiveAction.status == status)
    return statement.order_by(CorrectiveAction.status, CorrectiveAction.due_on, CorrectiveAction.id)


def list_actions_of(inspection: Inspection):
    return (
        select(CorrectiveAction)
        .where(CorrectiveAction.inspection_id == inspection.id)
        .options(selectinload(CorrectiveAction.owner))
        .order_by(CorrectiveAction.id)
    )


def reassign_action(actor, action: CorrectiveAction, owner_id: int, due_on: date) -> CorrectiveAction:
    """A manager hands the action to someone of the branch, with a new due date."""
    ensure(actor, "actions.verify", action)
    if action.status != ActionStatus.OPEN:
        raise Conflict(_("Only an open corrective action can be handed over."))
    owner = db.session.get(User, owner_id)
    if owner is None or owner.branch_id != action.branch_id or not owner.active:
        raise Invalid(_("Choose someone of the branch."))
    action.owner_id, action.due_on = owner.id, due_on
    db.session.flush()
    audit.record(actor, "corrective_action.reassigned", action, owner=owner.login, due_on=due_on.isoformat())
    return action


def complete_action(actor, action: CorrectiveAction, note: str, now: datetime | None = None) -> CorrectiveAction:
    ensure(actor, "actions.complete", action)
    if action.status != ActionStatus.OPEN:
        raise Conflict(_("This corrective action is already done."))
    note = clean_text(note, _("The note"))
    if not note:
        raise Invalid(_("Say what was done."))
    action.status, action.done_at, action.done_note = ActionStatus.DONE, now or utcnow(), note
    db.session.flush()
    audit.record(actor, "corrective_action.done", action, note=note)
    return action


def verify_action(actor, action: CorrectiveAction, now: datetime | None = None) -> CorrectiveAction:
    ensure(actor, "actions.verify", action)
    if action.status != ActionStatus.DONE:
        raise Conflict(_("Only a corrective action marked done can be verified."))
    action.status, action.verified_by_id, action.verified_at = ActionStatus.VERIFIED, actor.id, now or utcnow()
    db.session.flush()
    audit.record(actor, "corrective_action.verified", action)
    return action
