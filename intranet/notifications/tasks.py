"""Queued work of notifications: pushing what waits once the rows that record it are committed.

A transaction that told people wakes the queue once (`wake_delivery`); the woken task reads what waits
and hands it to the workers in batches, so a revision for two thousand people costs its request one
small message, and several consumers share the pushes.
"""

from datetime import datetime

from intranet import task_queue
from intranet.notifications import delivery
from intranet.unit_of_work import transaction

BATCH = 100  # notifications per task: several workers share a large batch (a revision for everyone)


@task_queue.task()
def push_notifications(notification_ids: list[int], as_of: datetime | None = None) -> None:
    """Push those of these notifications that are due (as of the sweep that found them, or now)."""
    delivery.deliver(notification_ids, as_of)


def queue_delivery(notification_ids: list[int], as_of: datetime | None = None) -> None:
    """Hand the pushes to the queue; if it is down, they wait in the database for the next sweep."""
    for start in range(0, len(notification_ids), BATCH):
        if not task_queue.enqueue(push_notifications, notification_ids[start : start + BATCH], as_of):
            return


def queue_waiting(as_of: datetime | None = None) -> int:
    """Hand every notification whose push waits and is due to the workers; how many there were."""
    with transaction():
        waiting = delivery.due_for_push(as_of)
    queue_delivery(waiting, as_of)
    return len(waiting)


@task_queue.task()
def push_waiting() -> None:
    queue_waiting()


def wake_delivery() -> None:
    """After a commit that wrote pushes to make (see service.notify); a queue that is down costs a delay."""
    task_queue.enqueue(push_waiting)


def sweep(now: datetime | None = None) -> int:
    """The minute's sweep: what waits (a queue that was down, quiet hours that ended), and due retries."""
    waiting = queue_waiting(now)
    delivery.retry_due(now)
    return waiting
