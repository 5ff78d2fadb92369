"""Helpers for the searchable, paginated lists every module shows."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import func, literal, literal_column, or_, select, true
from sqlalchemy.sql import ColumnElement, Executable, Select

from intranet.db_types import MAX_ID
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.timezones import local_to_utc


def escape_like(text: str) -> str:
    """Make user text match literally inside a LIKE pattern (used with escape='\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_text(text: str, *columns) -> ColumnElement:
    """SQL: one of `columns` contains `text`, ignoring case and taking % and _ literally; no text matches all."""
    text = (text or "").strip()
    if not text:
        return true()
    pattern = f"%{escape_like(text)}%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def one_of(column, values) -> ColumnElement:
    """SQL: `column` IN a fixed set of values, each its own bound parameter, for statements read on
    every page. Given a list, SQLAlchemy makes an "expanding" IN, whose text it rewrites on every
    execution (6 % of the instructions of the desk's lists on SQLite)."""
    return column.in_([literal(value, column.type) for value in values])


# key -> a statement built once. SQLAlchemy takes longer to build a select with its joins and options
# and to work out its cache key than SQLite takes to run it; a page's lists are the same few shapes.
_PREPARED: dict[tuple, object] = {}
_DERIVED: dict[int, dict] = {}  # id of a prepared statement -> the statements made from it, by key
PREPARED_LIMIT = 2_000  # a few per person and day; at the bound all are dropped and made again


def prepared(key: tuple, build: Callable[[], Executable]) -> Executable:
    """The statement `build()` makes, made once per `key`, which must name everything the statement holds
    (values that change per request go in as bindparams, given when executing)."""
    statement = _PREPARED.get(key)
    if statement is None:
        if len(_PREPARED) >= PREPARED_LIMIT:
            _PREPARED.clear()
            _DERIVED.clear()
        statement = _PREPARED[key] = build()
        _DERIVED[id(statement)] = {}
    return statement


COUNT_CAP = 10_000  # beyond this a list says "10,000+": counting 100,000 rows on every page costs more


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def parse_page_number(raw) -> int:
    """Anything but a positive integer means the first page: a bad ?page= is not worth an error."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 100_000)


def _derived(statement, key: tuple, build: Callable[[], Executable]) -> Executable:
    """A statement made from a prepared one (its count, a page), made once too; made afresh otherwise."""
    made = _DERIVED.get(id(statement))
    if made is None:
        return build()
    derived = made.get(key)
    if derived is None:
        if len(made) >= 50:  # a list's count and the pages people actually open
            made.clear()
        derived = made[key] = build()
    return derived


def _count_of(statement):
    # Count ids only (an index suffices), and stop counting past the cap.
    counted = (
        statement.with_only_columns(literal_column("1"), maintain_column_froms=True)
        .order_by(None)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return select(func.count()).select_from(counted)


def read_rows(statement, params: dict | None = None):
    """The rows of a statement of columns (no ORM objects), run by SQLAlchemy Core on the session's
    connection: the ORM's execution layer, which has nothing to load here, added half again to each
    statement's CPU (0.37 against 0.24 ms on PostgreSQL). What the session holds unflushed is flushed
    first, as the ORM's autoflush would."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params)


@dataclass(frozen=True)
class Rows:
    """A list's page read as plain rows, not ORM objects: `columns` turns the list's statement (which
    selects the model and is counted as it is) into one selecting the columns the page shows, and
    `make` turns each result row into what the template reads (a NamedTuple's `_make`, say).

    Loading 25 jobs with their customers and technicians as objects cost ten times the SQL."""

    columns: Callable[[Select], Select]
    make: Callable[[tuple], object]


def paginate(statement, number: int, size: int, rows: Rows | None = None) -> Page:
    total = db.session.scalar(_derived(statement, ("count",), lambda: _count_of(statement)))
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    number = min(number, max(1, math.ceil(total / size)))
    offset = (number - 1) * size
    if rows is None:
        page = _derived(statement, ("page", size, offset), lambda: statement.limit(size).offset(offset))
        items = list(db.session.scalars(page).unique().all())
    else:
        page = _derived(statement, ("rows", size, offset), lambda: rows.columns(statement).limit(size).offset(offset))
        items = [rows.make(row) for row in read_rows(page)]
    return Page(items=items, number=number, size=size, total=total, total_capped=capped)


def search_text(args, name: str = "q") -> str:
    """The search box's text, trimmed to a length no legitimate search needs."""
    text = (args.get(name) or "").replace("\x00", "")
    return text.strip()[:100]


def paginate_request(statement, rows: Rows | None = None) -> Page:
    """The page of `statement` that the request's ?page= asks for, at the app's page size."""
    return paginate(statement, parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"], rows)


def id_filter(args, name: str) -> int | None:
    """A list's ?name=<id> filter: None when absent, a clear 422 when it is not an id that can exist."""
    value = args.get(name) or None
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise Invalid(_("Unknown filter value for %(name)s.", name=name))
    return int(value)


def day_filter(args, name: str, through: bool = False) -> datetime | None:
    """A list's ?name=2026-11-23 filter: the start of that day in the user's zone, as UTC; with
    through=True the start of the next day, so that a range up to it includes the whole day."""
    value = args.get(name) or None
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Dates are written like 2026-11-23.")) from None
    return local_to_utc(datetime.combine(day + timedelta(days=through), datetime.min.time()))


def choice_filter(args, name: str, allowed) -> str | None:
    """A list's ?name=<value> filter limited to `allowed` (an enum's values): None when absent."""
    value = args.get(name) or None
    if value is not None and value not in set(allowed):
        raise Invalid(_("Unknown filter value for %(name)s.", name=name))
    return value
