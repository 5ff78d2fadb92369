"""What happens to inspections that other modules may react to (see intranet/events.py)."""

from dataclasses import dataclass

from intranet.inspections.models import CorrectiveAction, Inspection


@dataclass(frozen=True)
class InspectionSubmitted:
    """The inspector submitted the answers (its failed items have opened corrective actions)."""

    actor: object
    inspection: Inspection


@dataclass(frozen=True)
class InspectionReturned:
    """A manager returned the inspection to its inspector to correct."""

    actor: object
    inspection: Inspection


@dataclass(frozen=True)
class InspectionSignedOff:
    actor: object
    inspection: Inspection


@dataclass(frozen=True)
class CorrectiveActionReassigned:
    """A manager handed the corrective action to someone (with a new due date)."""

    actor: object
    action: CorrectiveAction
