"""The managers' dashboard and the printable reports by period, built from the features' figures."""

from flask import Blueprint

blueprint = Blueprint("dashboard", __name__)

from intranet.dashboard import views  # noqa: E402,F401
