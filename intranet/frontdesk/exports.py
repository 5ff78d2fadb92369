"""The desk's registers as files: complaints, appointments, visitors and calls, each declared once
(see intranet/exporting): the rows are the register's own list, with the page's filters."""

from flask_babel import lazy_gettext as _l

from intranet import clock
from intranet.access import scoping
from intranet.exporting import Column, declare
from intranet.frontdesk import appointments, calls, complaints, visitors
from intranet.frontdesk.branch_calendar import day_bounds, local_day
from intranet.frontdesk.filters import appointment_filters, complaint_filters, day_of
from intranet.frontdesk.models import (
    Appointment,
    AppointmentStatus,
    CallOutcome,
    CallTopic,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    HandOn,
    IdKind,
    PhoneCall,
    ServiceType,
    Severity,
    Visitor,
)
from intranet.listing import id_filter

ID = _l("ID")


def _name(person) -> str | None:
    return person.name if person is not None else None


def _on_time(complaint: Complaint) -> bool | None:
    if complaint.first_answered_at is None:
        return None
    return not complaint.answered_late


COMPLAINTS = declare(
    "complaints",
    title=_l("Complaints"),
    model=Complaint,
    permission="desk.work",
    rows=lambda actor, args: complaints.list_complaints(actor, complaint_filters(actor, args), clock.now()),
    columns=[
        Column(ID, lambda complaint: complaint.id),
        Column(_l("Complaint"), lambda complaint: complaint.reference),
        Column(_l("Received"), lambda complaint: complaint.received_at),
        Column(_l("Received by"), lambda complaint: ComplaintChannel(complaint.channel)),
        Column(_l("Category"), lambda complaint: ComplaintCategory(complaint.category)),
        Column(_l("How serious"), lambda complaint: Severity(complaint.severity)),
        Column(_l("Customer"), lambda complaint: complaint.customer.name),
        Column(_l("Owner"), lambda complaint: complaint.owner.name),
        Column(_l("Handled by"), lambda complaint: _name(complaint.handler)),
        Column(_l("Status"), lambda complaint: ComplaintStatus(complaint.status)),
        Column(_l("Answer by"), lambda complaint: complaint.answer_due_at),
        Column(_l("First promise"), lambda complaint: complaint.first_due_at),
        Column(_l("First answer"), lambda complaint: complaint.first_answered_at),
        Column(_l("Answered in time"), _on_time),
        Column(_l("Closed"), lambda complaint: complaint.closed_at),
        Column(_l("Resolution"), lambda complaint: complaint.resolution),
        Column(_l("Complaint in the customer's words"), lambda complaint: complaint.description),
    ],
)

APPOINTMENTS = declare(
    "appointments",
    title=_l("Appointments"),
    model=Appointment,
    permission="desk.work",
    rows=lambda actor, args: appointments.list_appointments(actor, appointment_filters(actor, args)),
    columns=[
        Column(ID, lambda appointment: appointment.id),
        Column(_l("Appointment"), lambda appointment: appointment.reference),
        Column(_l("Time"), lambda appointment: appointment.starts_at),
        Column(_l("Service"), lambda appointment: ServiceType(appointment.service_type)),
        Column(_l("Status"), lambda appointment: AppointmentStatus(appointment.status)),
        Column(_l("Customer"), lambda appointment: appointment.customer.name),
        Column(_l("Technician"), lambda appointment: _name(appointment.technician)),
        Column(_l("Booked"), lambda appointment: appointment.booked_at),
        Column(_l("Booked by"), lambda appointment: appointment.booked_by.name),
        Column(_l("Confirmation call"), lambda appointment: appointment.confirmed_at),
        Column(_l("Checked in"), lambda appointment: appointment.arrived_at),
        Column(_l("No-show"), lambda appointment: appointment.no_show_at),
        Column(_l("Cancelled"), lambda appointment: appointment.cancelled_at),
        Column(_l("Job"), lambda appointment: appointment.job.reference if appointment.job else None),
    ],
)


def _branch_asked(actor, args) -> int | None:
    return scoping.list_branch(actor, id_filter(args, "branch"))


def _visitors_of_the_day(actor, args):
    day = day_of(args, "day", local_day(clock.now()))
    return visitors.visitor_register(actor, _branch_asked(actor, args), *day_bounds(day))


VISITORS = declare(
    "visitors",
    title=_l("Visitors"),
    model=Visitor,
    permission="desk.work",
    rows=_visitors_of_the_day,
    columns=[
        Column(ID, lambda visitor: visitor.id),
        Column(_l("Visitor's name"), lambda visitor: visitor.name),
        Column(_l("Company"), lambda visitor: visitor.company),
        Column(_l("Purpose of the visit"), lambda visitor: visitor.purpose),
        Column(_l("Person visited"), lambda visitor: visitor.host.name),
        Column(_l("Identity document"), lambda visitor: IdKind(visitor.id_kind)),  # never its number
        Column(_l("Badge"), lambda visitor: visitor.badge),
        Column(_l("Signed in"), lambda visitor: visitor.signed_in_at),
        Column(_l("Signed out"), lambda visitor: visitor.signed_out_at),
    ],
)


def _calls_of_the_day(actor, args):
    day = day_of(args, "day", local_day(clock.now()))
    return calls.call_register(actor, _branch_asked(actor, args), day)


CALLS = declare(
    "calls",
    title=_l("Calls"),
    model=PhoneCall,
    permission="desk.work",
    rows=_calls_of_the_day,
    columns=[
        Column(ID, lambda call: call.id),
        Column(_l("Time"), lambda call: call.at),
        Column(_l("Taken by"), lambda call: call.taken_by.name),
        Column(_l("Caller"), lambda call: call.caller_name),
        Column(_l("Number"), lambda call: call.number),
        Column(_l("Topic"), lambda call: CallTopic(call.topic)),
        Column(_l("What it was about"), lambda call: call.summary),
        Column(_l("Outcome"), lambda call: CallOutcome(call.outcome)),
        Column(_l("Handed on to"), lambda call: HandOn(call.handed_to) if call.handed_to else None),
        Column(_l("Manual article"), lambda call: call.article.title if call.article else None),
    ],
)
