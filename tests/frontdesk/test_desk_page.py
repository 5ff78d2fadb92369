"""The desk page's lists (complaints, visitors in the building, callbacks due, the day's calls, the day's
appointments and their counts): read together for the whole page, each alone when its part refreshes,
and the same either way."""

import gc
import re
from datetime import timedelta

import pytest
from jinja2.runtime import Context
from sqlalchemy import select

from intranet import clock
from intranet.access.roles import Role
from intranet.db_types import utcnow
from intranet.frontdesk import complaints, visitors
from intranet.frontdesk.models import Appointment, AppointmentSlot, PhoneCall, Visitor
from tests.conftest import page_text
from tests.frontdesk.conftest import at

PARTS = ("desk-complaints", "desk-visitors", "desk-callbacks", "desk-call-list")


def names_in(html: str, part: str) -> list[str]:
    """The names a part lists, top to bottom."""
    section = re.search(rf'<(section|div) id="{part}".*?</\1>', html, re.S).group(0)
    return re.findall(r"«([^»]+)»", section)


@pytest.fixture
def busy_desk(db_session, receptionist, manager, make_branch, make_user, make_customer, make_site, make_job):
    now = utcnow()
    elsewhere = make_branch()
    colleague = make_user(branch=elsewhere)

    def visitor(name, minutes_ago, branch_id=receptionist.branch_id, host=manager, out=False):
        signed_in = now - timedelta(minutes=minutes_ago)
        db_session.add(
            Visitor(
                branch_id=branch_id,
                name=f"«{name}»",
                purpose="meeting",
                host_id=host.id,
                id_kind="passport",
                id_last4="1234",
                signed_in_at=signed_in,
                signed_in_by_id=host.id,
                signed_out_at=signed_in + timedelta(minutes=5) if out else None,
            )
        )

    def call(name, minutes_ago, branch_id=receptionist.branch_id, taker=receptionist):
        db_session.add(
            PhoneCall(
                branch_id=branch_id,
                taken_by_id=taker.id,
                at=now - timedelta(minutes=minutes_ago),
                caller_name=f"«{name}»",
                number="13800000000",
                topic="enquiry",
                outcome="answered",
            )
        )

    def callback(name, hours_ago, **values):
        site = make_site(customer=make_customer(name=f"«{name}»", **values))
        make_job(
            site=site, status="done", done_at=now - timedelta(days=2), callback_due_at=now - timedelta(hours=hours_ago)
        )

    visitor("Visitor who came second", 30)
    visitor("Visitor who came first", 90)
    visitor("Visitor who left", 60, out=True)
    visitor("Visitor elsewhere", 10, branch_id=elsewhere.id, host=colleague)
    call("Earlier caller", 3)  # minutes ago: still today wherever the test runs near midnight
    call("Latest caller", 1)
    call("Caller elsewhere", 2, branch_id=elsewhere.id, taker=colleague)
    callback("Callback due later", 1)
    callback("Callback due first", 5)
    callback("Callback elsewhere", 3, branch=elsewhere)
    db_session.commit()


def test_the_short_lists_are_in_order_and_of_the_desks_branch_only(client, receptionist, busy_desk):
    client.login(receptionist)
    page = client.get("/desk").get_data(as_text=True)
    assert names_in(page, "desk-visitors") == ["Visitor who came first", "Visitor who came second"]
    assert names_in(page, "desk-call-list") == ["Latest caller", "Earlier caller"]
    assert names_in(page, "desk-callbacks") == ["Callback due first", "Callback due later"]


def test_the_page_leaves_nothing_for_the_garbage_collector(client, receptionist, busy_desk):
    """Its templates' contexts (and the rows they hold) are freed when the page is sent, not by a collection."""
    client.login(receptionist)
    client.get("/desk")
    gc.collect()
    gc.disable()
    try:
        contexts_before = sum(isinstance(o, Context) for o in gc.get_objects())
        assert "Visitor who came first" in client.get("/desk").get_data(as_text=True)
        assert sum(isinstance(o, Context) for o in gc.get_objects()) == contexts_before
    finally:
        gc.enable()


def test_a_part_refreshed_alone_lists_what_the_whole_page_lists(client, receptionist, busy_desk):
    client.login(receptionist)
    page = client.get("/desk").get_data(as_text=True)
    for part in PARTS:
        alone = client.htmx_get("/desk", part).get_data(as_text=True)
        assert names_in(alone, part) == names_in(page, part)


def test_a_part_kept_for_its_rows_moves_with_the_clock_and_with_its_rows(
    client, db_session, monkeypatch, receptionist, customer, busy_desk
):
    """The markup of a part is kept for the rows it shows (templating.rendered_part): the same rows at a
    later time, or one row fewer, are another part."""
    complaint = complaints.receive_complaint(
        receptionist,
        complaints.ComplaintData(
            channel="hotline",
            category="repair_quality",
            severity="serious",
            description="«kept»",
            customer_id=customer.id,
        ),
        utcnow(),
    )
    db_session.commit()
    client.login(receptionist)

    def complaint_line(moment) -> str:
        monkeypatch.setattr(clock, "now", lambda: moment)
        page = page_text(client.get("/desk", headers={"Accept-Language": "en"}))
        return next(line for line in page.splitlines() if complaint.reference in line)

    assert "Due soon" not in complaint_line(complaint.warn_at - timedelta(minutes=1))
    assert "Due soon" in complaint_line(complaint.warn_at + timedelta(minutes=1))
    assert "Overdue" in complaint_line(complaint.answer_due_at + timedelta(minutes=1))
    assert "Due soon" not in complaint_line(complaint.warn_at - timedelta(minutes=1))

    monkeypatch.setattr(clock, "now", utcnow)
    visitor = db_session.scalar(select(Visitor).where(Visitor.name == "«Visitor who came first»"))
    assert names_in(client.get("/desk").get_data(as_text=True), "desk-visitors") == [
        "Visitor who came first",
        "Visitor who came second",
    ]
    visitors.sign_out(receptionist, visitor, utcnow())
    db_session.commit()
    assert names_in(client.get("/desk").get_data(as_text=True), "desk-visitors") == ["Visitor who came second"]


def test_two_receptionists_shown_the_same_rows_each_get_their_own_sessions_token(
    app, db_session, receptionist, make_user, busy_desk
):
    """The kept markup of a part is shared; the token its forms carry is each page's own session's."""
    colleague = make_user(Role.RECEPTIONIST, login="desk.colleague")
    first, second = app.test_client(), app.test_client()
    first.login(receptionist)
    second.login(colleague)
    pages = [client.get("/desk").get_data(as_text=True) for client in (first, second)]
    sign_out = r'action="(/visitors/\d+/sign-out)"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
    (action, first_token), (_action, second_token) = (re.search(sign_out, page).groups() for page in pages)
    assert first_token != second_token
    assert first.post(action, data={"csrf_token": second_token, "back": "desk"}).status_code == 400
    assert second.post(action, data={"csrf_token": second_token, "back": "desk"}).status_code == 303
    assert "Visitor who came first" not in first.get("/desk").get_data(as_text=True)


@pytest.fixture
def booked_day(db_session, monkeypatch, receptionist, make_branch, customer):
    """Wednesday 25 November at 10:00 at the desk, with the day's bookings in every state."""
    monkeypatch.setattr(clock, "now", lambda: at(2026, 11, 25, 10))
    elsewhere = make_branch()

    def booking(name, hour, minute=0, status="booked", day=25, branch_id=receptionist.branch_id):
        starts_at = at(2026, 11, day, hour, minute)
        slot = AppointmentSlot(
            branch_id=branch_id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=2
        )
        db_session.add(slot)
        db_session.flush()
        db_session.add(
            Appointment(
                branch_id=branch_id,
                slot_id=slot.id,
                starts_at=starts_at,
                customer_id=customer.id,
                site_id=customer.sites[0].id,
                service_type="repair",
                contact_name=f"«{name}»",
                status=status,
                booked_by_id=receptionist.id,
                booked_at=starts_at - timedelta(days=3),
            )
        )

    booking("Unreachable at eleven", 11, status="unreachable")
    booking("Confirmed at half past ten", 10, 30, status="confirmed")
    booking("Late by ten minutes", 9, 50)
    booking("Arrived at nine", 9, status="arrived")
    booking("No-show at eight", 8, status="no_show")
    booking("Cancelled", 10, 45, status="cancelled")
    booking("Tomorrow", 10, day=26)
    booking("Elsewhere", 10, 15, branch_id=elsewhere.id)
    for n in range(1, 12):
        booking(f"Afternoon {n:02d}", 13, n * 4)
    db_session.commit()


def counts_in(html: str) -> list[int]:
    """The board's counts: still expected, checked in, no-shows."""
    line = re.search(r'<p class="muted desk-counts">(.*?)</p>', html, re.S).group(1)
    return [int(number) for number in re.findall(r"\d+", line)]


def test_the_board_lists_the_next_twelve_expected_and_counts_the_whole_day(client, receptionist, booked_day):
    client.login(receptionist)
    page = client.get("/desk").get_data(as_text=True)
    assert names_in(page, "desk-appointments") == [
        "Late by ten minutes",
        "Confirmed at half past ten",
        "Unreachable at eleven",
        *(f"Afternoon {n:02d}" for n in range(1, 10)),
    ]
    assert counts_in(page) == [14, 1, 1]
    alone = client.htmx_get("/desk", "desk-appointments").get_data(as_text=True)
    assert names_in(alone, "desk-appointments") == names_in(page, "desk-appointments")
    assert counts_in(alone) == [14, 1, 1]
