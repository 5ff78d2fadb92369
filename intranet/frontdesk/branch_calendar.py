"""Each branch's desk settings and calendar: read to count the desk's promises, edited by its managers."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch, new_stamp
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
from intranet.unit_of_work import has_written

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


@dataclass(frozen=True)
class BranchSettings:
    """A branch's desk settings as read: shared by a process's threads, so never changed in place."""

    branch_id: int
    answer_minutes: int
    warn_percent_left: int
    booking_lead_hours: int
    no_show_minutes: int
    hours_mon: str
    hours_tue: str
    hours_wed: str
    hours_thu: str
    hours_fri: str
    hours_sat: str
    hours_sun: str

    def week_texts(self) -> list[str]:
        return [getattr(self, name) or "" for name in WEEKDAY_FIELDS]


# branch id -> (the branch's calendar stamp, its settings and calendar), as this process last read
# them. The stamp is a new random value whenever they change, on whichever server (see
# _new_stamp_when_rules_change); the branch row, and so its stamp, mostly comes with the signed-in
# user at no cost. The desk asks for the rules on every refresh of every part.
_KEPT: dict[int, tuple[str, tuple[BranchSettings, BusinessCalendar]]] = {}


def settings_of(branch_id: int) -> BranchSettings:
    """The branch's settings, or the defaults when it has none yet."""
    return _rules_of(branch_id)[0]


def calendar_of(branch_id: int) -> BusinessCalendar:
    """The branch's working calendar: its week, company-wide holidays and its own exceptions."""
    return _rules_of(branch_id)[1]


def _rules_of(branch_id: int) -> tuple[BranchSettings, BusinessCalendar]:
    session = db.session()
    branch = session.get(Branch, branch_id)
    if branch is None or has_written(session):  # this transaction may have changed them: as it sees them
        return _read_rules(branch_id)
    kept = _KEPT.get(branch_id)
    if kept is None or kept[0] != branch.calendar_stamp:
        kept = _KEPT[branch_id] = (branch.calendar_stamp, _read_rules(branch_id))
    return kept[1]


def _read_rules(branch_id: int) -> tuple[BranchSettings, BusinessCalendar]:
    row = db.session.scalar(select(DeskSettings).where(DeskSettings.branch_id == branch_id))
    values = DEFAULTS if row is None else {name: getattr(row, name) for name in DEFAULTS}
    settings = BranchSettings(branch_id=branch_id, **values)
    days = db.session.scalars(
        select(CalendarDay)
        .where(or_(CalendarDay.branch_id.is_(None), CalendarDay.branch_id == branch_id))
        .order_by(CalendarDay.branch_id.is_not(None))  # company-wide first, so a branch's own row wins
    )
    return settings, _calendar(settings, days)


@event.listens_for(Session, "after_flush")
def _new_stamp_when_rules_change(session, _context) -> None:
    """A new calendar stamp for every branch whose settings or calendar this flush changed (every
    branch for a company-wide day): each process reads those rules again on its next request."""
    changed = [
        item
        for item in (*session.new, *session.dirty, *session.deleted)
        if isinstance(item, DeskSettings | CalendarDay)
    ]
    if not changed:
        return
    branch_ids = {item.branch_id for item in changed}
    statement = update(Branch).values(calendar_stamp=new_stamp())
    if None not in branch_ids:
        statement = statement.where(Branch.id.in_(branch_ids))
    session.connection().execute(statement)


def _calendar(settings: BranchSettings, days) -> BusinessCalendar:
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


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day from its midnight to the next."""
    start = datetime.combine(day, time(0), tzinfo=zone())
    return start, start + timedelta(days=1)


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
    return row


def remove_calendar_day(actor, row: CalendarDay) -> None:
    ensure(actor, "desk.manage", row)
    db.session.delete(row)
    db.session.flush()


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
