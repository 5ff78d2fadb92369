"""An export too big to wait for: written by the task queue's consumer into the database, once, for the
person who asked only, who is told with a link; removed after EXPORT_KEEP_HOURS."""

import csv
import io
import time
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from intranet import exporting, task_queue
from intranet.access.roles import Role
from intranet.db_types import utcnow
from intranet.downloads import service, tasks, writing
from intranet.downloads.models import ExportChunk, ExportFile
from intranet.extensions import db
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.models import Notification
from tests.notifications.test_queue import queue_at, running_consumer


@pytest.fixture
def big(app, monkeypatch):
    """Lists of more than 2 rows are too big to wait for."""
    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 2)


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _sheet(data: bytes) -> list[list]:
    return [
        [cell.value for cell in row]
        for row in openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows()
    ]


def _fresh(statement):
    db.session.commit()  # a new snapshot: the consumer's threads committed in their own sessions
    return db.session.scalar(statement)


def test_a_big_export_arrives_once_and_only_its_owner_fetches_it(app, big, make_user, make_branch, make_job, tmp_path):
    manager = make_user(Role.MANAGER, locale="en")
    colleague = make_user(Role.MANAGER)  # the same branch and role: still not theirs
    elsewhere = make_user(Role.MANAGER, branch=make_branch(code="SH-PD", name="浦东"))
    jobs = [make_job(status="open") for _ in range(3)]
    with queue_at(app, f"sqlite:///{tmp_path / 'queue.sqlite'}"):
        client = app.test_client()
        client.login(manager)
        queued = client.get("/jobs/export.csv?status=open")
        assert queued.status_code == 202
        page = queued.get_data(as_text=True)
        [export_file] = db.session.scalars(select(ExportFile)).all()
        address = f"/exports/{export_file.id}"
        assert f'href="{address}"' in page and export_file.status == "queued"
        assert client.get(address).status_code == 200  # a page saying it is on its way
        task_queue.enqueue(tasks.write_file, export_file.id)  # the same task delivered twice

        with running_consumer(app):
            deadline = time.monotonic() + 30
            while _fresh(select(ExportFile.status)) != "ready" and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.5)  # the twin task runs meanwhile: it must find the file claimed

    assert _fresh(select(func.count()).select_from(ExportFile)) == 1
    told = db.session.scalars(select(Notification).where(Notification.kind == NotificationKind.EXPORT_READY)).all()
    assert [(n.recipient_id, n.link) for n in told] == [(manager.id, address)]
    assert told[0].title == "Your file is ready: Jobs"

    download = client.get(address)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="jobs-')
    rows = _rows(download.get_data())
    assert rows[0][:3] == ["ID", "Job", "Customer"]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(job.id for job in jobs)

    for other in (colleague, elsewhere, make_user(Role.TECHNICIAN), make_user(Role.ADMIN)):
        stranger = app.test_client()
        stranger.login(other)
        assert stranger.get(address).status_code == 404, other.role


def test_the_file_is_kept_in_chunks_and_reads_back_whole(app, big, db_session, make_user, make_job, monkeypatch):
    """Written here by the task itself: many chunks, the same bytes as the list streamed directly."""
    monkeypatch.setattr(writing, "CHUNK_BYTES", 300)
    manager = make_user(Role.MANAGER, locale="zh_Hans")
    for n in range(12):
        make_job(status="open", fault_description=f"第{n}号故障:燃气热水器出水忽冷忽热")
    client = app.test_client()
    client.login(manager)
    assert client.get("/jobs/export.xlsx?status=open").status_code == 202
    file_id = db.session.scalar(select(ExportFile.id))
    tasks.write_file.call_local(file_id)
    tasks.write_file.call_local(file_id)  # a second delivery finds it claimed
    assert _fresh(select(ExportFile.status)) == "ready"
    assert db.session.scalar(select(func.count()).select_from(ExportChunk)) > 3
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1

    kept = client.get(f"/exports/{file_id}").get_data()
    with app.app_context():
        reader = db.session.get(type(manager), manager.id)
        exporting.run_in_background_with(None)  # streamed here, for the comparison
        try:
            direct = app.test_client()
            direct.login(reader)
            streamed = direct.get("/jobs/export.xlsx?status=open").get_data()
        finally:
            exporting.run_in_background_with(service.ask)
    # The same workbook, whichever way it was written (the zip's timestamps aside): the same sheet.
    assert _sheet(kept) == _sheet(streamed) and len(_sheet(kept)) == 13


def test_files_past_their_time_are_gone(app, big, db_session, make_user, make_job):
    manager = make_user(Role.MANAGER)
    for _ in range(3):
        make_job(status="open")
    client = app.test_client()
    client.login(manager)
    client.get("/jobs/export.csv?status=open")
    file_id = db.session.scalar(select(ExportFile.id))
    tasks.write_file.call_local(file_id)
    assert client.get(f"/exports/{file_id}").status_code == 200
    kept_until = _fresh(select(ExportFile.expires_at))
    assert kept_until - utcnow() > timedelta(hours=47)  # EXPORT_KEEP_HOURS: 48
    assert service.tidy(kept_until - timedelta(minutes=1)) == 0
    assert service.tidy(kept_until) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ExportChunk)) == 0
    assert client.get(f"/exports/{file_id}").status_code == 404


def test_a_file_whose_queue_message_was_lost_is_handed_over_again_once(app, big, db_session, make_user, make_job):
    manager = make_user(Role.MANAGER)
    for _ in range(3):
        make_job(status="open")
    task_queue.init_app(app)
    task_queue.huey.flush()
    client = app.test_client()
    client.login(manager)
    client.get("/jobs/export.csv?status=open")
    task_queue.huey.flush()  # the queue lost it
    asked_at = db.session.scalar(select(ExportFile.queued_at))
    with app.test_request_context():
        assert service.tidy(asked_at + timedelta(minutes=4)) == 0  # not lost yet: maybe only slow
    from intranet.unit_of_work import transaction

    with transaction():
        assert service.tidy(asked_at + timedelta(minutes=6)) == 1
    with transaction():
        assert service.tidy(asked_at + timedelta(minutes=7)) == 0  # handed over again once, not every run
    assert task_queue.run_queued() == 1
    assert _fresh(select(ExportFile.status)) == "ready"
    task_queue.huey.flush()
