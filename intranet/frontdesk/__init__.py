"""The front desk: complaints with a first-contact owner, appointments, visitors, calls, on one desk page."""

from flask import Blueprint

from intranet import templating
from intranet.frontdesk.models import (
    AnswerOutcome,
    AppointmentStatus,
    CallOutcome,
    CallTopic,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    CustomerResponse,
    HandOn,
    IdKind,
    ServiceType,
    Severity,
)

blueprint = Blueprint("frontdesk", __name__, cli_group=None)
for _name, _enum in (
    ("answer_outcome", AnswerOutcome),
    ("complaint_status", ComplaintStatus),
    ("complaint_category", ComplaintCategory),
    ("complaint_channel", ComplaintChannel),
    ("severity", Severity),
    ("customer_response", CustomerResponse),
    ("appointment_status", AppointmentStatus),
    ("service_type", ServiceType),
    ("id_kind", IdKind),
    ("call_topic", CallTopic),
    ("call_outcome", CallOutcome),
    ("hand_on", HandOn),
):
    templating.label_table(_name, _enum)

from intranet.frontdesk import (  # noqa: E402,F401
    alarm_clock,
    appointment_views,
    call_views,
    commands,
    complaint_views,
    manage_views,
    views,
    visitor_views,
)
