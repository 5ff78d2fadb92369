"""Exports of lists as CSV or XLSX: each list declares its columns once, one mechanism streams them all.

A module declares its list with `declare(...)` (see jobs/exports.py): the rows are the list's own
statement, built from the request's filters and scoped by access/scoping.py, so an export holds
exactly the rows the list would page through, with no cap. `open_export(export, actor, args, fmt)`
gives the file's bytes as they are produced; a view streams them (`download`), and a background
task given the same arguments (the export's name for `by_name`, the user, the filters as a dict,
the format, and the user's locale) writes them to a file instead.

Streamed, 100,000 rows take a few MB and start at once: no queue needed. For bigger lists, a task
queue registers its runner with `run_in_background_with(runner)`; a download of more rows than
EXPORT_BACKGROUND_ROWS then calls runner(name, user_id, args, file_format, locale) in the request
(intranet/downloads records the file to write, and queues it once the request commits) and answers
202 with a page saying a link will come, and where the file will be (the address the runner returns).
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Response, current_app, make_response, render_template
from flask_babel import force_locale, get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from intranet.access.permissions import ensure
from intranet.db_types import utcnow
from intranet.enums import LabelledEnum
from intranet.errors import NotFound
from intranet.exporting.delimited import stream_csv
from intranet.exporting.xlsx import stream_workbook
from intranet.extensions import db

BATCH = 1000  # rows fetched at a time: memory stays flat however long the list
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: object  # a lazy label, written in the reader's language
    value: Callable[[object], object]  # row -> text, number, date, UTC datetime, bool or labelled choice


@dataclass(frozen=True)
class ListExport:
    name: str  # the file's name and the registry key
    title: object  # the sheet's name
    model: type  # what one row is: tests check every exported row against its scope
    permission: str
    # (actor, request args) -> the list's scoped statement (read in batches by the export's own
    # session), or the rows themselves as plain values (no ORM object: the request's session is gone)
    rows: Callable[[object, Mapping], object]
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)  # the first columns hold the row's primary key, in this order


_exports: dict[str, ListExport] = {}
# (name, user id, filters, format, locale) -> the address where the file will be, or None
BackgroundRunner = Callable[[str, int, dict, str, str], str | None]
_background: BackgroundRunner | None = None


def declare(name: str, *, title, model: type, permission: str, rows, columns, key=("id",)) -> ListExport:
    export = ListExport(name, title, model, permission, rows, tuple(columns), tuple(key))
    _exports[name] = export
    return export


def run_in_background_with(runner: BackgroundRunner | None) -> None:
    """Called by the task queue's module: how to write a big export out of the request."""
    global _background
    _background = runner


def exports() -> list[ListExport]:
    return list(_exports.values())


def by_name(name: str) -> ListExport:
    try:
        return _exports[name]
    except KeyError:
        raise NotFound(_("There is no such export.")) from None


def _cell_maker() -> Callable[[object], object]:
    """Turn a value into a cell: local times, labels in the reader's language, yes/no."""
    zone = ZoneInfo(str(get_timezone()))
    yes, no = _("Yes"), _("No")
    labels: dict = {}  # a choice's label is translated once per export, not once per row

    def cell(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return yes if value else no
        if isinstance(value, LabelledEnum):
            if value not in labels:
                labels[value] = str(value.label)
            return labels[value]
        if isinstance(value, int | float | Decimal | str):
            return value
        if isinstance(value, datetime):
            return value.astimezone(zone).replace(tzinfo=None, microsecond=0)
        if isinstance(value, date):
            return value
        return str(value)

    return cell


def _rows(export: ListExport, statement, session: Session) -> Iterator[list]:
    cell = _cell_maker()
    columns = export.columns
    if isinstance(statement, Executable):
        statement = session.scalars(statement.execution_options(yield_per=BATCH))
    for row in statement:
        yield [cell(column.value(row)) for column in columns]


def open_export(
    export: ListExport, actor, args: Mapping, file_format: str, locale: str | None = None
) -> Iterator[bytes]:
    """The file's bytes as they are produced. The filters are checked now (a bad one raises before any
    byte is sent); the rows are read in batches as the bytes are taken.

    The request is over by then: the rows come through a session of the export's own, and each chunk
    is made in a short app context with the reader's language (never one left open between chunks,
    which would leak into whatever the thread runs meanwhile). A background task, which has no
    request, passes the reader's `locale`."""
    if file_format not in FORMATS:
        raise NotFound(_("There is no such export."))
    ensure(actor, export.permission)
    statement = export.rows(actor, args)
    app, locale, engine = current_app._get_current_object(), locale or get_locale(), db.engine

    def produce(session: Session) -> Iterator[bytes]:
        headers = [str(column.header) for column in export.columns]
        if file_format == "csv":
            return stream_csv(headers, _rows(export, statement, session))
        return stream_workbook(str(export.title), headers, _rows(export, statement, session))

    def chunks() -> Iterator[bytes]:
        with Session(engine) as session:
            made = None
            while True:
                with app.app_context(), force_locale(locale):
                    made = made or produce(session)
                    chunk = next(made, None)
                if chunk is None:
                    return
                yield chunk

    return chunks()


def file_name(export: ListExport, file_format: str) -> str:
    return f"{export.name}-{utcnow():%Y%m%d-%H%M}.{file_format}"


def _more_rows_than(statement, limit: int) -> bool:
    if not isinstance(statement, Executable):
        return len(statement) > limit
    counted = statement.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)
    return db.session.scalar(select(func.count()).select_from(counted.limit(limit + 1).subquery())) > limit


def download(export: ListExport, actor, args: Mapping, file_format: str) -> Response:
    """Stream the export as an attachment: the first bytes leave before the last row is read. A list
    too big to wait for goes to the background runner, if a queue registered one."""
    limit = current_app.config.get("EXPORT_BACKGROUND_ROWS")
    if _background is not None and limit and file_format in FORMATS:
        ensure(actor, export.permission)
        if _more_rows_than(export.rows(actor, args), limit):
            where = _background(export.name, actor.id, dict(args.items()), file_format, str(get_locale()))
            page = render_template("exporting/queued.html", export=export, limit=limit, where=where)
            return make_response(page, 202)
    response = Response(open_export(export, actor, args, file_format), mimetype=FORMATS[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(export, file_format)}"'
    response.headers["X-Accel-Buffering"] = "no"  # a proxy in front passes the stream on as it comes
    return response
