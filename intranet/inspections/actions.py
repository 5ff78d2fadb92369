"""Corrective actions (整改): opened by failed items, handed over, done, then verified by a manager."""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.audit import service as audit
from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.inspections.events import CorrectiveActionReassigned
from intranet.inspections.filters import ActionFilters
from intranet.inspections.models import ActionStatus, CorrectiveAction, Inspection, InspectionAnswer, TemplateItem
from intranet.inspections.service import clean_text, is_failed
from intranet.timezones import utc_to_local

ACTION_DAYS = 7  # a corrective action is due a week after the inspection that found the problem


def get_action(actor, action_id: int, permission: str = "actions.view") -> CorrectiveAction:
    return scoping.get(actor, CorrectiveAction, action_id, permission)


def list_actions(actor, filters: ActionFilters, today: date | None = None):
    ensure(actor, "actions.view")
    statement = (
        select(CorrectiveAction)
        .where(scoping.visible(actor, CorrectiveAction))
        .options(selectinload(CorrectiveAction.owner), selectinload(CorrectiveAction.inspection))
    )
    if filters.branch_id:
        statement = statement.where(CorrectiveAction.branch_id == filters.branch_id)
    if filters.status:
        statement = statement.where(CorrectiveAction.status == filters.status)
    if filters.overdue:
        today = today or utc_to_local(utcnow()).date()
        statement = statement.where(CorrectiveAction.status == ActionStatus.OPEN, CorrectiveAction.due_on < today)
    if filters.opened_from:
        statement = statement.where(CorrectiveAction.created_at >= filters.opened_from)
    if filters.opened_before:
        statement = statement.where(CorrectiveAction.created_at < filters.opened_before)
    if filters.item:
        failed = (
            select(InspectionAnswer.id)
            .join(TemplateItem, TemplateItem.id == InspectionAnswer.item_id)
            .where(TemplateItem.text == filters.item)
        )
        statement = statement.where(CorrectiveAction.answer_id.in_(failed))
    return statement.order_by(CorrectiveAction.status, CorrectiveAction.due_on, CorrectiveAction.id)


def _how_much(item, answer) -> str:
    """What the answer found, after the item's text: × 3 occurrences, −2 points, 50 % of the total."""
    if item.kind == "deduction":
        return f" × {answer.count}"
    if item.kind == "entered" and answer.points:
        return f" −{answer.points.normalize():f}"
    if item.kind == "share" and answer.number:
        return f" {answer.number.normalize():f}%"
    return ""


def reconcile_corrective_actions(actor, inspection: Inspection, now: datetime) -> None:
    """The actions match the answers as submitted, also after a return and a new submission.

    A failed answer gets one action, owned by whoever assigned the inspection, never two. An open
    action whose item passes now is withdrawn; one whose item still fails stays open as it was.
    Actions already done or verified are history and stay as they are.
    """
    have = {
        action.answer_id: action
        for action in db.session.scalars(
            select(CorrectiveAction).where(CorrectiveAction.inspection_id == inspection.id)
        )
    }
    items = {item.id: item for item in inspection.template.items}
    for answer in inspection.answers:
        item = items[answer.item_id]
        failed = is_failed(item, answer)
        action = have.get(answer.id)
        if action is not None:
            if not failed and action.status == ActionStatus.OPEN:
                action.status, action.done_at = ActionStatus.WITHDRAWN, now
                action.done_note = _("The item passes on the inspection submitted again.")
                audit.record(actor, "corrective_action.withdrawn", action)
            continue
        if not failed:
            continue
        description = item.text + _how_much(item, answer)
        if answer.note:
            description += f": {answer.note}"
        db.session.add(
            CorrectiveAction(
                inspection_id=inspection.id,
                answer_id=answer.id,
                branch_id=inspection.branch_id,
                description=description,
                owner_id=inspection.assigned_by_id,
                due_on=now.date() + timedelta(days=ACTION_DAYS),
            )
        )


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
    events.publish(CorrectiveActionReassigned(actor, action))
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
