"""Attachments: uploaded files kept in the database, their type sniffed from the bytes, with thumbnails."""

from flask import Blueprint

blueprint = Blueprint("attachments", __name__)

from intranet.attachments import views  # noqa: E402,F401
