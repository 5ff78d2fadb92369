"""Administration: the users and branches tables (records.py declares each kind)."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

from intranet.admin import views  # noqa: E402,F401
