"""Periods of the reports and the dashboard: a week, month or quarter (or any run of days) in the
user's zone, its bounds in UTC, and the period it is compared with.

Days are local: a job done at 23:30 Beijing time counts on that day, though it is 15:30 UTC.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intranet.enums import LabelledEnum
from intranet.errors import Invalid
from intranet.timezones import local_to_utc

MAX_DAYS = 800  # a custom period longer than two years is a mistake, not a report


class PeriodKind(LabelledEnum):
    WEEK = "week", _l("Week")
    MONTH = "month", _l("Month")
    QUARTER = "quarter", _l("Quarter")
    CUSTOM = "custom", _l("Custom")


class Comparison(LabelledEnum):
    PREVIOUS = "previous", _l("the period before")
    LAST_YEAR = "last_year", _l("the same period last year")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @cached_property
    def utc_start(self) -> datetime:
        return local_to_utc(datetime.combine(self.start, datetime.min.time()))

    @cached_property
    def utc_end(self) -> datetime:
        return local_to_utc(datetime.combine(self.end, datetime.min.time()))

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return format_date(self.start, "yyyy-MM")
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()} – {self.last_day.isoformat()}"

    def holds(self, column):
        """SQL: the UTC time in `column` falls on one of the period's days."""
        return (column >= self.utc_start) & (column < self.utc_end)

    def list_args(self, start: str = "from", end: str = "to") -> dict[str, str]:
        """The period as a list's date filters (inclusive days), for links to the rows behind a figure."""
        return {start: self.start.isoformat(), end: self.last_day.isoformat()}

    def previous(self) -> "Period":
        if self.kind == PeriodKind.MONTH:
            return month_of(self.start - timedelta(days=1))
        if self.kind == PeriodKind.QUARTER:
            return quarter_of(self.start - timedelta(days=1))
        return Period(self.kind, self.start - timedelta(days=self.days), self.start)

    def last_year(self) -> "Period":
        def back(day: date) -> date:
            return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)

        return Period(self.kind, back(self.start), back(self.end))

    def compared(self, comparison: str) -> "Period":
        return self.last_year() if comparison == Comparison.LAST_YEAR else self.previous()


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period(PeriodKind.WEEK, start, start + timedelta(days=7))


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Period(PeriodKind.MONTH, start, end)


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return Period(PeriodKind.QUARTER, start, end)


def _date(args, name: str) -> date | None:
    value = args.get(name) or None
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Dates are written like 2026-11-23.")) from None


def period_from(args, today: date, default: str = PeriodKind.MONTH) -> Period:
    """?period=week|month|quarter&on=2026-11-23, or ?period=custom&from=...&to=... (days inclusive)."""
    kind = args.get("period") or default
    if kind not in set(PeriodKind):
        raise Invalid(_("Unknown filter value for %(name)s.", name="period"))
    if kind == PeriodKind.CUSTOM:
        start, last = _date(args, "from"), _date(args, "to")
        if start is None or last is None or last < start:
            raise Invalid(_("A custom period needs a first and a last day, in that order."))
        if (last - start).days >= MAX_DAYS:
            raise Invalid(_("A period is at most %(n)d days.", n=MAX_DAYS))
        return Period(PeriodKind.CUSTOM, start, last + timedelta(days=1))
    day = _date(args, "on") or today
    return {PeriodKind.WEEK: week_of, PeriodKind.MONTH: month_of, PeriodKind.QUARTER: quarter_of}[kind](day)
