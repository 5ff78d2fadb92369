"""Meeting rooms booked at the desk: at least a day ahead, never two bookings of one room at once."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk.branch_calendar import local_day, zone
from intranet.frontdesk.models import MeetingRoom, RoomBooking
from intranet.templating import format_moment


@dataclass
class RoomBookingData:
    room_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    booked_for: str = ""


def rooms_of(branch_id: int) -> list[MeetingRoom]:
    return list(
        db.session.scalars(
            select(MeetingRoom)
            .where(MeetingRoom.branch_id == branch_id, MeetingRoom.active.is_(True))
            .order_by(MeetingRoom.name)
        )
    )


def add_room(actor, branch: Branch, name: str, seats: int) -> MeetingRoom:
    ensure(actor, "desk.manage", branch)
    if not name.strip() or not 1 <= seats <= 500:
        raise Invalid(_("Give the room a name and a number of seats (1 to 500)."))
    room = MeetingRoom(branch_id=branch.id, name=name.strip(), seats=seats)
    db.session.add(room)
    db.session.flush()
    return room


def book_room(actor, data: RoomBookingData, now: datetime) -> RoomBooking:
    """Refused for today or earlier (a day's notice is the rule) and when the room is taken meanwhile."""
    ensure(actor, "desk.work")
    if not data.title.strip():
        raise Invalid(_("Say what the room is booked for."))
    if data.ends_at <= data.starts_at:
        raise Invalid(_("A booking ends after it starts."))
    if data.ends_at - data.starts_at > timedelta(hours=12):
        raise Invalid(_("A room is booked for at most 12 hours at a time."))
    if local_day(data.starts_at) <= local_day(now):
        raise Invalid(_("Meeting rooms are booked at least a day ahead: the earliest is tomorrow."))
    # The room's row is locked (PostgreSQL) while overlaps are checked, so two desks cannot both book it;
    # on SQLite a writing request holds the database anyway.
    room = db.session.scalar(
        select(MeetingRoom)
        .where(MeetingRoom.id == data.room_id, scoping.visible(actor, MeetingRoom), MeetingRoom.active.is_(True))
        .with_for_update()
    )
    if room is None:
        raise Invalid(_("Choose one of the branch's rooms."))
    clash = db.session.scalar(
        select(RoomBooking).where(
            RoomBooking.room_id == room.id,
            RoomBooking.cancelled_at.is_(None),
            RoomBooking.starts_at < data.ends_at,
            RoomBooking.ends_at > data.starts_at,
        )
    )
    if clash is not None:
        raise Conflict(
            _(
                "%(room)s is booked from %(start)s to %(end)s (%(title)s). Choose another time or room.",
                room=room.name,
                start=format_moment(clash.starts_at),
                end=format_moment(clash.ends_at),
                title=clash.title,
            )
        )
    booking = RoomBooking(
        room_id=room.id,
        branch_id=room.branch_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        title=data.title.strip(),
        booked_for=data.booked_for.strip(),
        booked_by_id=actor.id,
        booked_at=now,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def get_booking(actor, booking_id: int) -> RoomBooking:
    return scoping.get(actor, RoomBooking, booking_id, "desk.work")


def cancel_booking(actor, booking: RoomBooking, now: datetime) -> RoomBooking:
    ensure(actor, "desk.work", booking)
    if booking.cancelled_at is not None:
        raise Conflict(_("This booking was already cancelled."))
    booking.cancelled_at = now
    db.session.flush()
    return booking


def bookings_from(actor, branch_id: int, day: date, days: int = 14) -> list[RoomBooking]:
    start = datetime.combine(day, time(0), tzinfo=zone())
    return list(
        db.session.scalars(
            select(RoomBooking)
            .where(
                scoping.visible(actor, RoomBooking),
                RoomBooking.branch_id == branch_id,
                RoomBooking.cancelled_at.is_(None),
                RoomBooking.starts_at >= start,
                RoomBooking.starts_at < start + timedelta(days=days),
            )
            .order_by(RoomBooking.starts_at)
        )
    )
