"""Assigning an inspection to someone of a branch: once, or on a schedule whose first one is made now."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from intranet.access.permissions import can, ensure
from intranet.audit import service as audit
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Site
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.inspections import schedules
from intranet.inspections.models import Inspection, InspectionTemplate, TemplateStatus


@dataclass
class AssignData:
    template_id: int
    branch_id: int
    inspector_id: int
    due_at: datetime
    frequency: str = ""  # "" = once
    site_id: int | None = None


def _check_assignment(actor, data: AssignData) -> tuple[InspectionTemplate, User]:
    branch = db.session.get(Branch, data.branch_id)
    if branch is None:
        raise Invalid(_("Choose a branch."))
    ensure(actor, "inspections.assign", branch)
    template = db.session.get(InspectionTemplate, data.template_id)
    if template is None or template.status != TemplateStatus.ACTIVE:
        raise Invalid(_("Choose a checklist that is in use."))
    inspector = db.session.get(User, data.inspector_id)
    if inspector is None or inspector.branch_id != branch.id or not inspector.active:
        raise Invalid(_("Choose an inspector of the branch."))
    if not can(inspector, "inspections.fill"):
        raise Invalid(_("%(name)s cannot fill inspections.", name=inspector.name))
    if data.site_id is not None:
        site = db.session.get(Site, data.site_id)
        if site is None or site.customer.branch_id != branch.id:
            raise Invalid(_("Choose a site of the inspector's branch."))
    return template, inspector


def assign(actor, data: AssignData) -> Inspection:
    """Assign once, or set up a schedule and make its first inspection now."""
    template, inspector = _check_assignment(actor, data)
    if data.frequency:
        schedule = schedules.create_schedule(actor, template, data)
        inspection = schedules.generate_for(schedule, utcnow())
        if inspection is not None:
            return inspection
    inspection = Inspection(
        template_id=template.id,
        branch_id=data.branch_id,
        site_id=data.site_id,
        inspector_id=inspector.id,
        assigned_by_id=actor.id,
        due_at=data.due_at,
    )
    db.session.add(inspection)
    db.session.flush()
    audit.record(actor, "inspection.assigned", inspection, inspector=inspector.login)
    return inspection
