"""The task queue (Huey): work handed over once a transaction is committed, and work done on a schedule.

Huey's SQLite storage (a file in instance/, no server to run) is the default; with REDIS_URL set its
Redis storage lets several app servers share one queue. A consumer runs the tasks (`flask queue`;
scripts/start runs one beside the web server). Each task runs in an app context of its own and does
its database work in `transaction()`. The database stays the record of what is to be done: a queue
that is down loses a wake-up call, never the work, because a periodic sweep finds what waits.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, g, has_app_context
from huey import Huey
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

NAME = "intranet"
# results=False: nothing waits for a task's return value, so nothing needs storing.
huey = Huey(NAME, results=False, utc=True, storage_class=MemoryStorage)
_log = logging.getLogger(__name__)
_app: list[Flask] = []  # the app whose context tasks run in (the last one set up in this process)


def storage_for(url: str):
    """redis://... (or rediss://), sqlite:///path, or memory:// (a test app's queue, never shared)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(NAME, url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage(NAME, filename=str(path))
    if url == "memory://":
        return MemoryStorage(NAME)
    raise ValueError(f"unknown task queue URL {url!r}: use redis://, sqlite:/// or memory://")


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage; tasks run in this app's context from now on."""
    url = app.config.get("QUEUE_URL")
    if not url:
        # A test app never touches the real queue unless a test asks for one.
        url = "memory://" if app.testing else f"sqlite:///{Path(app.instance_path) / 'queue.sqlite'}"
        app.config["QUEUE_URL"] = url
    huey.storage = storage_for(url)
    _app[:] = [app]


def _the_app() -> Flask:
    """The app of the caller's context (a task run in place), else the one set up for this process's queue."""
    return current_app._get_current_object() if has_app_context() else _app[0]


def _in_app_context(function: Callable) -> Callable:
    @wraps(function)
    def run(*args, **kwargs):
        with _the_app().app_context():  # a context of its own: its own database session
            g.writes_first = True  # on SQLite, BEGIN IMMEDIATE: a task reads, then writes (see sqlite.py)
            return function(*args, **kwargs)

    return run


def task(**options):
    """Decorator: a function that, called, is queued; `.call_local(...)` runs it here and now."""

    def decorate(function: Callable):
        return huey.task(**options)(_in_app_context(function))

    return decorate


def periodic(when: Callable[[datetime], bool], **options):
    """Decorator: run the function whenever `when(now)` holds for the minute the scheduler checks.

    `when` receives an aware UTC datetime (Huey hands over naive UTC).
    """

    def validate(naive_utc: datetime) -> bool:
        with _the_app().app_context():  # the scheduler thread has none; `when` may read the app's time zone
            return when(naive_utc.replace(tzinfo=UTC))

    def decorate(function: Callable):
        return huey.periodic_task(validate, **options)(_in_app_context(function))

    return decorate


def enqueue(queued_task, *args) -> bool:
    """Queue `queued_task(*args)`; False (logged) when the queue cannot be reached.

    Callers only hand over work the database already records, so a False costs a delay, not the work.
    """
    return _handed_over(queued_task, lambda: queued_task(*args))


def enqueue_at(queued_task, eta: datetime, *args) -> bool:
    """Queue `queued_task(*args)` to run at `eta` (an aware datetime; at once if it has passed), not
    before: the consumer's scheduler checks every second. False (logged) when the queue cannot be reached."""
    return _handed_over(queued_task, lambda: queued_task.schedule(args, eta=eta))


def _handed_over(queued_task, hand_over: Callable[[], object]) -> bool:
    try:
        hand_over()
    except Exception:  # Redis down, SQLite file locked for too long...
        _log.warning("the task queue could not take %s; the next sweep will", queued_task.name, exc_info=True)
        return False
    return True


def consumer(app: Flask, workers: int | None = None, periodic_tasks: bool = True, **options) -> Consumer:
    """A consumer of the app's queue with worker threads (`.run()` in the foreground, or start/stop)."""
    _app[:] = [app]
    return huey.create_consumer(
        workers=workers or app.config.get("QUEUE_WORKERS", 4),
        worker_type="thread",
        periodic=periodic_tasks,
        # Redis blocks on its queue; SQLite is polled: at most a second's wait once the queue is idle.
        initial_delay=0.05,
        max_delay=1.0,
        **options,
    )


def run_queued(limit: int = 10_000) -> int:
    """Run every task waiting in the queue, here, one after another (tests and commands); how many ran."""
    ran = 0
    while ran < limit:
        queued = huey.dequeue()
        if queued is None:
            return ran
        huey.execute(queued)
        ran += 1
    return ran
