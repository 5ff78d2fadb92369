"""The front desk's periodic work as `flask` commands, each safe to run twice and each taking --now.

- frontdesk-alarms: warn owners before their complaints' answer time, alert duty managers when it
  passes; prints when the next alarm is due, so a scheduler can wake exactly then.
- frontdesk-no-shows: bookings not arrived their branch's grace after their time become no-shows.
- frontdesk-close-day: the close-out page of every branch whose working day has ended.

Each prints the next instant it has work at, so a scheduler (the task queue) can wake exactly then.

And frontdesk-bench-seed, which fills a database for bench/frontdesk_load.py.
"""

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.frontdesk import blueprint
from intranet.frontdesk.appointments import mark_no_shows, next_lapse_at
from intranet.frontdesk.bulk import seed_desk
from intranet.frontdesk.closeout import close_days, next_closing_at
from intranet.frontdesk.deadlines import fire_due_alarms, next_alarm_at
from intranet.unit_of_work import transaction


def _instant(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("an ISO 8601 instant, e.g. 2026-11-27T17:30+08:00", param_hint="--now") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give the zone, e.g. 2026-11-27T17:30+08:00", param_hint="--now")
    return moment.astimezone(UTC)


NOW = click.option("--now", "now_text", help="The instant to act as at (ISO 8601 with zone); default: now.")


@blueprint.cli.command("frontdesk-alarms")
@NOW
@with_appcontext
def alarms(now_text):
    """Fire the complaint alarms due now: warnings to owners, alerts to duty managers."""
    now = _instant(now_text)
    with transaction():
        warned, overdue = fire_due_alarms(now)
        following = next_alarm_at()
    click.echo(f"Warned {warned} owners, alerted {overdue} overdue complaints.")
    click.echo(f"Next alarm at {following.isoformat() if following else 'nothing pending'}.")


@blueprint.cli.command("frontdesk-no-shows")
@NOW
@with_appcontext
def no_shows(now_text):
    """Mark the bookings not arrived in time as no-shows."""
    now = _instant(now_text)
    with transaction():
        marked = mark_no_shows(now)
        following = next_lapse_at(now)
    click.echo(f"Marked {marked} no-shows.")
    click.echo(f"Next booking lapses at {following.isoformat() if following else 'nothing pending'}.")


@blueprint.cli.command("frontdesk-close-day")
@NOW
@with_appcontext
def close_day(now_text):
    """Make the close-out of every branch whose working day has ended."""
    now = _instant(now_text)
    with transaction():
        made = close_days(now)
        following = next_closing_at(now)
    click.echo(f"Made {made} close-outs.")
    click.echo(f"Next working day ends at {following.isoformat() if following else 'no branch opens'}.")


@blueprint.cli.command("frontdesk-bench-seed")
@click.option("--complaints", default=10_000, show_default=True)
@click.option("--appointments", default=50_000, show_default=True)
@click.option("--visitors", default=20_000, show_default=True)
@click.option("--calls", default=50_000, show_default=True)
@with_appcontext
def bench_seed(complaints, appointments, visitors, calls):
    """Add two years of desk registers, for the benchmark (run seed-demo, and bench-seed for Today, first)."""
    with transaction():
        counts = seed_desk(complaints, appointments, visitors, calls)
    # Fresh statistics (and a visibility map on PostgreSQL), as autovacuum would leave a real database.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
    click.echo("Added " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
