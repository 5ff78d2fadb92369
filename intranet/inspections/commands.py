"""`flask inspections-generate`: this period's inspections of every recurring assignment."""

import click
from flask.cli import with_appcontext

from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.inspections import blueprint
from intranet.inspections.schedules import generate_all


@blueprint.cli.command("inspections-generate")
@with_appcontext
def generate():
    """Make the inspections due this period (safe to run twice: one per schedule and period)."""
    made = generate_all(utcnow())
    db.session.commit()
    click.echo(f"Generated {made} inspections.")
