"""Who is told what about inspections: managers of a submitted one, its inspector of the review, and the
owner of each corrective action."""

from flask_babel import gettext as _
from sqlalchemy import select

from intranet import events
from intranet.access.roles import Role
from intranet.extensions import db
from intranet.inspections.events import (
    CorrectiveActionReassigned,
    InspectionReturned,
    InspectionSignedOff,
    InspectionSubmitted,
)
from intranet.inspections.models import ActionStatus, CorrectiveAction, Inspection
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import of_branch, person
from intranet.notifications.service import link_to, notify
from intranet.templating import format_moment


@events.subscribe(InspectionSubmitted)
def tell_managers_to_sign(event: InspectionSubmitted) -> None:
    inspection = event.inspection
    title = inspection.template.title
    managers = [m for m in of_branch(inspection.branch_id, Role.MANAGER) if m.id != inspection.inspector_id]
    notify(
        managers,  # the inspector may not sign their own
        NotificationKind.INSPECTION_SUBMITTED,
        link_to("inspections.show", inspection_id=inspection.id),
        lambda: (
            _("%(ref)s waits for your sign-off", ref=inspection.reference),
            _("%(title)s by %(name)s", title=title, name=inspection.inspector.name),
        ),
        actor=event.actor,
    )
    # The failed items opened corrective actions: each owner is told once about each.
    actions = db.session.scalars(
        select(CorrectiveAction).where(
            CorrectiveAction.inspection_id == inspection.id, CorrectiveAction.status == ActionStatus.OPEN
        )
    )
    for action in actions:
        tell_the_owner(action, event.actor)


def _tell_the_inspector(inspection: Inspection, actor, link: str, title) -> None:
    notify(person(inspection.inspector_id), NotificationKind.INSPECTION_REVIEWED, link, title, actor=actor)


@events.subscribe(InspectionReturned)
def tell_the_inspector_it_is_returned(event: InspectionReturned) -> None:
    inspection = event.inspection
    _tell_the_inspector(
        inspection,
        event.actor,
        link_to("inspections.fill", inspection_id=inspection.id),
        lambda: (_("%(ref)s is returned to you", ref=inspection.reference), inspection.return_comment or ""),
    )


@events.subscribe(InspectionSignedOff)
def tell_the_inspector_it_is_signed(event: InspectionSignedOff) -> None:
    inspection = event.inspection
    _tell_the_inspector(
        inspection,
        event.actor,
        link_to("inspections.show", inspection_id=inspection.id),
        lambda: (
            _("%(ref)s is signed off", ref=inspection.reference),
            _("Score %(score)s of %(max)s", score=inspection.score_total, max=inspection.max_total),
        ),
    )


def tell_the_owner(action: CorrectiveAction, actor) -> None:
    notify(
        person(action.owner_id),
        NotificationKind.ACTION_ASSIGNED,
        link_to("inspections.actions"),
        lambda: (
            _("A corrective action is yours, due %(due)s", due=format_moment(action.due_on, "date")),
            action.description,
        ),
        actor=actor,
        dedup_key=f"action-assigned:{action.id}:{action.owner_id}",
    )


@events.subscribe(CorrectiveActionReassigned)
def tell_the_new_owner(event: CorrectiveActionReassigned) -> None:
    tell_the_owner(event.action, event.actor)
