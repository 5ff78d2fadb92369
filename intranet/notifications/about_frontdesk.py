"""Who is told what about the front desk: a complaint handed on, a complaint's answer time near and
passed, a customer booked with a technician for tomorrow.

The alarms come from the desk's clock (frontdesk/deadlines.py fires each once); their keys hold the
promise they are about, so a complaint reopened with a new answer time is warned again, and a run
repeated for the same promise tells nobody twice.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _

from intranet import events
from intranet.access.roles import Role
from intranet.frontdesk.events import AnswerTimeNear, AnswerTimePassed, AppointmentBooked, ComplaintHandedOn
from intranet.frontdesk.models import Appointment, Complaint, ServiceType
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import Recipient, of_branch, person
from intranet.notifications.service import link_to, notify
from intranet.templating import format_moment
from intranet.timezones import utc_to_local

BODY_OF_COMPLAINT = 160  # characters of the customer's words in a notification's body


def _said(complaint: Complaint) -> str:
    description = complaint.description
    short = description if len(description) <= BODY_OF_COMPLAINT else description[: BODY_OF_COMPLAINT - 1] + "…"
    return f"{complaint.customer.name}: {short}"


def _link(complaint: Complaint) -> str:
    return link_to("frontdesk.complaint", complaint_id=complaint.id)


def _owner_and_handler(complaint: Complaint) -> list[Recipient]:
    return [*person(complaint.owner_id), *person(complaint.handler_id)]


@events.subscribe(ComplaintHandedOn)
def tell_the_handler_and_the_owner(event: ComplaintHandedOn) -> None:
    complaint, handler = event.complaint, event.handler
    due = complaint.answer_due_at
    notify(
        person(handler.id),
        NotificationKind.COMPLAINT_HANDED_ON,
        _link(complaint),
        lambda: (
            _(
                "Complaint %(ref)s is handed to you, answer due %(due)s",
                ref=complaint.reference,
                due=format_moment(due),
            ),
            _said(complaint),
        ),
        actor=event.actor,
    )
    if event.owner.id == handler.id:
        return
    branch = event.handler_branch.name if event.handler_branch else ""
    notify(
        person(event.owner.id),  # the owner stays the owner: they hear where their complaint went
        NotificationKind.COMPLAINT_HANDED_ON,
        _link(complaint),
        lambda: (
            _(
                "Your complaint %(ref)s is handed to %(name)s (%(branch)s)",
                ref=complaint.reference,
                name=handler.name,
                branch=branch,
            ),
            _said(complaint),
        ),
        actor=event.actor,
    )


@events.subscribe(AnswerTimeNear)
def warn_the_owner(event: AnswerTimeNear) -> None:
    complaint, due = event.complaint, event.answer_due_at
    notify(
        _owner_and_handler(complaint),
        NotificationKind.COMPLAINT_DUE,
        _link(complaint),
        lambda: (
            _(
                "Complaint %(ref)s: the customer expects an answer by %(due)s",
                ref=complaint.reference,
                due=format_moment(due),
            ),
            _said(complaint),
        ),
        dedup_key=f"complaint-near:{complaint.id}:{due.isoformat()}",
    )


@events.subscribe(AnswerTimePassed)
def alert_the_duty_manager(event: AnswerTimePassed) -> None:
    """The owner, whoever handles it, and the duty manager, or every manager of the branch when the
    roster names nobody for the day (or the one it names has left)."""
    complaint, due = event.complaint, event.answer_due_at
    duty = person(event.duty_manager.id) if event.duty_manager is not None else []
    managers = duty or of_branch(complaint.branch_id, Role.MANAGER)
    owner = complaint.owner.name
    notify(
        [*_owner_and_handler(complaint), *managers],
        NotificationKind.COMPLAINT_DUE,
        _link(complaint),
        lambda: (
            _(
                "Complaint %(ref)s is overdue: the answer was due %(due)s",
                ref=complaint.reference,
                due=format_moment(due),
            ),
            _("Owned by %(owner)s. %(said)s", owner=owner, said=_said(complaint)),
        ),
        dedup_key=f"complaint-overdue:{complaint.id}:{due.isoformat()}",
    )


# Appointments


def tell_the_technician(appointment: Appointment, actor, now: datetime) -> int:
    """The technician of a booking hears of it once (the key is the booking's and its time's)."""
    starts_at = appointment.starts_at
    service = ServiceType(appointment.service_type)
    customer, address, note = appointment.customer.name, appointment.site.address, appointment.note
    return notify(
        person(appointment.technician_id),
        NotificationKind.APPOINTMENT_TOMORROW,
        link_to("customers.show", customer_id=appointment.customer_id),
        lambda: (
            _(
                "%(customer)s is booked with you for %(time)s",
                customer=customer,
                time=format_moment(starts_at),
            ),
            " · ".join(part for part in (str(service.label), address, note) if part),
        ),
        actor=actor,
        dedup_key=f"appointment-technician:{appointment.id}:{starts_at.isoformat()}",
        now=now,
    )


def comes_by_tomorrow(appointment: Appointment, now: datetime) -> bool:
    """Its day is today or tomorrow, in company time: too soon for the reminder of the evening before."""
    return utc_to_local(appointment.starts_at).date() <= utc_to_local(now).date() + timedelta(days=1)


@events.subscribe(AppointmentBooked)
def tell_the_technician_of_a_booking_for_tomorrow(event: AppointmentBooked) -> None:
    appointment = event.appointment
    if appointment.technician_id is not None and comes_by_tomorrow(appointment, appointment.booked_at):
        tell_the_technician(appointment, event.actor, appointment.booked_at)
