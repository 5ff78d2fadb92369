"""Each branch's desk settings and calendar: read to count the desk's promises, edited by its managers."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.business_calendar import (
    BusinessCalendar,
    CalendarError,
    format_intervals,
    parse_intervals,
    week_from_texts,
)
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.frontdesk.models import WEEKDAY_FIELDS, CalendarDay, DayKind, DeskSettings
from intranet.listing import prepared

DEFAULTS = {
    "answer_minutes": 480,
    "warn_percent_left": 25,
    "booking_lead_hours": 48,
    "no_show_minutes": 15,
    **{name: "08:30-12:00, 13:00-17:30" for name in WEEKDAY_FIELDS[:5]},
    "hours_sat": "",
    "hours_sun": "",
}
LIMITS = {
    "answer_minutes": (15, 7 * 24 * 60),
    "warn_percent_left": (5, 90),
    "booking_lead_hours": (0, 30 * 24),
    "no_show_minutes": (1, 240),
}


def zone() -> ZoneInfo:
    """The zone the branches' opening hours are written in (the app's TIMEZONE)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _per_request(kind: str, branch_id: int, make):
    """Read once per request: the desk page asks several parts for the same branch's settings."""
    if not has_request_context():
        return make()
    cache = g.setdefault("desk_branch_cache", {})
    if (kind, branch_id) not in cache:
        cache[(kind, branch_id)] = make()
    return cache[(kind, branch_id)]


def _changed() -> None:
    if has_request_context():
        g.pop("desk_branch_cache", None)


def settings_of(branch_id: int) -> DeskSettings:
    """The branch's settings, or (unsaved) the defaults when it has none yet."""

    def read():
        statement = prepared(
            ("desk_settings",), lambda: select(DeskSettings).where(DeskSettings.branch_id == bindparam("branch_id"))
        )
        settings = db.session.scalar(statement, {"branch_id": branch_id})
        return settings if settings is not None else DeskSettings(branch_id=branch_id, **DEFAULTS)

    return _per_request("settings", branch_id, read)


def calendar_of(branch_id: int) -> BusinessCalendar:
    """The branch's working calendar: its week, company-wide holidays and its own exceptions."""
    return _per_request("calendar", branch_id, lambda: _read_calendar(branch_id))


def day_calendar_of(branch_id: int, day: date) -> BusinessCalendar:
    """calendar_of() knowing only `day`'s exceptions: enough for that day's hours (the desk asks for
    today's closing time on every refresh), without reading the other days."""
    if _cached("calendar", branch_id):
        return calendar_of(branch_id)
    return _per_request(f"calendar {day}", branch_id, lambda: _read_day(branch_id, day))


def _cached(kind: str, branch_id: int) -> bool:
    return has_request_context() and (kind, branch_id) in g.get("desk_branch_cache", {})


def _read_day(branch_id: int, day: date) -> BusinessCalendar:
    """The day's calendar; with the settings in the same statement when they are not read yet (one
    row per exception of the day, or one row without any)."""
    if _cached("settings", branch_id):
        return _read_calendar(branch_id, day)
    statement = prepared(
        ("branch_day",),
        lambda: (
            select(DeskSettings, CalendarDay)
            .select_from(Branch)
            .outerjoin(DeskSettings, DeskSettings.branch_id == Branch.id)
            .outerjoin(
                CalendarDay,
                and_(
                    CalendarDay.day == bindparam("day"),
                    or_(CalendarDay.branch_id.is_(None), CalendarDay.branch_id == Branch.id),
                ),
            )
            .where(Branch.id == bindparam("branch_id"))
            .order_by(CalendarDay.branch_id.is_not(None))  # company-wide first, so a branch's own row wins
        ),
    )
    rows = db.session.execute(statement, {"branch_id": branch_id, "day": day}).all()
    found = rows[0][0] if rows else None
    settings = _per_request("settings", branch_id, lambda: found or DeskSettings(branch_id=branch_id, **DEFAULTS))
    return _calendar(settings, [row for _settings, row in rows if row is not None])


def _read_calendar(branch_id: int, day: date | None = None) -> BusinessCalendar:
    settings = settings_of(branch_id)

    def build():
        statement = (
            select(CalendarDay)
            .where(or_(CalendarDay.branch_id.is_(None), CalendarDay.branch_id == bindparam("branch_id")))
            .order_by(CalendarDay.branch_id.is_not(None))  # company-wide first, so a branch's own row wins
        )
        return statement if day is None else statement.where(CalendarDay.day == bindparam("day"))

    statement = prepared(("calendar_days", day is None), build)
    return _calendar(
        settings, db.session.scalars(statement, {"branch_id": branch_id, **({} if day is None else {"day": day})})
    )


def _calendar(settings: DeskSettings, days) -> BusinessCalendar:
    week = week_from_texts(settings.week_texts())
    exceptions = {}
    for row in days:
        if row.kind == DayKind.HOLIDAY:
            exceptions[row.day] = ()
        else:
            exceptions[row.day] = parse_intervals(row.hours) if row.hours else week[0]
    return BusinessCalendar(week=week, exceptions=exceptions, zone=zone())


def local_day(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


# Editing


@dataclass
class SettingsData:
    answer_minutes: int
    warn_percent_left: int
    booking_lead_hours: int
    no_show_minutes: int
    week: list[str]  # seven interval texts, Monday first


def _checked_hours(text: str) -> str:
    try:
        return format_intervals(parse_intervals(text))
    except CalendarError:
        raise Invalid(_("Write opening hours like 08:30-12:00, 13:00-17:30 (in order, without overlaps).")) from None


def save_settings(actor, branch: Branch, data: SettingsData) -> DeskSettings:
    ensure(actor, "desk.manage", branch)
    for name, (low, high) in LIMITS.items():
        value = getattr(data, name)
        if value is None or not low <= value <= high:
            raise Invalid(_("A value is out of range: %(low)d to %(high)d.", low=low, high=high))
    week = [_checked_hours(text) for text in data.week]
    if not any(week):
        raise Invalid(_("A branch must open on at least one day of the week."))
    settings = db.session.scalar(select(DeskSettings).where(DeskSettings.branch_id == branch.id))
    if settings is None:
        settings = DeskSettings(branch_id=branch.id)
        db.session.add(settings)
    for name in LIMITS:
        setattr(settings, name, getattr(data, name))
    for name, text in zip(WEEKDAY_FIELDS, week, strict=True):
        setattr(settings, name, text)
    db.session.flush()
    _changed()
    return settings


def add_calendar_day(actor, branch: Branch | None, day: date, kind: str, name: str, hours: str = "") -> CalendarDay:
    """A holiday or make-up day for one branch, or (admin only) for every branch."""
    if branch is None:
        ensure(actor, "desk.manage")
        if not scoping.sees_every_branch(actor):
            raise Invalid(_("Only an administrator sets days for every branch."))
    else:
        ensure(actor, "desk.manage", branch)
    if kind not in set(DayKind):
        raise Invalid(_("Choose a holiday or a make-up working day."))
    hours = _checked_hours(hours) if kind == DayKind.WORKDAY and hours.strip() else ""
    branch_id = branch.id if branch else None
    taken = db.session.scalar(
        select(CalendarDay.id).where(
            CalendarDay.day == day,
            CalendarDay.branch_id.is_(None) if branch_id is None else CalendarDay.branch_id == branch_id,
        )
    )
    if taken is not None:
        raise Conflict(_("%(day)s is already in this calendar.", day=day.isoformat()))
    row = CalendarDay(branch_id=branch_id, day=day, kind=kind, name=name.strip(), hours=hours)
    db.session.add(row)
    db.session.flush()
    _changed()
    return row


def remove_calendar_day(actor, row: CalendarDay) -> None:
    ensure(actor, "desk.manage", row)
    db.session.delete(row)
    db.session.flush()
    _changed()


def calendar_days(branch_id: int, since: date, limit: int = 100) -> list[CalendarDay]:
    """The exceptions a branch lives by from `since` on: company-wide ones and its own."""
    return list(
        db.session.scalars(
            select(CalendarDay)
            .where(or_(CalendarDay.branch_id.is_(None), CalendarDay.branch_id == branch_id), CalendarDay.day >= since)
            .order_by(CalendarDay.day, CalendarDay.id)
            .limit(limit)
        )
    )
