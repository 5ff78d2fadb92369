"""Appointments: booking ahead, capacity, confirming, no-shows by the clock, arrival making one job, slots."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.frontdesk import appointments
from intranet.frontdesk.events import AppointmentArrived, AppointmentNoShow
from intranet.frontdesk.models import Appointment, AppointmentSlot
from intranet.jobs.models import Job
from tests.conftest import page_text
from tests.frontdesk.conftest import at

NOW = at(2026, 11, 23, 9)  # a Monday


@pytest.fixture
def make_slot(db_session, branch):
    def make(starts_at, capacity=2):
        slot = AppointmentSlot(
            branch_id=branch.id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=capacity
        )
        db_session.add(slot)
        db_session.commit()
        return slot

    return make


def _booking(slot, customer, **values) -> appointments.BookingData:
    return appointments.BookingData(slot_id=slot.id, service_type="repair", customer_id=customer.id, **values)


def test_a_booking_47_hours_ahead_is_refused_48_hours_accepted(db_session, receptionist, customer, make_slot):
    too_soon = make_slot(NOW + timedelta(hours=47))
    in_time = make_slot(NOW + timedelta(hours=48))
    with pytest.raises(Invalid) as refused:
        appointments.book(receptionist, _booking(too_soon, customer), NOW)
    assert "at least 48 hours ahead" in refused.value.message
    assert "the earliest that can be booked now is" in refused.value.message
    appointment = appointments.book(receptionist, _booking(in_time, customer), NOW)
    assert (appointment.status, appointment.starts_at, appointment.site_id) == (
        "booked",
        in_time.starts_at,
        customer.sites[0].id,
    )
    assert db_session.get(AppointmentSlot, too_soon.id).booked == 0


def test_a_full_slot_is_refused(db_session, receptionist, customer, make_customer, make_site, make_slot):
    slot = make_slot(NOW + timedelta(days=3), capacity=1)
    appointments.book(receptionist, _booking(slot, customer), NOW)
    other = make_site(customer=make_customer(name="第二位客户")).customer
    with pytest.raises(Conflict) as refused:
        appointments.book(receptionist, _booking(slot, other), NOW)
    assert "is full" in refused.value.message
    assert db_session.scalar(select(func.count(Appointment.id))) == 1
    assert db_session.get(AppointmentSlot, slot.id).booked == 1


def test_a_booking_16_minutes_late_becomes_a_no_show(db_session, receptionist, customer, make_slot, published):
    slot = make_slot(NOW + timedelta(days=3))
    appointment = appointments.book(receptionist, _booking(slot, customer), NOW)
    start = slot.starts_at
    assert appointments.mark_no_shows(start + timedelta(minutes=14)) == 0
    assert appointments.board_state(appointment, start + timedelta(minutes=14), 15) == "late"
    assert appointments.mark_no_shows(start + timedelta(minutes=16)) == 1
    assert appointments.mark_no_shows(start + timedelta(minutes=17)) == 0  # run twice: marked once
    db_session.refresh(appointment)
    assert appointment.status == "no_show"
    assert [type(e) for e in published].count(AppointmentNoShow) == 1
    with pytest.raises(Conflict):
        appointments.arrive(receptionist, appointment, start + timedelta(minutes=20))


def test_the_board_shows_a_lapsed_booking_as_a_no_show_before_the_clock_marks_it(
    db_session, receptionist, customer, make_slot
):
    slot = make_slot(NOW + timedelta(days=3))
    appointment = appointments.book(receptionist, _booking(slot, customer), NOW)
    assert appointments.board_state(appointment, slot.starts_at + timedelta(minutes=16), 15) == "no_show"
    assert appointments.board_state(appointment, slot.starts_at - timedelta(minutes=1), 15) == "expected"


def test_arrival_makes_one_job_even_when_clicked_twice(
    client, db_session, receptionist, customer, make_slot, published
):
    slot = make_slot(NOW + timedelta(days=3))
    appointment = appointments.book(receptionist, _booking(slot, customer, note="热水器漏水"), NOW)
    db_session.commit()
    client.login(receptionist)
    # The route goes by the real clock: the customer arrives a few minutes early for today's booking.
    slot.ends_at = utcnow() + timedelta(minutes=35)
    appointment.starts_at = slot.starts_at = utcnow() + timedelta(minutes=5)
    db_session.commit()
    first = client.post_form(f"/appointments/{appointment.id}/arrive")
    second = client.post_form(f"/appointments/{appointment.id}/arrive")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    jobs = db_session.scalars(select(Job)).all()
    assert len(jobs) == 1 and jobs[0].source == "appointment" and jobs[0].customer_id == customer.id
    db_session.refresh(appointment)
    assert (appointment.status, appointment.job_id) == ("arrived", jobs[0].id)
    assert [type(e) for e in published].count(AppointmentArrived) == 1
    assert f"From appointment {appointment.reference}" in page_text(
        client.get(first.headers["Location"], headers={"Accept-Language": "en"})
    )


def test_confirming_and_cancelling(db_session, receptionist, customer, make_slot, published):
    slot = make_slot(NOW + timedelta(days=3), capacity=1)
    appointment = appointments.book(receptionist, _booking(slot, customer), NOW)
    appointments.confirm(receptionist, appointment, False, NOW + timedelta(days=1))
    assert appointment.status == "unreachable" and appointment.is_expected
    appointments.confirm(receptionist, appointment, True, NOW + timedelta(days=1, hours=2))
    assert appointment.status == "confirmed"
    appointments.cancel(receptionist, appointment, NOW + timedelta(days=2))
    assert db_session.get(AppointmentSlot, slot.id).booked == 0  # the place is free again
    with pytest.raises(Conflict):
        appointments.confirm(receptionist, appointment, True, NOW + timedelta(days=2))


def test_slots_follow_the_opening_hours_and_opening_a_day_twice_adds_nothing(db_session, manager, branch):
    plan = appointments.SlotPlan(date(2026, 11, 24), time(11), time(14), 30, 3)
    made = appointments.open_slots(manager, branch, plan, NOW)
    # 11:00-12:00 gives two; the lunch break none; 13:00-14:00 two more.
    assert [appointments_start(slot) for slot in made] == ["11:00", "11:30", "13:00", "13:30"]
    assert appointments.open_slots(manager, branch, plan, NOW) == []
    with pytest.raises(Invalid):
        appointments.open_slots(
            manager, branch, appointments.SlotPlan(date(2026, 11, 28), time(9), time(12), 30, 2), NOW
        )


def appointments_start(slot) -> str:
    return slot.starts_at.astimezone(at(2026, 1, 1, 0).tzinfo).strftime("%H:%M")


def test_the_booking_form_says_why_it_refuses(client, db_session, receptionist, customer, make_slot):
    slot = make_slot(utcnow() + timedelta(hours=47))
    client.login(receptionist)
    response = client.post_form(
        "/appointments/new",
        {"slot_id": slot.id, "service_type": "repair", "customer_id": customer.id},
        headers={"Accept-Language": "en"},
    )
    # A slot within 48 hours is not even offered: the form says the choice is not valid.
    assert response.status_code == 422
    assert db_session.scalar(select(func.count(Appointment.id))) == 0


def test_two_desks_checking_in_the_same_customer_at_once_make_one_job(
    app, db_session, receptionist, customer, make_slot
):
    import threading

    slot = make_slot(NOW + timedelta(days=3))
    appointment = appointments.book(receptionist, _booking(slot, customer), NOW)
    slot.ends_at = utcnow() + timedelta(minutes=35)
    appointment.starts_at = slot.starts_at = utcnow() + timedelta(minutes=5)
    db_session.commit()
    desks = [app.test_client() for _ in range(2)]
    for desk in desks:
        desk.login(receptionist)
    start = threading.Barrier(2)
    answers = []
    url = f"/appointments/{appointment.id}/arrive"

    def check_in(desk):
        start.wait()
        answers.append(desk.post_form(url))

    threads = [threading.Thread(target=check_in, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db_session.rollback()  # read what the two requests committed, not an older snapshot
    assert [answer.status_code for answer in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert db_session.scalar(select(func.count(Job.id))) == 1


def test_two_desks_booking_the_last_place_at_once_get_it_once(
    app, db_session, receptionist, customer, make_slot, make_customer, make_site
):
    import threading

    slot = make_slot(utcnow() + timedelta(days=3), capacity=1)
    other = make_site(customer=make_customer(name="第二位客户")).customer
    desks = [app.test_client() for _ in range(2)]
    for desk in desks:
        desk.login(receptionist)
    start = threading.Barrier(2)
    answers = []
    forms = [{"slot_id": slot.id, "service_type": "repair", "customer_id": who.id} for who in (customer, other)]

    def book(desk, form):
        start.wait()
        answers.append(desk.post_form("/appointments/new", form))

    threads = [threading.Thread(target=book, args=pair) for pair in zip(desks, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db_session.rollback()
    # The loser is refused: by the slot's conditional UPDATE (409), or, when the winner committed before
    # its form was read, by the slot no longer being offered (422).
    first, second = sorted(answer.status_code for answer in answers)
    assert first == 303 and second in (409, 422)
    assert db_session.scalar(select(func.count(Appointment.id))) == 1
    db_session.refresh(slot)
    assert slot.booked == 1
