"""Inspection checklists: versioned templates, assignments, filling (offline too), scoring, sign-off."""

from flask import Blueprint

blueprint = Blueprint("inspections", __name__, cli_group=None)

from intranet.inspections import action_views, commands, editor_views, fill_views, views  # noqa: E402,F401
