"""Knowledge base: the operations manual as articles with revisions, required reading and search."""

from flask import Blueprint

blueprint = Blueprint("kb", __name__)

from intranet.kb import edit_views, views  # noqa: E402,F401
