"""What happens to part requests that other modules may react to (see intranet/events.py)."""

from dataclasses import dataclass

from intranet.parts.models import PartRequest


@dataclass(frozen=True)
class PartRequestSubmitted:
    """A request was sent for approval (at once, or a draft sent later)."""

    actor: object
    request: PartRequest


@dataclass(frozen=True)
class PartRequestApproved:
    """A manager approved the request, in full or in part: the storekeepers have parts to issue."""

    actor: object
    request: PartRequest


@dataclass(frozen=True)
class PartRequestIssued:
    actor: object
    request: PartRequest
