"""The home page and the health check."""

from flask import Blueprint

blueprint = Blueprint("main", __name__)

from intranet.main import views  # noqa: E402,F401
