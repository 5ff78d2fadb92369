"""`flask inspections-generate`: this period's inspections of every recurring assignment."""

import click
from flask.cli import with_appcontext

from intranet.db_types import utcnow
from intranet.inspections import blueprint
from intranet.inspections.schedules import generate_all
from intranet.unit_of_work import transaction


@blueprint.cli.command("inspections-generate")
@with_appcontext
def generate():
    """Make the inspections due this period (safe to run twice: one per schedule and period)."""
    with transaction():
        made = generate_all(utcnow())
    click.echo(f"Generated {made} inspections.")
