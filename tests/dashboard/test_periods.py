"""Periods of the dashboard and the reports: local days, the compared period, the picker's arguments."""

from datetime import UTC, date, datetime

import pytest

from intranet.errors import Invalid
from intranet.periods import Period, period_from

TODAY = date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        ({}, date(2026, 11, 1), date(2026, 12, 1)),
        ({"period": "week"}, date(2026, 11, 23), date(2026, 11, 30)),
        ({"period": "quarter", "on": "2026-02-14"}, date(2026, 1, 1), date(2026, 4, 1)),
        ({"period": "month", "on": "2026-12-31"}, date(2026, 12, 1), date(2027, 1, 1)),
        ({"period": "custom", "from": "2026-03-01", "to": "2026-03-31"}, date(2026, 3, 1), date(2026, 4, 1)),
    ],
)
def test_the_picker_names_a_run_of_whole_days(args, start, end):
    period = period_from(args, TODAY)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "args",
    [
        {"period": "year"},
        {"period": "custom", "from": "2026-03-31", "to": "2026-03-01"},
        {"period": "custom", "from": "2026-03-01"},
        {"period": "month", "on": "2026-02-30"},
        {"period": "custom", "from": "2020-01-01", "to": "2026-01-01"},
    ],
)
def test_a_period_that_cannot_be_is_refused(args):
    with pytest.raises(Invalid):
        period_from(args, TODAY)


def test_compared_periods():
    march = period_from({"period": "month", "on": "2026-03-10"}, TODAY)
    assert (march.previous().start, march.previous().end) == (date(2026, 2, 1), date(2026, 3, 1))
    assert (march.last_year().start, march.last_year().end) == (date(2025, 3, 1), date(2025, 4, 1))
    q1 = period_from({"period": "quarter", "on": "2026-01-05"}, TODAY)
    assert (q1.previous().start, q1.previous().end) == (date(2025, 10, 1), date(2026, 1, 1))
    ten_days = period_from({"period": "custom", "from": "2026-03-11", "to": "2026-03-20"}, TODAY)
    assert (ten_days.previous().start, ten_days.previous().end) == (date(2026, 3, 1), date(2026, 3, 11))
    leap = Period("custom", date(2024, 2, 29), date(2024, 3, 1)).last_year()
    assert (leap.start, leap.end) == (date(2023, 2, 28), date(2023, 3, 1))


def test_days_are_beijing_days(app):
    with app.test_request_context():
        march = period_from({"period": "month", "on": "2026-03-01"}, TODAY)
        assert march.utc_start == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
        assert march.utc_end == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
        assert march.list_args("done_from", "done_to") == {"done_from": "2026-03-01", "done_to": "2026-03-31"}
