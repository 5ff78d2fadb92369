"""Signing in and out, the user's own account, and the permission mechanism."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__)

from intranet.auth import views  # noqa: E402,F401  (routes register on import)
