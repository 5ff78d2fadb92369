"""Appointments (预约): slots with a capacity, booking ahead, confirming by phone, arrival, no-shows.

Booking takes a place in the slot with one conditional UPDATE (booked = booked + 1 WHERE booked <
capacity), so two desks booking the last place at once cannot both get it. Arrival turns the
booking into a job once: a second click (or a twin request) finds the booking already arrived and
answers with the same job. A booking not arrived `no_show_minutes` after its time becomes a no-show,
by the `flask frontdesk-no-shows` command and whenever the day's board is opened.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from intranet import events
from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers import service as customers
from intranet.customers.models import Customer, Site
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import calendar_of, day_bounds, local_day, settings_of, zone
from intranet.frontdesk.events import (
    AppointmentArrived,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentConfirmed,
    AppointmentNoShow,
)
from intranet.frontdesk.models import Appointment, AppointmentSlot, AppointmentStatus, ServiceType
from intranet.jobs import service as jobs
from intranet.jobs.models import Job, JobSource, Priority
from intranet.listing import one_of, prepared
from intranet.templating import format_moment

EXPECTED = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.UNREACHABLE)
_EXPECTED = [status.value for status in EXPECTED]


# Slots


@dataclass
class SlotPlan:
    day: date
    first: time
    last: time  # the last slot ends by then
    minutes: int
    capacity: int


def open_slots(actor, branch: Branch, plan: SlotPlan, now: datetime) -> list[AppointmentSlot]:
    """Slots of `minutes` through the day's opening hours between first and last (lunch is skipped);
    a slot that already exists at a time keeps its capacity, so opening a day twice adds nothing twice."""
    ensure(actor, "desk.manage", branch)
    if not 10 <= plan.minutes <= 480 or not 1 <= plan.capacity <= 50:
        raise Invalid(_("Slots last 10 to 480 minutes and take 1 to 50 bookings."))
    if plan.day < local_day(now):
        raise Invalid(_("That day is past."))
    calendar = calendar_of(branch.id)
    periods = calendar.periods_on(plan.day)
    if not periods:
        raise Invalid(_("The branch is closed on %(day)s.", day=plan.day.isoformat()))
    window_start = datetime.combine(plan.day, plan.first, tzinfo=zone())
    window_end = datetime.combine(plan.day, plan.last, tzinfo=zone())
    existing = set(
        db.session.scalars(
            select(AppointmentSlot.starts_at).where(
                AppointmentSlot.branch_id == branch.id,
                AppointmentSlot.starts_at >= periods[0][0],
                AppointmentSlot.starts_at < periods[-1][1],
            )
        )
    )
    length = timedelta(minutes=plan.minutes)
    made = []
    for period_start, period_end in periods:
        start = max(period_start, window_start)
        while start + length <= min(period_end, window_end):
            if start not in existing:
                slot = AppointmentSlot(
                    branch_id=branch.id, starts_at=start, ends_at=start + length, capacity=plan.capacity
                )
                db.session.add(slot)
                made.append(slot)
            start += length
    if not made and not existing:
        raise Invalid(_("No slot fits between those times within the opening hours."))
    db.session.flush()
    return made


def earliest_bookable(branch_id: int, now: datetime) -> datetime:
    return now + timedelta(hours=settings_of(branch_id).booking_lead_hours)


def bookable_slots(actor, branch_id: int, now: datetime, days: int = 14) -> list[AppointmentSlot]:
    """Slots with a free place, from the earliest time a booking is accepted, for `days` days."""
    ensure(actor, "desk.work")
    earliest = earliest_bookable(branch_id, now)
    return list(
        db.session.scalars(
            select(AppointmentSlot)
            .where(
                AppointmentSlot.branch_id == branch_id,
                scoping.visible(actor, AppointmentSlot),
                AppointmentSlot.starts_at >= earliest,
                AppointmentSlot.starts_at < earliest + timedelta(days=days),
                AppointmentSlot.booked < AppointmentSlot.capacity,
            )
            .order_by(AppointmentSlot.starts_at)
            .limit(300)
        )
    )


def slots_of_day(branch_id: int, day: date) -> list[AppointmentSlot]:
    start, end = day_bounds(day)
    return list(
        db.session.scalars(
            select(AppointmentSlot)
            .where(
                AppointmentSlot.branch_id == branch_id,
                AppointmentSlot.starts_at >= start,
                AppointmentSlot.starts_at < end,
            )
            .order_by(AppointmentSlot.starts_at)
        )
    )


# Booking


@dataclass
class BookingData:
    slot_id: int
    service_type: str
    customer_id: int | None = None  # an existing customer; else a new one from the contact and address
    site_id: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    note: str = ""
    technician_id: int | None = None  # who will serve the customer; None: decided when they arrive


def _when(moment: datetime) -> str:
    return format_moment(moment)


def _customer_and_site(actor, data: BookingData, branch_id: int) -> tuple[Customer, Site]:
    if data.customer_id is None:
        if not (data.contact_name.strip() and data.contact_phone.strip() and data.address.strip()):
            raise Invalid(_("Choose the customer, or give a name, phone number and address to record a new one."))
        customer = customers.create_customer(
            actor, customers.CustomerData(name=data.contact_name, kind="person", phone=data.contact_phone)
        )
        site = customers.add_site(actor, customer, customers.SiteData(name=_("Home"), address=data.address))
        return customer, site
    customer = customers.get_customer(actor, data.customer_id)
    if customer.branch_id != branch_id:
        raise Invalid(
            _("%(name)s is a customer of %(branch)s: book there.", name=customer.name, branch=customer.branch.name)
        )
    sites = {site.id: site for site in customer.sites}
    if data.site_id is None and len(sites) == 1:
        return customer, next(iter(sites.values()))
    if data.site_id not in sites:
        raise Invalid(_("Choose one of the customer's sites."))
    return customer, sites[data.site_id]


def technician_choices(branch_id: int) -> list[User]:
    """Who a booking can be given to: the branch's active technicians."""
    return jobs.technicians_of(branch_id)


def _technician(branch_id: int, technician_id: int | None) -> User | None:
    if technician_id is None:
        return None
    technician = next((t for t in technician_choices(branch_id) if t.id == technician_id), None)
    if technician is None:
        raise Invalid(_("Choose a technician of the branch, or leave it to the arrival."))
    return technician


def book(actor, data: BookingData, now: datetime) -> Appointment:
    ensure(actor, "desk.work")
    if data.service_type not in set(ServiceType):
        raise Invalid(_("Choose the kind of service."))
    slot = scoping.get(actor, AppointmentSlot, data.slot_id, "desk.work")
    earliest = earliest_bookable(slot.branch_id, now)
    if slot.starts_at < earliest:
        lead = settings_of(slot.branch_id).booking_lead_hours
        raise Invalid(
            _(
                "Appointments are booked at least %(hours)d hours ahead: this slot starts at %(start)s, "
                "the earliest that can be booked now is %(earliest)s.",
                hours=lead,
                start=_when(slot.starts_at),
                earliest=_when(earliest),
            )
        )
    customer, site = _customer_and_site(actor, data, slot.branch_id)
    technician = _technician(slot.branch_id, data.technician_id)
    taken = db.session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot.id, AppointmentSlot.booked < AppointmentSlot.capacity)
        .values(booked=AppointmentSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Conflict(
            _(
                "The slot at %(start)s is full (%(n)d bookings). Choose another time.",
                start=_when(slot.starts_at),
                n=slot.capacity,
            )
        )
    appointment = Appointment(
        branch_id=slot.branch_id,
        slot_id=slot.id,
        starts_at=slot.starts_at,
        customer_id=customer.id,
        site_id=site.id,
        service_type=data.service_type,
        contact_name=data.contact_name.strip() or customer.name,
        contact_phone=data.contact_phone.strip() or customer.phone,
        note=data.note.strip(),
        status=AppointmentStatus.BOOKED,
        booked_by_id=actor.id,
        booked_at=now,
        technician_id=technician.id if technician else None,
    )
    db.session.add(appointment)
    db.session.flush()
    db.session.refresh(slot)
    events.publish(AppointmentBooked(actor, appointment, appointment.branch))
    return appointment


def get_appointment(actor, appointment_id: int) -> Appointment:
    options = (joinedload(Appointment.customer), joinedload(Appointment.site), joinedload(Appointment.job))
    return scoping.get(actor, Appointment, appointment_id, "desk.work", options=options)


def _ensure_expected(appointment: Appointment) -> None:
    if appointment.status == AppointmentStatus.NO_SHOW:
        raise Conflict(_("This booking lapsed as a no-show. Book the customer again."))
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Conflict(_("This booking was cancelled."))
    if appointment.status == AppointmentStatus.ARRIVED:
        raise Conflict(_("The customer has already arrived."))


def confirm(actor, appointment: Appointment, reached: bool, now: datetime) -> Appointment:
    """The confirmation call before the appointment: confirmed, or the customer could not be reached."""
    ensure(actor, "desk.work", appointment)
    _ensure_expected(appointment)
    appointment.status = AppointmentStatus.CONFIRMED if reached else AppointmentStatus.UNREACHABLE
    appointment.confirmed_at = now
    appointment.confirmed_by_id = actor.id
    db.session.flush()
    events.publish(AppointmentConfirmed(actor, appointment, appointment.branch, reached))
    return appointment


def cancel(actor, appointment: Appointment, now: datetime) -> Appointment:
    ensure(actor, "desk.work", appointment)
    _ensure_expected(appointment)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    db.session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == appointment.slot_id, AppointmentSlot.booked > 0)
        .values(booked=AppointmentSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(appointment.slot, ["booked"])
    db.session.flush()
    events.publish(AppointmentCancelled(actor, appointment, appointment.branch))
    return appointment


def _lapses_at(appointment: Appointment, grace_minutes: int) -> datetime:
    return appointment.starts_at + timedelta(minutes=grace_minutes)


def arrive(actor, appointment: Appointment, now: datetime) -> Job:
    """The customer is here: the booking becomes a job, once however often this is asked."""
    ensure(actor, "desk.work", appointment)
    if appointment.status == AppointmentStatus.ARRIVED and appointment.job is not None:
        return appointment.job
    _ensure_expected(appointment)
    grace = settings_of(appointment.branch_id).no_show_minutes
    if now > _lapses_at(appointment, grace):
        _mark_no_show(appointment.id, now)
        db.session.refresh(appointment)
        raise Conflict(_("The booking lapsed %(n)d minutes after its time. Book the customer again.", n=grace))
    claimed = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status.in_(_EXPECTED))
        .values(status=AppointmentStatus.ARRIVED, arrived_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # a twin request got here first: answer with its job
        db.session.refresh(appointment)
        if appointment.status == AppointmentStatus.ARRIVED and appointment.job is not None:
            return appointment.job
        _ensure_expected(appointment)
    db.session.refresh(appointment)
    job = jobs.create_job(
        actor,
        appointment.customer,
        jobs.JobData(
            site_id=appointment.site_id,
            source=JobSource.APPOINTMENT,
            priority=Priority.NORMAL,
            fault_description=f"{ServiceType(appointment.service_type).label}: {appointment.note or '—'}",
            due_at=max(now, appointment.slot.ends_at),
            assigned_to_id=_still_serving(appointment),
        ),
    )
    appointment.job_id = job.id
    db.session.flush()
    events.publish(AppointmentArrived(actor, appointment, appointment.branch, job))
    return job


def _still_serving(appointment: Appointment) -> int | None:
    """The booking's technician, if still one of the branch's: the arrival's job is dispatched to them."""
    if appointment.technician_id is None:
        return None
    serving = {technician.id for technician in technician_choices(appointment.branch_id)}
    return appointment.technician_id if appointment.technician_id in serving else None


# No-shows


def _mark_no_show(appointment_id: int, now: datetime) -> bool:
    marked = db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status.in_(_EXPECTED))
        .values(status=AppointmentStatus.NO_SHOW, no_show_at=now)
        .execution_options(synchronize_session=False)
    )
    return marked.rowcount == 1


def mark_no_shows(now: datetime, branch_id: int | None = None) -> int:
    """Every booking not arrived its branch's no_show_minutes after its time becomes a no-show (once)."""
    grace_of: dict[int, int] = {}
    statement = select(Appointment.id, Appointment.branch_id, Appointment.starts_at).where(
        Appointment.status.in_(_EXPECTED), Appointment.starts_at < now
    )
    if branch_id is not None:
        statement = statement.where(Appointment.branch_id == branch_id)
    marked = 0
    for appointment_id, appointment_branch, starts_at in db.session.execute(statement).all():
        if appointment_branch not in grace_of:
            grace_of[appointment_branch] = settings_of(appointment_branch).no_show_minutes
        if now <= starts_at + timedelta(minutes=grace_of[appointment_branch]):
            continue
        if _mark_no_show(appointment_id, now):
            appointment = db.session.get(Appointment, appointment_id, populate_existing=True)
            events.publish(AppointmentNoShow(appointment, appointment.branch, appointment.booked_by))
            marked += 1
    db.session.flush()
    return marked


def next_lapse_at(now: datetime) -> datetime | None:
    """The next instant a booking still expected lapses (when a scheduler should mark no-shows next)."""
    upcoming = db.session.execute(
        select(Appointment.branch_id, func.min(Appointment.starts_at))
        .where(Appointment.status.in_(_EXPECTED), Appointment.starts_at >= now - timedelta(days=1))
        .group_by(Appointment.branch_id)
    ).all()
    lapses = [
        starts_at + timedelta(minutes=settings_of(branch_id).no_show_minutes, seconds=1)
        for branch_id, starts_at in upcoming
    ]
    return min(lapses) if lapses else None


# The day's board


def board_state(appointment: "Appointment | AppointmentLine", now: datetime, grace_minutes: int) -> str:
    """How the board shows it, computed from `now`: expected, confirmed, late, arrived, no_show or cancelled.

    A booking past its grace shows as a no-show even before the clock's command has marked it.
    """
    expected = appointment.status in EXPECTED  # Appointment.is_expected, for a desk line too
    if expected and now > _lapses_at(appointment, grace_minutes):
        return AppointmentStatus.NO_SHOW
    if expected and now > appointment.starts_at:
        return "late"
    if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.UNREACHABLE):
        return "expected"
    return appointment.status


def board(actor, branch_id: int, day: date) -> list[Appointment]:
    """The day's bookings at the branch by time (no-shows are marked by the caller first)."""
    ensure(actor, "desk.work")
    start, end = day_bounds(day)
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                scoping.visible(actor, Appointment),
                Appointment.branch_id == branch_id,
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
            )
            .options(joinedload(Appointment.customer).lazyload(Customer.branch), joinedload(Appointment.job))
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


class AppointmentLine(NamedTuple):
    """A line of the desk's board: the columns it shows (and board_state() reads)."""

    id: int
    starts_at: datetime
    contact_name: str
    service_type: str
    status: str
    customer: str  # the customer's name


def desk_board_statement(actor, branch_id: int, limit: int):
    """The desk's board: the day's next `limit` bookings not yet checked in (the late first), the columns
    of AppointmentLine, in no order (the desk reads it with its other lists, and desk_lists sorts); the
    day's bounds are bound as `start` and `end` when it runs."""
    ensure(actor, "desk.work")

    def build():
        # The bookings first, then the customers' names of only those shown.
        upcoming = (
            select(*(getattr(Appointment, name) for name in AppointmentLine._fields[:-1]), Appointment.customer_id)
            .where(
                scoping.visible(actor, Appointment),
                Appointment.branch_id == branch_id,
                Appointment.starts_at >= bindparam("start"),
                Appointment.starts_at < bindparam("end"),
                one_of(Appointment.status, _EXPECTED),
            )
            .order_by(Appointment.starts_at, Appointment.id)
            .limit(limit)
            .subquery()
        )
        return select(*(upcoming.c[name] for name in AppointmentLine._fields[:-1]), Customer.name).join(
            Customer, Customer.id == upcoming.c.customer_id
        )

    return prepared(("desk_board", actor.id, actor.role, actor.branch_id, branch_id, limit), build)


def day_counts_statement(actor, branch_id: int):
    """The day's bookings at the branch counted by status: rows of (status, count); the day's bounds are
    bound as `start` and `end` (the desk shows a dozen rows of a day that may hold a hundred)."""
    ensure(actor, "desk.work")
    return prepared(
        ("day_counts", actor.id, actor.role, actor.branch_id, branch_id),
        lambda: (
            select(Appointment.status, func.count())
            .where(
                scoping.visible(actor, Appointment),
                Appointment.branch_id == branch_id,
                Appointment.starts_at >= bindparam("start"),
                Appointment.starts_at < bindparam("end"),
            )
            .group_by(Appointment.status)
        ),
    )


# The register


@dataclass
class AppointmentFilters:
    branch_id: int | None = None  # an administrator's choice; the others see their branch's
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    status: str | None = None
    service_type: str | None = None


def list_appointments(actor, filters: AppointmentFilters):
    """The bookings in the actor's reach, filtered, by time: the register behind the statistics."""
    ensure(actor, "desk.work")
    statement = (
        select(Appointment)
        .where(scoping.visible(actor, Appointment))
        .options(
            joinedload(Appointment.customer).lazyload(Customer.branch),
            joinedload(Appointment.technician).lazyload(User.branch),
        )
    )
    if filters.branch_id:
        statement = statement.where(Appointment.branch_id == filters.branch_id)
    if filters.starts_from:
        statement = statement.where(Appointment.starts_at >= filters.starts_from)
    if filters.starts_before:
        statement = statement.where(Appointment.starts_at < filters.starts_before)
    if filters.status:
        statement = statement.where(Appointment.status == filters.status)
    if filters.service_type:
        statement = statement.where(Appointment.service_type == filters.service_type)
    return statement.order_by(Appointment.starts_at.desc(), Appointment.id.desc())


def appointments_of_job(actor, job: Job) -> list[Appointment]:
    return list(
        db.session.scalars(select(Appointment).where(Appointment.job_id == job.id, scoping.visible(actor, Appointment)))
    )
