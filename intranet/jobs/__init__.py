"""Jobs (work orders), dispatch, the technician's day, visit reports and callbacks."""

from flask import Blueprint

blueprint = Blueprint("jobs", __name__)

from intranet.jobs import views  # noqa: E402,F401
