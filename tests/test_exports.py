"""Exports of lists: the rows of the list with its filters, headers in the reader's language, CSV
that spreadsheets open right (BOM, inert formulas), XLSX whose text stays text, streamed."""

import csv
import io
from decimal import Decimal

import openpyxl

from intranet.access.roles import Role
from intranet.exporting.delimited import inert


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "UTF-8 with a BOM, so spreadsheet programs read Chinese right"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active


def test_formula_starts_are_neutralised_and_numbers_kept():
    assert [inert(v) for v in ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx", "plain", -2, Decimal("1.5")]] == [
        "'=1+1", "'+86", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", -2, Decimal("1.5"),
    ]  # fmt: skip


def test_a_job_export_holds_the_filtered_rows_with_headers(client, make_user, make_job):
    manager = make_user(Role.MANAGER, locale="zh_Hans")
    open_jobs = [make_job(status="open") for _ in range(3)]
    make_job(status="assigned", technician=make_user())
    client.login(manager)
    response = client.get("/jobs/export.csv?status=open&page=3")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    rows = _csv(response)
    assert rows[0][:3] == ["编号", "工单", "客户"]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(job.id for job in open_jobs)

    sheet = _xlsx(client.get("/jobs/export.xlsx?status=open"))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["编号", "工单", "客户"]
    assert sorted(row[0] for row in values[1:]) == sorted(job.id for job in open_jobs)


def test_a_part_named_like_a_formula_comes_out_inert(client, make_user, make_part, make_store, stock):
    manager = make_user(Role.MANAGER, locale="en")
    part = make_part(name='=HYPERLINK("http://evil.example","click")')
    store = make_store()
    stock(store, part, 3)
    client.login(manager)
    rows = _csv(client.get(f"/parts/stock/export.csv?store={store.id}"))
    assert rows[0][:2] == ["Store ID", "Part ID"]
    (row,) = rows[1:]
    assert row[6] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[8] == "3.000" or Decimal(row[8]) == 3

    sheet = _xlsx(client.get(f"/parts/stock/export.xlsx?store={store.id}"))
    cell = next(iter(sheet.iter_rows(min_row=2)))[6]
    assert cell.value == part.name and cell.data_type == "s", "text, never a formula"


def test_a_bad_filter_is_refused_before_anything_is_sent(client, make_user):
    client.login(make_user(Role.MANAGER))
    assert client.get("/jobs/export.csv?status=nonsense").status_code == 422
    assert client.get("/jobs/export.pdf").status_code == 404


def test_a_background_task_writes_the_same_file_outside_any_request(app, make_user, make_job):
    """What a queue task does with the download's arguments: no request, the reader's language given."""
    from intranet import exporting
    from intranet.extensions import db

    manager = make_user(Role.MANAGER)
    job = make_job(status="open")
    with app.app_context():
        reader = db.session.get(type(manager), manager.id)
        chunks = exporting.open_export(exporting.by_name("jobs"), reader, {"status": "open"}, "csv", locale="zh_Hans")
        rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert rows[0][:2] == ["编号", "工单"] and [row[0] for row in rows[1:]] == [str(job.id)]


def test_a_list_too_big_to_wait_for_goes_to_the_background_runner(app, client, make_user, make_job):
    """Once a queue registered a runner: more rows than EXPORT_BACKGROUND_ROWS are handed to it, after
    the commit, with what it needs to write the same file; fewer are streamed at once."""
    from intranet import exporting

    handed = []
    manager = make_user(Role.MANAGER, locale="zh_Hans")
    for _ in range(3):
        make_job(status="open")
    client.login(manager)
    limit, runner = app.config["EXPORT_BACKGROUND_ROWS"], exporting._background  # the downloads module's
    exporting.run_in_background_with(lambda *arguments: handed.append(arguments))
    try:
        app.config["EXPORT_BACKGROUND_ROWS"] = 2
        queued = client.get("/jobs/export.xlsx?status=open")
        assert queued.status_code == 202 and 'data-export-queued="jobs"' in queued.get_data(as_text=True)
        assert handed == [("jobs", manager.id, {"status": "open"}, "xlsx", "zh_Hans")]
        app.config["EXPORT_BACKGROUND_ROWS"] = 3
        streamed = client.get("/jobs/export.csv?status=open")
        assert streamed.status_code == 200 and len(_csv(streamed)) == 4 and len(handed) == 1
    finally:
        exporting.run_in_background_with(runner)
        app.config["EXPORT_BACKGROUND_ROWS"] = limit
