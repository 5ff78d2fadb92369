"""Downloads: lists too big to wait for, written to a file by the task queue and kept for their owner."""

from flask import Blueprint

blueprint = Blueprint("downloads", __name__)

from intranet.downloads import tasks, views  # noqa: E402,F401
