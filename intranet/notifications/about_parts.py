"""Who is told what about part requests: managers approve, storekeepers issue, the requester receives."""

from flask_babel import gettext as _

from intranet import events
from intranet.access.roles import Role
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import of_branch, person
from intranet.notifications.service import link_to, notify
from intranet.parts.events import PartRequestApproved, PartRequestIssued, PartRequestSubmitted
from intranet.parts.models import PartRequest
from intranet.parts.quantities import fmt


def _lines(request: PartRequest, approved: bool = False) -> str:
    return ", ".join(
        f"{line.part.name} × {fmt(line.approved_quantity if approved else line.quantity)}"
        for line in request.lines
        if not approved or line.approved_quantity
    )


@events.subscribe(PartRequestSubmitted)
def tell_managers_to_approve(event: PartRequestSubmitted) -> None:
    request = event.request
    notify(
        of_branch(request.branch_id, Role.MANAGER),
        NotificationKind.PART_REQUEST_SUBMITTED,
        link_to("parts.show_request", request_id=request.id),
        lambda: (
            _("%(name)s asks for parts (%(ref)s)", name=request.requested_by.name, ref=request.reference),
            _lines(request),
        ),
        actor=event.actor,  # a manager's own request waits for another manager
    )


@events.subscribe(PartRequestApproved)
def tell_storekeepers_to_issue(event: PartRequestApproved) -> None:
    request = event.request
    notify(
        of_branch(request.branch_id, Role.STOREKEEPER),
        NotificationKind.PART_REQUEST_APPROVED,
        link_to("parts.show_request", request_id=request.id),
        lambda: (
            _("Issue %(ref)s to %(name)s", ref=request.reference, name=request.requested_by.name),
            _lines(request, approved=True),
        ),
        actor=event.actor,
    )


@events.subscribe(PartRequestIssued)
def tell_the_requester(event: PartRequestIssued) -> None:
    request = event.request
    notify(
        person(request.requested_by_id),
        NotificationKind.PART_REQUEST_ISSUED,
        link_to("parts.show_request", request_id=request.id),
        lambda: (_("Your parts of %(ref)s are issued", ref=request.reference), _lines(request, approved=True)),
        actor=event.actor,
    )
