"""A real task queue: Huey's consumer in worker threads, on SQLite storage and on Redis.

With the consumer stopped, or Redis stopped, events keep being recorded and nothing is lost; once the
queue is back every push arrives, and arrives once.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import time

import pytest
from huey.consumer import Scheduler
from sqlalchemy import func, select

from deploy.scale_out import free_port
from intranet import task_queue
from intranet.access.roles import Role
from intranet.extensions import db
from intranet.notifications import service
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.models import Notification, PushState
from intranet.notifications.recipients import person
from intranet.unit_of_work import transaction


@contextlib.contextmanager
def queue_at(app, url: str):
    """The app's queue on `url` for the block; signal handlers the consumer sets are put back after."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    app.config["QUEUE_URL"] = url
    task_queue.init_app(app)
    try:
        yield
    finally:
        app.config["QUEUE_URL"] = "memory://"
        task_queue.init_app(app)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def running_consumer(app):
    consumer = task_queue.consumer(app, workers=2)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def tell(user, n: int) -> None:
    with transaction():
        service.notify(person(user.id), NotificationKind.JOB_DISPATCHED, f"/jobs/{n}", lambda: (f"Job {n}", ""))


def push_states() -> dict[str, int]:
    db.session.commit()  # a fresh snapshot: the consumer's threads committed in their own sessions
    rows = db.session.execute(select(Notification.push_state, func.count()).group_by(Notification.push_state))
    return dict(rows.all())


def arrived_once(receiver, expected_titles) -> bool:
    titles = sorted(delivery.payload["title"] for delivery in receiver.received)
    return titles == sorted(expected_titles)


@pytest.fixture
def technicians(make_user, subscribe):
    people = [make_user(Role.TECHNICIAN) for _ in range(4)]
    for n, person_ in enumerate(people):
        subscribe(person_, f"tablet-{n}")
    return people


def test_with_the_consumer_stopped_nothing_is_lost_and_everything_arrives_once(
    app, push_ready, receiver, technicians, tmp_path
):
    with queue_at(app, f"sqlite:///{tmp_path / 'queue.sqlite'}"):
        titles = []
        for n, technician in enumerate(technicians * 2):
            tell(technician, n)
            titles.append(f"Job {n}")
        assert push_states() == {PushState.PENDING: 8}
        assert task_queue.huey.pending_count() == 8  # kept in the queue's SQLite file
        time.sleep(0.3)
        assert receiver.received == []

        with running_consumer(app):
            assert receiver.wait_for(8, timeout=30)
            time.sleep(1.5)  # a duplicate would arrive now (the sweep ran at start too)
        assert arrived_once(receiver, titles)
        assert push_states() == {PushState.SENT: 8}


class RedisServer:
    """A Redis of this test's own on a free port (stopping the machine's shared one would hurt others)."""

    def __init__(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (scripts/ensure-test-services installs it)"
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def test_with_redis_down_events_are_recorded_and_pushed_once_it_is_back(
    app, push_ready, receiver, technicians, redis_server, make_job, make_user, monkeypatch
):
    monkeypatch.setattr(Scheduler, "periodic_task_seconds", 1)  # the minute's sweep, every second here
    with queue_at(app, redis_server.url), running_consumer(app):
        tell(technicians[0], 0)
        assert receiver.wait_for(1, timeout=20)

        redis_server.stop()
        tell(technicians[1], 1)
        tell(technicians[2], 2)
        # A request whose event is told while the queue is down still succeeds.
        job = make_job()
        client = app.test_client()
        client.login(make_user(Role.RECEPTIONIST))
        assert client.post_form(f"/jobs/{job.id}/assign", {"technician_id": str(technicians[3].id)}).status_code == 303
        assert push_states() == {PushState.SENT: 1, PushState.PENDING: 3}
        time.sleep(1)
        assert len(receiver.received) == 1

        redis_server.start()  # empty: whatever was queued before is gone, the database still knows
        assert receiver.wait_for(4, timeout=30)
        time.sleep(2)  # several more sweeps: nothing arrives twice
    titles = sorted(delivery.payload["title"] for delivery in receiver.received)
    assert len(titles) == 4 and titles[:3] == ["Job 0", "Job 1", "Job 2"] and job.reference in titles[3]
    assert push_states() == {PushState.SENT: 4}
