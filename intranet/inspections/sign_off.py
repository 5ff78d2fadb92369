"""Review of a submitted inspection: a manager other than its inspector signs it off or returns it."""

from datetime import datetime

from flask_babel import gettext as _

from intranet import events
from intranet.access.permissions import ensure
from intranet.attachments import service as attachments
from intranet.audit import service as audit
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotAllowed
from intranet.extensions import db
from intranet.forms import Upload
from intranet.inspections.events import InspectionReturned, InspectionSignedOff
from intranet.inspections.models import Inspection, InspectionStatus
from intranet.inspections.service import OWNER, clean_text


def _ready_for_review(actor, inspection: Inspection) -> None:
    ensure(actor, "inspections.sign", inspection)
    if inspection.status == InspectionStatus.SIGNED_OFF:
        raise Conflict(_("This inspection is signed off: it can no longer be changed."))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted inspection can be signed off or returned."))
    if inspection.inspector_id == actor.id:
        raise NotAllowed(_("You filled this inspection yourself: another manager must sign it off."))


def sign_off(actor, inspection: Inspection, signature: Upload | None, confirmed: bool, now: datetime | None = None):
    _ready_for_review(actor, inspection)
    if not confirmed:
        raise Invalid(_("Tick the box to confirm you reviewed the answers and the score."))
    if signature is None:
        raise Invalid(_("Sign in the box before signing off."))
    stored = attachments.store_image(actor, OWNER, inspection.id, "signature", signature.data, signature.filename)
    inspection.signature_id = stored.id
    inspection.status = InspectionStatus.SIGNED_OFF
    inspection.signed_by_id = actor.id
    inspection.signed_at = now or utcnow()
    db.session.flush()
    audit.record(actor, "inspection.signed_off", inspection, score=str(inspection.score_total))
    events.publish(InspectionSignedOff(actor, inspection))
    return inspection


def return_inspection(actor, inspection: Inspection, comment: str) -> Inspection:
    _ready_for_review(actor, inspection)
    comment = clean_text(comment, _("The comment"))
    if not comment:
        raise Invalid(_("Say what must be corrected before returning it."))
    inspection.status = InspectionStatus.RETURNED
    inspection.return_comment = comment
    db.session.flush()
    audit.record(actor, "inspection.returned", inspection, comment=comment)
    events.publish(InspectionReturned(actor, inspection))
    return inspection
