"""The dashboard's front-desk figures: complaints by category and on time, appointments and no-shows.

Counted by the desk's own statistics (statistics.py) over the dashboard's period, so the dashboard
and the statistics page cannot disagree; each figure links to the register filtered to its rows.
"""

from flask_babel import lazy_gettext as _l

from intranet.access.permissions import can
from intranet.figures import Bar, Chart, DashboardQuery, Figure, Section, share
from intranet.frontdesk import statistics
from intranet.frontdesk.models import AnswerOutcome, AppointmentStatus, ComplaintCategory, ServiceType
from intranet.periods import Period


def _complaints(query: DashboardQuery, period: Period) -> statistics.ComplaintFigures:
    return statistics.complaint_figures(query.actor, period.utc_start, period.utc_end, query.now, query.branch_id)


def _appointments(query: DashboardQuery, period: Period) -> statistics.AppointmentFigures:
    return statistics.appointment_figures(query.actor, period.utc_start, period.utc_end, query.branch_id)


def _booked(appointments: statistics.AppointmentFigures, service: ServiceType) -> int:
    figures = appointments.by_service.get(service.value)
    return figures.booked if figures else 0


def desk_section(query: DashboardQuery) -> Section | None:
    if not can(query.actor, "desk.manage"):
        return None
    period = query.period
    received = period.list_args("received_from", "received_to")
    booked = period.list_args()
    complaints, complaints_before = _complaints(query, period), _complaints(query, query.compared)
    appointments = _appointments(query, period)
    bookings, bookings_before = appointments.total, _appointments(query, query.compared).total
    known = complaints.on_time + complaints.late

    def complaints_link(**args) -> str:
        return query.link("frontdesk.complaints_list", **received, **args)

    def register_link(**args) -> str:
        return query.link("frontdesk.appointment_register", **booked, **args)

    section = Section("desk", _l("Front desk"))
    section.figures = [
        Figure(
            "desk.complaints",
            _l("Complaints received"),
            complaints.received,
            complaints_link(),
            complaints_before.received,
        ),
        Figure(
            "desk.complaints_on_time",
            _l("Complaints answered on time"),
            share(complaints.on_time, known),
            complaints_link(outcome=AnswerOutcome.ON_TIME.value),
            share(complaints_before.on_time, complaints_before.on_time + complaints_before.late),
            unit="%",
            note=_l("%(on_time)d of the %(known)d whose answer time has come", on_time=complaints.on_time, known=known),
        ),
        Figure(
            "desk.complaints_late",
            _l("Complaints answered late or not at all"),
            complaints.late,
            complaints_link(outcome=AnswerOutcome.LATE.value),
            complaints_before.late,
        ),
        Figure("desk.appointments", _l("Appointments"), bookings.booked, register_link(), bookings_before.booked),
        Figure(
            "desk.no_shows",
            _l("No-shows"),
            bookings.no_show,
            register_link(status=AppointmentStatus.NO_SHOW.value),
            bookings_before.no_show,
        ),
        Figure(
            "desk.no_show_rate",
            _l("No-show rate"),
            share(bookings.no_show, bookings.arrived + bookings.no_show),
            register_link(status=AppointmentStatus.NO_SHOW.value),
            share(bookings_before.no_show, bookings_before.arrived + bookings_before.no_show),
            unit="%",
            note=_l(
                "%(no_show)d of the %(known)d bookings whose customer came or did not",
                no_show=bookings.no_show,
                known=bookings.arrived + bookings.no_show,
            ),
        ),
    ]
    section.charts = [
        Chart(
            "desk.complaints_by_category",
            _l("Complaints by category"),
            [
                Bar(
                    str(category.label),
                    complaints.by_category[category.value],
                    complaints_link(category=category.value),
                )
                for category in ComplaintCategory
            ],
            value_header=_l("Complaints"),
            label_header=_l("Category"),
        ),
        Chart(
            "desk.appointments_by_service",
            _l("Appointments by service"),
            [
                Bar(str(service.label), _booked(appointments, service), register_link(service=service.value))
                for service in ServiceType
            ],
            value_header=_l("Appointments"),
            label_header=_l("Service"),
        ),
    ]
    return section
