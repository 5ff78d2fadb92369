"""Routes for a branch's managers: desk settings and calendar, the duty roster, the day's close-out, statistics."""

from datetime import date, timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import clock
from intranet.access import scoping
from intranet.access.permissions import can, requires
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.frontdesk import blueprint, branch_calendar, closeout, roster, statistics
from intranet.frontdesk.forms import CalendarDayForm, RosterForm, SettingsForm, SignForm
from intranet.frontdesk.models import WEEKDAY_FIELDS, CalendarDay, ComplaintCategory, ComplaintChannel, ServiceType
from intranet.frontdesk.views import branch_choices, branch_in_view, day_arg
from intranet.rendering import render
from intranet.unit_of_work import attempt


def _managed_branch():
    branch = branch_in_view()
    if branch is None:
        raise Invalid(_("Your account belongs to no branch."))
    return branch


# Settings and calendar


def _settings_page(branch, settings_form, day_form, status=200):
    now = clock.now()
    return render(
        "frontdesk/settings.html",
        status=status,
        branch=branch,
        branches=branch_choices(),
        form=settings_form,
        day_form=day_form,
        days=branch_calendar.calendar_days(branch.id, branch_calendar.local_day(now) - timedelta(days=30)),
        every_branch=scoping.sees_every_branch(current_user),
    )


@blueprint.route("/desk/settings", methods=["GET", "POST"])
@requires("desk.manage")
def settings():
    branch = _managed_branch()
    form = SettingsForm(obj=branch_calendar.settings_of(branch.id))
    if form.validate_on_submit():
        data = branch_calendar.SettingsData(
            answer_minutes=form.answer_minutes.data,
            warn_percent_left=form.warn_percent_left.data,
            booking_lead_hours=form.booking_lead_hours.data,
            no_show_minutes=form.no_show_minutes.data,
            week=[form[name].data or "" for name in WEEKDAY_FIELDS],
        )
        if attempt(form, lambda: branch_calendar.save_settings(current_user, branch, data)) is not None:
            flash(_("The desk settings of %(branch)s are saved.", branch=branch.name), "success")
            return redirect(url_for("frontdesk.settings", branch=branch.id), code=303)
    return _settings_page(branch, form, CalendarDayForm(), form_status(form))


@blueprint.route("/desk/calendar", methods=["POST"])
@requires("desk.manage")
def add_calendar_day():
    branch = _managed_branch()
    form = CalendarDayForm()
    if form.validate_on_submit():
        target = None if form.every_branch.data == "all" else branch
        added = attempt(
            form,
            lambda: branch_calendar.add_calendar_day(
                current_user, target, form.day.data, form.kind.data, form.name.data or "", form.hours.data or ""
            ),
        )
        if added is not None:
            flash(_("%(day)s is in the calendar.", day=added.day.isoformat()), "success")
            return redirect(url_for("frontdesk.settings", branch=branch.id), code=303)
    return _settings_page(branch, SettingsForm(obj=branch_calendar.settings_of(branch.id)), form, form_status(form))


@blueprint.route("/desk/calendar/<int:calendar_day_id>/delete", methods=["POST"])
@requires("desk.manage")
def remove_calendar_day(calendar_day_id: int):
    row = scoping.get(current_user, CalendarDay, calendar_day_id, "desk.manage")
    branch_id = row.branch_id
    branch_calendar.remove_calendar_day(current_user, row)
    flash(_("The day is taken out of the calendar."), "success")
    return redirect(url_for("frontdesk.settings", branch=branch_id), code=303)


# The duty roster


def _roster_form(branch, monday):
    form = RosterForm(managers=roster.managers_of(branch.id), week=monday)
    return form


@blueprint.route("/desk/roster")
@requires("desk.work")
def duty_roster():
    now = clock.now()
    branch = branch_in_view()
    monday = roster.monday_of(day_arg("week", branch_calendar.local_day(now)))
    week = roster.week_of(branch.id, monday) if branch else []
    form = None
    if branch is not None and can(current_user, "desk.manage", branch):
        form = _roster_form(branch, monday)
        for n, (_day, manager) in enumerate(week):
            form[f"duty_{n}"].data = manager.id if manager else None
    return render(
        "frontdesk/roster.html",
        branch=branch,
        branches=branch_choices(),
        monday=monday,
        week=week,
        form=form,
        today=branch_calendar.local_day(now),
        timedelta=timedelta,
    )


@blueprint.route("/desk/roster", methods=["POST"])
@requires("desk.manage")
def save_roster():
    branch = _managed_branch()
    form = _roster_form(branch, None)
    if not form.validate_on_submit():
        raise Invalid(_("Choose a manager of the branch for each day, or nobody."))
    monday = roster.monday_of(form.week.data)
    chosen = {monday + timedelta(days=n): form[f"duty_{n}"].data for n in range(7)}
    roster.save_week(current_user, branch, monday, chosen)
    flash(_("The duty roster is saved."), "success")
    return redirect(url_for("frontdesk.duty_roster", week=monday.isoformat(), branch=branch.id), code=303)


# The day's close-out


def _close_out_page(branch, day, form, status=200):
    now = clock.now()
    return render(
        "frontdesk/close_out.html",
        status=status,
        page=closeout.close_out_page(current_user, branch, day, now),
        recent=closeout.recent_close_outs(current_user, branch),
        branches=branch_choices(),
        form=form,
        now=now,
    )


@blueprint.route("/desk/close-out")
@requires("desk.manage")
def close_out():
    branch = _managed_branch()
    day = day_arg("day", branch_calendar.local_day(clock.now()))
    return _close_out_page(branch, day, SignForm(day=day))


@blueprint.route("/desk/close-out", methods=["POST"])
@requires("desk.manage")
def sign_close_out():
    branch = _managed_branch()
    form = SignForm()
    if form.day.data is not None:
        closeout.ensure_day_unsigned(branch.id, form.day.data)
    if form.validate_on_submit():
        signed = attempt(form, lambda: closeout.sign(current_user, branch, form.day.data, form.note.data, clock.now()))
        if signed is not None:
            flash(_("The day is signed."), "success")
            return redirect(url_for("frontdesk.close_out", day=signed.day.isoformat(), branch=branch.id), code=303)
    day = form.day.data or branch_calendar.local_day(clock.now())
    return _close_out_page(branch, day, form, form_status(form))


# Statistics


def _month_arg() -> date:
    value = request.args.get("month") or None
    if value is None:
        return branch_calendar.local_day(clock.now()).replace(day=1)
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise Invalid(_("Months are written like 2026-11.")) from None


@blueprint.route("/desk/statistics")
@requires("desk.manage")
def desk_statistics():
    now = clock.now()
    month = _month_arg()
    branch = branch_in_view() if not scoping.sees_every_branch(current_user) or request.args.get("branch") else None
    branch_id = branch.id if branch else None
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render(
        "frontdesk/statistics.html",
        month=month,
        previous=previous,
        following=following,
        branch=branch,
        branches=branch_choices(),
        complaints=statistics.complaint_figures(current_user, *statistics.month_bounds(month), now, branch_id),
        appointments=statistics.appointment_figures(current_user, *statistics.month_bounds(month), branch_id),
        categories=list(ComplaintCategory),
        channels=list(ComplaintChannel),
        services=list(ServiceType),
    )
