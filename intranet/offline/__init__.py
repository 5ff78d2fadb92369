"""Offline support: the service worker, the pages a tablet keeps, and exactly-once submissions."""

from flask import Blueprint

blueprint = Blueprint("offline", __name__)

from intranet.offline import views  # noqa: E402,F401
