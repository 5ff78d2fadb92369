"""The inspection and corrective-action lists as files, each declared once (see exporting)."""

from flask_babel import lazy_gettext as _l

from intranet.exporting import Column, declare
from intranet.inspections import actions, service
from intranet.inspections.filters import action_filters, inspection_filters
from intranet.inspections.models import ActionStatus, CorrectiveAction, Inspection, InspectionStatus

INSPECTIONS = declare(
    "inspections",
    title=_l("Inspections"),
    model=Inspection,
    permission="inspections.view",
    rows=lambda actor, args: service.list_inspections(actor, inspection_filters(args)),
    columns=[
        Column(_l("ID"), lambda inspection: inspection.id),
        Column(_l("Inspection"), lambda inspection: inspection.reference),
        Column(_l("Checklist"), lambda inspection: inspection.template.title),
        Column(_l("Version"), lambda inspection: inspection.template.version),
        Column(_l("Branch"), lambda inspection: inspection.branch.name),
        Column(_l("Inspector"), lambda inspection: inspection.inspector.name),
        Column(_l("Due"), lambda inspection: inspection.due_at),
        Column(_l("Submitted"), lambda inspection: inspection.submitted_at),
        Column(_l("Score"), lambda inspection: inspection.score_total),
        Column(_l("Out of"), lambda inspection: inspection.max_total),
        Column(_l("Status"), lambda inspection: InspectionStatus(inspection.status)),
        Column(_l("Signed off"), lambda inspection: inspection.signed_at),
    ],
)

CORRECTIVE_ACTIONS = declare(
    "corrective-actions",
    title=_l("Corrective actions"),
    model=CorrectiveAction,
    permission="actions.view",
    rows=lambda actor, args: actions.list_actions(actor, action_filters(args)),
    columns=[
        Column(_l("ID"), lambda action: action.id),
        Column(_l("Problem"), lambda action: action.description),
        Column(_l("Inspection"), lambda action: action.inspection.reference),
        Column(_l("Owner"), lambda action: action.owner.name),
        Column(_l("Opened"), lambda action: action.created_at),
        Column(_l("Due"), lambda action: action.due_on),
        Column(_l("Status"), lambda action: ActionStatus(action.status)),
        Column(_l("What was done"), lambda action: action.done_note),
        Column(_l("Done"), lambda action: action.done_at),
        Column(_l("Verified"), lambda action: action.verified_at),
    ],
)
