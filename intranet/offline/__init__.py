"""Offline support: the service worker, the pages a tablet keeps, and exactly-once submissions."""

from flask import Blueprint

blueprint = Blueprint("offline", __name__)

from intranet.offline import views  # noqa: E402,F401
from intranet.offline.tablet_user import tell_the_service_worker  # noqa: E402

blueprint.after_app_request(tell_the_service_worker)
