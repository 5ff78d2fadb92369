"""A branch's working time: opening intervals per weekday, holidays and make-up days; no Flask, no database.

China moves weekends around its public holidays: a holiday week is followed (or preceded) by a
Saturday or Sunday that is worked. So a calendar is the regular week (several intervals a day, the
lunch break being the gap between them) plus exceptions by date: a date with no intervals is a
holiday, a date with intervals is worked whatever its weekday. Promises such as "an answer within
one working day" are counted in working time on this calendar, so a complaint received on Friday
at 16:30 before a holiday lands on the next day that is really worked, at the time a person expects.

All instants given and returned are timezone-aware; the calendar's zone says what "09:00" means.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Intervals = tuple[tuple[time, time], ...]
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEARCH_DAYS = 800  # how far ahead to look for working time before deciding there is none

_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class CalendarError(ValueError):
    """Opening hours that cannot be read, or a calendar with no working time ahead."""


def parse_intervals(text: str) -> Intervals:
    """ "08:30-12:00, 13:00-17:30" -> ((08:30, 12:00), (13:00, 17:30)); "" is a closed day.

    Intervals must be in order and must not touch or overlap: the gap between them is the break.
    """
    intervals = []
    for part in filter(None, (piece.strip() for piece in (text or "").replace("，", ",").split(","))):
        match = _INTERVAL.match(part)
        if not match:
            raise CalendarError(f"not a time interval: {part!r} (write it like 08:30-12:00)")
        h1, m1, h2, m2 = map(int, match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
            raise CalendarError(f"not a time of day: {part!r}")
        opens = time(h1, m1)
        closes = time.max if h2 == 24 else time(h2, m2)
        if closes <= opens:
            raise CalendarError(f"{part!r} closes before it opens")
        if intervals and opens <= intervals[-1][1]:
            raise CalendarError(f"{part!r} starts before the previous interval ends")
        intervals.append((opens, closes))
    return tuple(intervals)


def format_intervals(intervals: Intervals) -> str:
    def fmt(moment: time) -> str:
        return "24:00" if moment == time.max else moment.strftime("%H:%M")

    return ", ".join(f"{fmt(opens)}-{fmt(closes)}" for opens, closes in intervals)


@dataclass(frozen=True)
class BusinessCalendar:
    """week: weekday (Monday 0) -> intervals; exceptions: date -> intervals (empty: a holiday)."""

    week: Mapping[int, Intervals]
    exceptions: Mapping[date, Intervals] = field(default_factory=dict)
    zone: ZoneInfo = SHANGHAI

    # One day

    def intervals_on(self, day: date) -> Intervals:
        if day in self.exceptions:
            return tuple(self.exceptions[day])
        return tuple(self.week.get(day.weekday(), ()))

    def is_working_day(self, day: date) -> bool:
        return bool(self.intervals_on(day))

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening intervals as UTC instants (arithmetic in UTC is right across any DST change)."""
        return [(self._instant(day, opens), self._instant(day, closes)) for opens, closes in self.intervals_on(day)]

    def opening_time(self, day: date) -> datetime | None:
        periods = self.periods_on(day)
        return periods[0][0] if periods else None

    def closing_time(self, day: date) -> datetime | None:
        """When the day's work ends (the end of its last interval), or None on a day off."""
        periods = self.periods_on(day)
        return periods[-1][1] if periods else None

    def local_date(self, moment: datetime) -> date:
        return _aware(moment).astimezone(self.zone).date()

    def is_open(self, moment: datetime) -> bool:
        moment = _aware(moment).astimezone(UTC)
        return any(start <= moment < end for start, end in self.periods_on(self.local_date(moment)))

    # Counting working time

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which `duration` of working time, counted from `start`, has passed (UTC).

        Time outside the opening intervals (nights, lunch breaks, weekends, holidays) does not count;
        a duration that ends exactly at closing time ends there, not at the next opening.
        """
        if duration < timedelta(0):
            raise CalendarError("a duration cannot be negative")
        start = _aware(start).astimezone(UTC)
        if duration == timedelta(0):
            return start
        remaining = duration
        for period_start, period_end in self._periods_from(start):
            begin = max(start, period_start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise CalendarError("no working time in the calendar ahead")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero if `end` is not later)."""
        start, end = _aware(start).astimezone(UTC), _aware(end).astimezone(UTC)
        total = timedelta(0)
        if end <= start:
            return total
        day = self.local_date(start)
        last = self.local_date(end)
        while day <= last:
            for period_start, period_end in self.periods_on(day):
                overlap = min(end, period_end) - max(start, period_start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        for offset in range(1, SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError("no working day in the calendar ahead")

    def working_days(self, first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    # Helpers

    def _instant(self, day: date, moment: time) -> datetime:
        if moment == time.max:  # "24:00": midnight at the start of the next day
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)
        return datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC)

    def _periods_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        day = self.local_date(start)
        for offset in range(SEARCH_DAYS):
            for period_start, period_end in self.periods_on(day + timedelta(days=offset)):
                if period_end > start:
                    yield period_start, period_end


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise CalendarError("a naive datetime has no place on a calendar: give its zone")
    return moment


def week_from_texts(texts: Sequence[str]) -> dict[int, Intervals]:
    """Seven interval texts, Monday first, as a week."""
    if len(texts) != 7:
        raise CalendarError("a week has seven days")
    return {weekday: parse_intervals(text) for weekday, text in enumerate(texts)}
