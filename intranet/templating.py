"""Template helpers for the pages rendered most: fast local times and per-request label tables.

Babel's date formatting (~23 us a call) and gettext through Jinja (~20 us) add up on a list of
25 rows with a dozen of each; these do the work once per request instead of once per cell.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import Flask, g, url_for
from flask_babel import get_locale, get_timezone

# One date style per language, everywhere (Babel's own "short" and "full" styles differ in order from
# these); "day" adds the weekday to the same date, for a page's heading.
_PATTERNS = {
    "zh_Hans": {"datetime": "%Y/%m/%d %H:%M", "date": "%Y/%m/%d", "time": "%H:%M", "day": "{date} {weekday}"},
    "en": {"datetime": "%d/%m/%Y %H:%M", "date": "%d/%m/%Y", "time": "%H:%M", "day": "{weekday} {date}"},
}
# name -> a LabelledEnum whose labels a list shows per row; modules add theirs with label_table().
_ENUMS: dict[str, type] = {}


def label_table(name: str, enum: type) -> None:
    """Make `labels(name)` in templates the value -> label table of `enum`, translated once per request."""
    _ENUMS[name] = enum


def _settings() -> dict:
    locale = str(get_locale())
    return {
        "zone": ZoneInfo(str(get_timezone())),
        "patterns": _PATTERNS.get(locale, _PATTERNS["en"]),
        "weekdays": get_day_names("wide", locale=get_locale()),
        "labels": {},
    }


def _request_cache() -> dict:
    if "template_cache" not in g:
        g.template_cache = _settings()
    return g.template_cache


def _format(moment, style: str, settings: dict) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        moment = moment.astimezone(settings["zone"])
    elif not isinstance(moment, date):
        raise TypeError(f"not a date: {moment!r}")
    patterns = settings["patterns"]
    if style == "day":
        weekday = settings["weekdays"][moment.weekday()]
        return patterns["day"].format(date=moment.strftime(patterns["date"]), weekday=weekday)
    return moment.strftime(patterns[style])


def local_time(moment, style: str = "datetime") -> str:
    """A UTC datetime in the user's zone, or a date, in the language's one style: e.g. 2026/11/24 09:30.

    style: "datetime", "date", "time", or "day" (the date with its weekday)."""
    return _format(moment, style, _request_cache())


def format_moment(moment, style: str = "datetime") -> str:
    """local_time for messages written outside a page (flash messages, notifications): the same style,
    for the locale in force now (a notification is written in its recipient's language)."""
    return _format(moment, style, _settings())


def labels(kind: str) -> dict[str, str]:
    """value -> translated label for an enum registered with label_table(), translated once per request."""
    cache = _request_cache()["labels"]
    if kind not in cache:
        cache[kind] = {member.value: str(member.label) for member in _ENUMS[kind]}
    return cache[kind]


def list_url(endpoint: str, args, **changes) -> str:
    """A list's address with the request's filters kept and `changes` applied.

    url_for's own arguments (_external, _scheme, _method, _anchor) never come from the request: passed
    through, they would make a link to another scheme or a build error.
    """
    kept = {name: value for name, value in args.items() if not name.startswith("_")}
    return url_for(endpoint, **{**kept, **changes})


def register(app: Flask) -> None:
    app.jinja_env.globals["list_url"] = list_url
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["labels"] = labels
