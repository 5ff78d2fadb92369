"""The month's figures against a fixed data set worked out by hand."""

from datetime import date, timedelta

from intranet.frontdesk import statistics
from intranet.frontdesk.models import Appointment, AppointmentSlot, Complaint
from tests.conftest import page_text
from tests.frontdesk.conftest import at

# category, received, due, first answered (None: not yet)
NOVEMBER_COMPLAINTS = [
    ("repair_quality", at(2026, 11, 2, 9), at(2026, 11, 3, 9), at(2026, 11, 2, 15)),  # on time, 6 h
    ("repair_quality", at(2026, 11, 5, 10), at(2026, 11, 6, 10), at(2026, 11, 6, 12)),  # late, 26 h
    ("repair_quality", at(2026, 11, 9, 9), at(2026, 11, 10, 9), None),  # unanswered, past due: late
    ("attitude", at(2026, 11, 12, 14), at(2026, 11, 13, 14), at(2026, 11, 12, 18)),  # on time, 4 h
    ("delay", at(2026, 11, 20, 9), at(2026, 11, 21, 9), at(2026, 11, 20, 11)),  # on time, 2 h
    ("delay", at(2026, 11, 30, 16), at(2026, 12, 1, 16), None),  # not due yet on 1 Dec 09:00: pending
]
OCTOBER_COMPLAINT = ("charges", at(2026, 10, 30, 9), at(2026, 10, 31, 9), at(2026, 10, 30, 10))
AS_OF = at(2026, 12, 1, 9)

# service, status, day of November
NOVEMBER_BOOKINGS = [
    ("repair", "arrived", 3),
    ("repair", "arrived", 4),
    ("repair", "no_show", 5),
    ("repair", "cancelled", 6),
    ("maintenance", "arrived", 10),
    ("maintenance", "no_show", 11),
    ("maintenance", "no_show", 12),
    ("safety_check", "booked", 30),
]


def _load(db_session, branch, customer, receptionist):
    for category, received, due, answered in [*NOVEMBER_COMPLAINTS, OCTOBER_COMPLAINT]:
        db_session.add(
            Complaint(
                branch_id=branch.id,
                customer_id=customer.id,
                channel="hotline" if category != "attitude" else "walk_in",
                category=category,
                severity="minor",
                description="统计用",
                status="answered" if answered else "open",
                owner_id=receptionist.id,
                received_at=received,
                answer_due_at=due,
                warn_at=due,
                first_due_at=due,
                answered_at=answered,
                first_answered_at=answered,
            )
        )
    for service, status, day in NOVEMBER_BOOKINGS:
        starts_at = at(2026, 11, day, 10)
        slot = AppointmentSlot(
            branch_id=branch.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), capacity=1
        )
        db_session.add(slot)
        db_session.flush()
        db_session.add(
            Appointment(
                branch_id=branch.id,
                slot_id=slot.id,
                starts_at=starts_at,
                customer_id=customer.id,
                site_id=customer.sites[0].id,
                service_type=service,
                status=status,
                booked_by_id=receptionist.id,
                booked_at=starts_at - timedelta(days=3),
            )
        )
    db_session.commit()


def test_figures_of_the_month_match_the_hand_count(db_session, branch, customer, receptionist, manager):
    _load(db_session, branch, customer, receptionist)
    figures = statistics.complaint_figures(manager, *statistics.month_bounds(date(2026, 11, 1)), AS_OF)
    assert figures.received == 6  # the October complaint is not November's
    assert dict(figures.by_category) == {"repair_quality": 3, "attitude": 1, "delay": 2}
    assert dict(figures.by_channel) == {"hotline": 5, "walk_in": 1}
    # Known outcomes: 3 on time, 2 late (one answered late, one unanswered past its promise); 1 pending.
    assert (figures.on_time, figures.late, figures.pending) == (3, 2, 1)
    assert figures.on_time_rate == 3 / 5
    assert figures.average_hours_to_answer == (6 + 26 + 4 + 2) / 4  # 9.5 hours

    bookings = statistics.appointment_figures(manager, *statistics.month_bounds(date(2026, 11, 1)))
    assert (bookings.total.booked, bookings.total.arrived, bookings.total.no_show) == (8, 3, 3)
    assert bookings.total.no_show_rate == 3 / 6  # over the bookings whose outcome is known
    assert bookings.by_service["repair"].no_show_rate == 1 / 3
    assert bookings.by_service["maintenance"].no_show_rate == 2 / 3
    assert bookings.by_service["safety_check"].no_show_rate is None


def test_the_statistics_page_shows_them(
    app, client, db_session, branch, customer, receptionist, manager, tmp_path, monkeypatch
):
    _load(db_session, branch, customer, receptionist)
    clock_file = tmp_path / "clock"
    clock_file.write_text(AS_OF.isoformat())
    monkeypatch.setitem(app.config, "TEST_CLOCK_FILE", str(clock_file))  # the page's "now" is 1 December 09:00
    client.login(manager)
    text = page_text(client.get("/desk/statistics?month=2026-11", headers={"Accept-Language": "en"}))
    assert "Received 6" in text
    assert "Answered on time 60.0 %" in text
    assert "Average time to answer 9.5 hours" in text
    assert "No-show rate 50.0 %" in text
    assert client.get("/desk/statistics?month=2026-13").status_code == 422
