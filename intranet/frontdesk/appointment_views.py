"""Routes of appointments: the day's board, booking (from a call too), confirming, arrival, cancelling, slots."""

from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock, exporting
from intranet.access.permissions import requires
from intranet.customers import service as customers
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.frontdesk import appointments, blueprint, calls
from intranet.frontdesk.branch_calendar import local_day, settings_of
from intranet.frontdesk.exports import APPOINTMENTS
from intranet.frontdesk.filters import appointment_filters
from intranet.frontdesk.forms import AppointmentForm, SlotsForm
from intranet.frontdesk.models import HandOn
from intranet.frontdesk.views import branch_choices, branch_in_view, day_arg, prefill_contact
from intranet.jobs.related import RelatedLink, provides_related
from intranet.listing import id_filter, paginate_request
from intranet.rendering import render, wants_fragment
from intranet.templating import local_time
from intranet.unit_of_work import attempt


@provides_related
def _appointments_of_job(actor, job) -> list[RelatedLink]:
    return [
        RelatedLink(
            _("From appointment %(ref)s", ref=appointment.reference),
            url_for("frontdesk.appointment", appointment_id=appointment.id),
        )
        for appointment in appointments.appointments_of_job(actor, job)
    ]


def _slot_label(slot) -> str:
    return _(
        "%(start)s · %(free)d of %(capacity)d free",
        start=local_time(slot.starts_at),
        free=slot.free,
        capacity=slot.capacity,
    )


# The board


def _board_context(branch, day, now) -> dict:
    grace = settings_of(branch.id).no_show_minutes
    rows = appointments.board(current_user, branch.id, day)
    return {"board": [(row, appointments.board_state(row, now, grace)) for row in rows], "grace": grace}


@blueprint.route("/appointments")
@requires("desk.work")
def appointment_board():
    now = clock.now()
    branch = branch_in_view()
    day = day_arg("day", local_day(now))
    context = _board_context(branch, day, now) if branch else {"board": []}
    return render(
        "frontdesk/appointments.html",
        fragments={"appointment-board": "frontdesk/_appointment_board.html"},
        branch=branch,
        branches=branch_choices(),
        day=day,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        now=now,
        **context,
    )


@blueprint.route("/appointments/no-shows", methods=["POST"])
@requires("desk.work")
def mark_no_shows():
    """Sent by the board as it opens: bookings past their grace become no-shows (as the clock's command does)."""
    now = clock.now()
    branch = branch_in_view()
    if branch is not None:
        appointments.mark_no_shows(now, branch.id)
    day = day_arg("day", local_day(now))
    if wants_fragment() and branch is not None:
        return render(
            "frontdesk/appointments.html",
            fragments={"appointment-board": "frontdesk/_appointment_board.html"},
            branch=branch,
            day=day,
            now=now,
            **_board_context(branch, day, now),
        )
    return redirect(url_for("frontdesk.appointment_board", day=day.isoformat()), code=303)


# The register: every booking by time, filtered (the statistics and the dashboard link here)


@blueprint.route("/appointments/register")
@requires("desk.work")
def appointment_register():
    filters = appointment_filters(current_user, request.args)
    page = paginate_request(appointments.list_appointments(current_user, filters))
    return render(
        "frontdesk/appointment_register.html",
        fragments={"appointment-results": "frontdesk/_appointment_results.html"},
        page=page,
        args=request.args,
        branches=branch_choices(),
    )


@blueprint.route("/appointments/register/export.<any(csv, xlsx):file_format>")
@requires("desk.work")
def export_appointments(file_format: str):
    return exporting.download(APPOINTMENTS, current_user, request.args, file_format)


# Booking


def _prefill(form: AppointmentForm, call, customer) -> None:
    prefill_contact(form, call, customer)
    if call is not None:
        form.note.data = call.summary


def _book(form: AppointmentForm, call, now):
    appointment = appointments.book(
        current_user,
        appointments.BookingData(
            slot_id=form.slot_id.data,
            service_type=form.service_type.data,
            customer_id=form.customer_id.data,
            site_id=form.site_id.data,
            contact_name=form.contact_name.data or "",
            contact_phone=form.contact_phone.data or "",
            address=form.address.data or "",
            note=form.note.data or "",
            technician_id=form.technician_id.data,
        ),
        now,
    )
    if call is not None:
        calls.link_call(call, appointment=appointment)
    return appointment


@blueprint.route("/appointments/new", methods=["GET", "POST"])
@requires("desk.work")
def new_appointment():
    now = clock.now()
    if current_user.branch_id is None:
        raise Invalid(_("Appointments are booked at a branch: sign in with an account of the branch."))
    probe = AppointmentForm(slots=(), sites=(), slot_label=_slot_label)  # only to read the posted ids
    call_id = probe.call_id.data if request.method == "POST" else id_filter(request.args, "call")
    call = calls.call_to_hand_on(current_user, call_id, HandOn.APPOINTMENT) if call_id else None
    customer_id = (probe.customer_id.data if request.method == "POST" else id_filter(request.args, "customer")) or (
        call.customer_id if call else None
    )
    customer = customers.get_customer(current_user, customer_id) if customer_id else None
    slots = appointments.bookable_slots(current_user, current_user.branch_id, now)
    form = AppointmentForm(
        slots=slots,
        sites=customer.sites if customer else (),
        slot_label=_slot_label,
        technicians=appointments.technician_choices(current_user.branch_id),
    )
    if request.method == "GET":
        _prefill(form, call, customer)
        wanted_slot = id_filter(request.args, "slot")
        if wanted_slot:
            form.slot_id.data = wanted_slot
    if form.validate_on_submit():
        appointment = attempt(form, lambda: _book(form, call, now))
        if appointment is not None:
            flash(
                _(
                    "Appointment %(ref)s booked for %(start)s.",
                    ref=appointment.reference,
                    start=local_time(appointment.starts_at),
                ),
                "success",
            )
            return redirect(url_for("frontdesk.appointment", appointment_id=appointment.id), code=303)
    return render(
        "frontdesk/appointment_form.html",
        status=form_status(form),
        form=form,
        call=call,
        customer=customer,
        earliest=appointments.earliest_bookable(current_user.branch_id, now),
        settings=settings_of(current_user.branch_id),
    )


# One appointment


@blueprint.route("/appointments/<int:appointment_id>")
@requires("desk.work")
def appointment(appointment_id: int):
    now = clock.now()
    item = appointments.get_appointment(current_user, appointment_id)
    grace = settings_of(item.branch_id).no_show_minutes
    return render(
        "frontdesk/appointment.html",
        appointment=item,
        now=now,
        day=local_day(item.starts_at),
        state=appointments.board_state(item, now, grace),
    )


def _back_to(item):
    if request.form.get("back") == "board":
        return url_for("frontdesk.appointment_board", day=local_day(item.starts_at).isoformat())
    return url_for("frontdesk.appointment", appointment_id=item.id)


@blueprint.route("/appointments/<int:appointment_id>/confirm", methods=["POST"])
@requires("desk.work")
def confirm_appointment(appointment_id: int):
    item = appointments.get_appointment(current_user, appointment_id)
    reached = request.form.get("reached")
    if reached not in ("yes", "no"):
        raise Invalid(_("Say whether the customer was reached."))
    appointments.confirm(current_user, item, reached == "yes", clock.now())
    flash(
        _("Confirmed with the customer.") if reached == "yes" else _("Noted: the customer could not be reached."),
        "success",
    )
    return redirect(_back_to(item), code=303)


@blueprint.route("/appointments/<int:appointment_id>/arrive", methods=["POST"])
@requires("desk.work")
def arrive(appointment_id: int):
    item = appointments.get_appointment(current_user, appointment_id)
    job = appointments.arrive(current_user, item, clock.now())
    flash(_("%(name)s has arrived: job %(ref)s is open.", name=item.contact_name, ref=job.reference), "success")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@blueprint.route("/appointments/<int:appointment_id>/cancel", methods=["POST"])
@requires("desk.work")
def cancel_appointment(appointment_id: int):
    item = appointments.get_appointment(current_user, appointment_id)
    appointments.cancel(current_user, item, clock.now())
    flash(_("Appointment %(ref)s cancelled.", ref=item.reference), "success")
    return redirect(_back_to(item), code=303)


# Slots


@blueprint.route("/appointments/slots", methods=["GET", "POST"])
@requires("desk.manage")
def slots():
    now = clock.now()
    branch = branch_in_view()
    day = day_arg("day", local_day(now))
    form = SlotsForm(day=day)
    if branch is not None and form.validate_on_submit():
        plan = appointments.SlotPlan(
            day=form.day.data,
            first=form.first.data,
            last=form.last.data,
            minutes=form.minutes.data,
            capacity=form.capacity.data,
        )
        made = attempt(form, lambda: appointments.open_slots(current_user, branch, plan, now))
        if made is not None:
            flash(_("%(n)d slots opened.", n=len(made)), "success")
            return redirect(url_for("frontdesk.slots", day=plan.day.isoformat(), branch=branch.id), code=303)
    elif branch is None and form.is_submitted():
        form.form_errors.append(_("Choose a branch."))
    return render(
        "frontdesk/slots.html",
        status=form_status(form),
        form=form,
        branch=branch,
        branches=branch_choices(),
        day=day,
        slots=appointments.slots_of_day(branch.id, day) if branch else [],
    )
