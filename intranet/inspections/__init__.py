"""Inspection checklists: versioned templates, assignments, filling (offline too), scoring, sign-off."""

from flask import Blueprint

blueprint = Blueprint("inspections", __name__, cli_group=None)

from intranet.inspections import commands, editor_views, views  # noqa: E402,F401
