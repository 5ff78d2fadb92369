"""Times are stored in UTC and shown, or typed, in the user's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_timezone

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def _zone() -> ZoneInfo:
    # Flask-Babel hands out pytz zones, whose replace(tzinfo=...) gives the 1900s local mean time
    # (+08:06 for Shanghai); zoneinfo does the arithmetic right.
    return ZoneInfo(str(get_timezone()))


def local_to_utc(naive_local: datetime) -> datetime:
    return naive_local.replace(tzinfo=_zone()).astimezone(UTC)


def utc_to_local(moment: datetime) -> datetime:
    return moment.astimezone(_zone()).replace(tzinfo=None)
