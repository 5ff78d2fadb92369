"""Routes of visitors and meeting rooms: who is in the building, signing in and out, booking a room."""

from datetime import datetime, timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock, exporting
from intranet.access.permissions import can, requires
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.frontdesk import blueprint, rooms, visitors
from intranet.frontdesk.branch_calendar import day_bounds, local_day
from intranet.frontdesk.closeout import closing_time
from intranet.frontdesk.exports import VISITORS
from intranet.frontdesk.forms import RoomBookingForm, RoomForm, VisitorForm
from intranet.frontdesk.views import branch_choices, branch_in_view, day_arg
from intranet.rendering import render
from intranet.timezones import local_to_utc
from intranet.unit_of_work import attempt


@blueprint.route("/visitors")
@requires("desk.work")
def visitor_log():
    now = clock.now()
    branch = branch_in_view()
    day = day_arg("day", local_day(now))
    closes_at = closing_time(branch.id, local_day(now)) if branch else None
    return render(
        "frontdesk/visitors.html",
        branch=branch,
        branches=branch_choices(),
        day=day,
        now=now,
        in_building=visitors.in_building(current_user, branch.id) if branch else [],
        log=visitors.visitors_between(current_user, branch.id, *day_bounds(day)) if branch else [],
        after_closing=closes_at is not None and now >= closes_at,
    )


@blueprint.route("/visitors/export.<any(csv, xlsx):file_format>")
@requires("desk.work")
def export_visitors(file_format: str):
    return exporting.download(VISITORS, current_user, request.args, file_format)


@blueprint.route("/visitors/new", methods=["GET", "POST"])
@requires("desk.work")
def new_visitor():
    if current_user.branch_id is None:
        raise Invalid(_("Visitors are signed in at a branch: sign in with an account of the branch."))
    form = VisitorForm(hosts=visitors.hosts(current_user.branch_id))
    if form.validate_on_submit():
        data = visitors.VisitorData(
            name=form.name.data,
            purpose=form.purpose.data,
            host_id=form.host_id.data,
            id_kind=form.id_kind.data,
            id_number=form.id_number.data,
            company=form.company.data or "",
            badge=form.badge.data or "",
        )
        visitor = attempt(form, lambda: visitors.sign_in(current_user, data, clock.now()))
        if visitor is not None:
            flash(_("%(name)s is signed in to see %(host)s.", name=visitor.name, host=visitor.host.name), "success")
            return redirect(
                (request.args.get("back") == "desk" and url_for("frontdesk.desk")) or url_for("frontdesk.visitor_log"),
                code=303,
            )
    form.id_number.data = None  # never sent back to the browser
    return render("frontdesk/visitor_form.html", status=form_status(form), form=form)


@blueprint.route("/visitors/<int:visitor_id>/sign-out", methods=["POST"])
@requires("desk.work")
def sign_out_visitor(visitor_id: int):
    visitor = visitors.get_visitor(current_user, visitor_id)
    visitors.sign_out(current_user, visitor, clock.now())
    flash(_("%(name)s is signed out.", name=visitor.name), "success")
    back = request.form.get("back")
    return redirect(url_for("frontdesk.desk") if back == "desk" else url_for("frontdesk.visitor_log"), code=303)


# Meeting rooms


@blueprint.route("/rooms")
@requires("desk.work")
def room_bookings():
    now = clock.now()
    branch = branch_in_view()
    return render(
        "frontdesk/rooms.html",
        branch=branch,
        branches=branch_choices(),
        bookings=rooms.bookings_from(current_user, branch.id, local_day(now)) if branch else [],
        room_form=RoomForm() if branch and can(current_user, "desk.manage", branch) else None,
        rooms=rooms.rooms_of(branch.id) if branch else [],
    )


@blueprint.route("/rooms/book", methods=["GET", "POST"])
@requires("desk.work")
def book_room():
    now = clock.now()
    if current_user.branch_id is None:
        raise Invalid(_("Rooms are booked at a branch: sign in with an account of the branch."))
    form = RoomBookingForm(rooms=rooms.rooms_of(current_user.branch_id))
    if request.method == "GET":
        form.day.data = local_day(now) + timedelta(days=1)
    if form.validate_on_submit():
        data = rooms.RoomBookingData(
            room_id=form.room_id.data,
            starts_at=local_to_utc(datetime.combine(form.day.data, form.starts.data)),
            ends_at=local_to_utc(datetime.combine(form.day.data, form.ends.data)),
            title=form.title.data,
            booked_for=form.booked_for.data or "",
        )
        booking = attempt(form, lambda: rooms.book_room(current_user, data, now))
        if booking is not None:
            flash(_("%(room)s is booked.", room=booking.room.name), "success")
            return redirect(url_for("frontdesk.room_bookings"), code=303)
    return render("frontdesk/room_form.html", status=form_status(form), form=form)


@blueprint.route("/rooms/bookings/<int:room_booking_id>/cancel", methods=["POST"])
@requires("desk.work")
def cancel_room_booking(room_booking_id: int):
    booking = rooms.get_booking(current_user, room_booking_id)
    rooms.cancel_booking(current_user, booking, clock.now())
    flash(_("The booking is cancelled."), "success")
    return redirect(url_for("frontdesk.room_bookings"), code=303)


@blueprint.route("/rooms", methods=["POST"])
@requires("desk.manage")
def add_room():
    branch = branch_in_view()
    form = RoomForm()
    if branch is None or not form.validate_on_submit():
        raise Invalid(_("Give the room a name and a number of seats (1 to 500)."))
    room = rooms.add_room(current_user, branch, form.name.data, form.seats.data)
    flash(_("%(room)s added.", room=room.name), "success")
    return redirect(url_for("frontdesk.room_bookings", branch=branch.id), code=303)
