"""Visitors: only an ID's last 4 characters are kept, nobody is signed out twice; rooms a day ahead, no overlaps."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select, text

from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk import rooms, visitors
from intranet.frontdesk.models import MeetingRoom, Visitor
from tests.conftest import page_text
from tests.frontdesk.conftest import at

FULL_ID = "11010519900307123X"


def _every_stored_value() -> str:
    """Every value of every row of every table, as text."""
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
            values.extend(str(value) for value in row)
    return "\n".join(values)


def test_an_id_number_is_never_stored_beyond_its_last_4_characters(client, db_session, receptionist, manager):
    client.login(receptionist)
    response = client.post_form(
        "/visitors/new",
        {
            "name": "赵立峰",
            "company": "格力空调北京服务中心",
            "purpose": "送修配件",
            "host_id": manager.id,
            "id_kind": "resident_id",
            "id_number": FULL_ID,
            "badge": "访客 01",
        },
    )
    assert response.status_code == 303
    visitor = db_session.scalar(select(Visitor))
    assert visitor.id_last4 == "123X"
    stored = _every_stored_value()
    assert FULL_ID not in stored and FULL_ID[:14] not in stored and "19900307" not in stored
    # A refused form does not send the number back to the browser either.
    refused = client.post_form(
        "/visitors/new",
        {"name": "", "purpose": "x", "host_id": manager.id, "id_kind": "resident_id", "id_number": FULL_ID},
    )
    assert refused.status_code == 422 and FULL_ID not in refused.get_data(as_text=True)


def test_a_visitor_signed_out_twice_is_refused(client, db_session, receptionist, manager):
    visitor = visitors.sign_in(
        receptionist,
        visitors.VisitorData(
            name="钱晓梅", purpose="面试", host_id=manager.id, id_kind="resident_id", id_number="0417"
        ),
        at(2026, 11, 23, 9),
    )
    db_session.commit()
    client.login(receptionist)
    assert client.post_form(f"/visitors/{visitor.id}/sign-out").status_code == 303
    again = client.post_form(f"/visitors/{visitor.id}/sign-out", headers={"Accept-Language": "en"})
    assert again.status_code == 409
    assert "was already signed out" in page_text(again)
    db_session.refresh(visitor)
    first_time = visitor.signed_out_at
    with pytest.raises(Conflict):
        visitors.sign_out(manager, visitor, at(2026, 11, 23, 18))
    assert visitor.signed_out_at == first_time


def test_who_is_in_the_building_and_what_an_id_must_look_like(db_session, receptionist, manager):
    def sign_in(name, number):
        data = visitors.VisitorData(name=name, purpose="来访", host_id=manager.id, id_kind="passport", id_number=number)
        return visitors.sign_in(receptionist, data, at(2026, 11, 23, 9))

    inside = sign_in("甲", "E1234-5678")
    gone = sign_in("乙", "G99887766")
    visitors.sign_out(receptionist, gone, at(2026, 11, 23, 10))
    assert inside.id_last4 == "5678"
    assert visitors.in_building(receptionist, receptionist.branch_id) == [inside]
    with pytest.raises(Invalid):
        sign_in("丙", "12 3")


@pytest.fixture
def room(db_session, branch):
    room = MeetingRoom(branch_id=branch.id, name="一号会议室", seats=12)
    db_session.add(room)
    db_session.commit()
    return room


def _booking(room, day, start, end, title="例会") -> rooms.RoomBookingData:
    return rooms.RoomBookingData(
        room_id=room.id,
        starts_at=at(day.year, day.month, day.day, start.hour, start.minute),
        ends_at=at(day.year, day.month, day.day, end.hour, end.minute),
        title=title,
    )


def test_a_room_booking_for_today_is_refused_tomorrow_accepted_an_overlap_refused(db_session, receptionist, room):
    now = at(2026, 11, 23, 9)
    today, tomorrow = now.date(), now.date() + timedelta(days=1)
    with pytest.raises(Invalid) as refused:
        rooms.book_room(receptionist, _booking(room, today, time(15), time(16)), now)
    assert "at least a day ahead" in refused.value.message
    rooms.book_room(receptionist, _booking(room, tomorrow, time(9), time(10, 30), "季度分析会"), now)
    with pytest.raises(Conflict) as clash:
        rooms.book_room(receptionist, _booking(room, tomorrow, time(10), time(11)), now)
    assert "季度分析会" in clash.value.message
    rooms.book_room(receptionist, _booking(room, tomorrow, time(10, 30), time(11)), now)  # back to back is fine
