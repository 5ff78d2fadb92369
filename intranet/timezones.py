"""Times are stored in UTC and shown, or typed, in the user's zone."""

from datetime import UTC, datetime

from flask_babel import get_timezone

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def local_to_utc(naive_local: datetime) -> datetime:
    return naive_local.replace(tzinfo=get_timezone()).astimezone(UTC)


def utc_to_local(moment: datetime) -> datetime:
    return moment.astimezone(get_timezone()).replace(tzinfo=None)
