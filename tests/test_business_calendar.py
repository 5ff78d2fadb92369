"""The business calendar, checked against times worked out by hand (no app, no database)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from intranet.business_calendar import BusinessCalendar, CalendarError, format_intervals, parse_intervals

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_DAY = parse_intervals("08:30-12:00, 13:00-17:30")  # 3.5 h + 4.5 h = 8 working hours
ONE_WORKING_DAY = timedelta(hours=8)


def at(year, month, day, hour, minute=0, zone=SHANGHAI) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.fixture
def national_day_2022() -> BusinessCalendar:
    """Monday to Friday office hours; the 2022 National Day week: 1-7 October off, the Saturday and
    Sunday after it (8 and 9 October) worked instead."""
    holidays = {date(2022, 10, d): () for d in range(1, 8)}
    make_up = {date(2022, 10, 8): OFFICE_DAY, date(2022, 10, 9): OFFICE_DAY}
    week = {weekday: OFFICE_DAY for weekday in range(5)}
    return BusinessCalendar(week=week, exceptions={**holidays, **make_up}, zone=SHANGHAI)


def test_one_working_day_from_friday_1630_before_the_holiday_lands_on_the_make_up_saturday(national_day_2022):
    # Friday 30 Sep, 16:30: one hour until 17:30 (1 h). The holiday week and Sunday 2 Oct do not count.
    # Saturday 8 Oct is worked: 08:30-12:00 (3.5 h, 4.5 h so far), lunch 12:00-13:00 does not count,
    # then 3.5 h more from 13:00: 16:30 on Saturday 8 October.
    due = national_day_2022.add_working_time(at(2022, 9, 30, 16, 30), ONE_WORKING_DAY)
    assert due == at(2022, 10, 8, 16, 30)
    assert due.utcoffset() == timedelta(0)  # answered in UTC, as stored


def test_the_lunch_break_does_not_count(national_day_2022):
    # Thursday 29 Sep 11:00 + 2 h: one hour before lunch, the second from 13:00.
    assert national_day_2022.add_working_time(at(2022, 9, 29, 11), timedelta(hours=2)) == at(2022, 9, 29, 14)


def test_a_share_of_the_time_is_counted_on_the_calendar_too(national_day_2022):
    # Warned with a quarter of the time left: after 6 working hours. 1 h on Friday, 3.5 h on the
    # Saturday morning, 1.5 h after lunch: 14:30 on 8 October.
    warn = national_day_2022.add_working_time(at(2022, 9, 30, 16, 30), ONE_WORKING_DAY * 3 / 4)
    assert warn == at(2022, 10, 8, 14, 30)


def test_a_duration_that_ends_at_closing_time_ends_there(national_day_2022):
    assert national_day_2022.add_working_time(at(2022, 9, 30, 16, 30), timedelta(hours=1)) == at(2022, 9, 30, 17, 30)


def test_time_received_at_night_or_on_a_holiday_starts_at_the_next_opening(national_day_2022):
    assert national_day_2022.add_working_time(at(2022, 9, 29, 22), timedelta(minutes=30)) == at(2022, 9, 30, 9)
    assert national_day_2022.add_working_time(at(2022, 10, 3, 10), timedelta(minutes=30)) == at(2022, 10, 8, 9)


def test_working_time_between_and_closing_times(national_day_2022):
    calendar = national_day_2022
    assert calendar.working_time_between(at(2022, 9, 30, 16, 30), at(2022, 10, 8, 16, 30)) == ONE_WORKING_DAY
    assert calendar.working_time_between(at(2022, 9, 30, 12), at(2022, 9, 30, 13)) == timedelta(0)
    assert calendar.closing_time(date(2022, 10, 8)) == at(2022, 10, 8, 17, 30)
    assert calendar.closing_time(date(2022, 10, 2)) is None
    assert calendar.next_working_day(date(2022, 9, 30)) == date(2022, 10, 8)
    assert calendar.is_open(at(2022, 10, 9, 9)) and not calendar.is_open(at(2022, 10, 9, 12, 30))


def test_counting_is_right_across_a_daylight_saving_change():
    berlin = ZoneInfo("Europe/Berlin")
    calendar = BusinessCalendar(week={d: parse_intervals("00:00-24:00") for d in range(7)}, zone=berlin)
    # Sunday 30 March 2025 has 23 hours in Berlin (clocks go forward at 02:00): 24 working hours from
    # its midnight end at 01:00 on Monday, local time.
    start = datetime(2025, 3, 30, 0, 0, tzinfo=berlin)
    assert calendar.add_working_time(start, timedelta(hours=24)) == datetime(2025, 3, 31, 1, 0, tzinfo=berlin)


def test_intervals_are_read_strictly():
    assert parse_intervals(" 08:30-12:00，13:00 - 17:30 ") == ((time(8, 30), time(12)), (time(13), time(17, 30)))
    assert parse_intervals("") == ()
    assert format_intervals(parse_intervals("8:30-12:00,13:00-24:00")) == "08:30-12:00, 13:00-24:00"
    for bad in ("8-12", "12:00-08:00", "08:00-12:00, 11:00-14:00", "25:00-26:00", "08:00-12:00, 12:00-13:00"):
        with pytest.raises(CalendarError):
            parse_intervals(bad)


def test_a_calendar_without_working_time_says_so_instead_of_looping():
    with pytest.raises(CalendarError):
        BusinessCalendar(week={}).add_working_time(at(2026, 1, 5, 9), timedelta(hours=1))
    with pytest.raises(CalendarError):
        BusinessCalendar(week={0: OFFICE_DAY}).add_working_time(datetime(2026, 1, 5, 9), timedelta(hours=1))
