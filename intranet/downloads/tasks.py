"""Queued work of downloads: writing an export asked for in a request."""

from intranet import task_queue
from intranet.downloads import writing


@task_queue.task()
def write_file(file_id: int) -> None:
    writing.write(file_id)


def queue_writing(file_id: int) -> None:
    """After the commit that recorded the file; a queue that is down costs a delay (the sweep re-queues)."""
    task_queue.enqueue(write_file, file_id)
