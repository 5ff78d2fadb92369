"""Flask commands: demo and benchmark data, knowledge-base import, translations, create-user, the queue
consumer and the VAPID keys."""

import logging
from contextlib import contextmanager

import click
from flask import Flask, current_app
from sqlalchemy import select

from intranet import task_queue
from intranet.access.roles import Role
from intranet.auth import service as accounts
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.bulkdata import seed_inspections, seed_jobs, seed_part_moves
from intranet.demo import DEMO_LOGINS, seed
from intranet.errors import DomainError
from intranet.extensions import db
from intranet.kb.bulk import seed_articles
from intranet.kb.importer import import_paths
from intranet.notifications import vapid
from intranet.translations import compile_catalogues
from intranet.unit_of_work import transaction


@contextmanager
def _command_transaction():
    """A command's work in one transaction; a domain error rolls it back and becomes the command's error."""
    try:
        with transaction():
            yield
    except DomainError as error:
        raise click.ClickException(error.message) from error


def _bulk_load(load, done: str) -> None:
    """Run `load` in one transaction, then fresh planner statistics, and on PostgreSQL a visibility map
    so counts can use index-only scans, as autovacuum would leave a real database after such a load."""
    with transaction():
        load()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
    click.echo(done)


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
    def seed_demo(if_empty: bool):
        """Load demo branches, users, customers, sites and equipment (safe to run twice)."""
        if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
            click.echo("The database already has users: demo data not loaded.")
            return
        with transaction():
            counts = seed()
        click.echo("Demo data ready: " + _counted(counts))
        click.echo("Demo logins (password for all: {}):".format(DEMO_LOGINS["password"]))
        for login, role in DEMO_LOGINS["users"]:
            click.echo(f"  {login:<12} {role}")

    @app.cli.command("bench-seed")
    @click.option("--jobs", "count", default=100_000, show_default=True, help="How many jobs to add.")
    @click.option("--inspections", default=0, show_default=True, help="Signed-off inspections to add.")
    @click.option("--moves", default=0, show_default=True, help="Parts used on jobs (stock moves) to add.")
    def bench_seed(count: int, inspections: int, moves: int):
        """Add many technicians, customers, jobs and reports, for benchmarks (run seed-demo first)."""

        def load():
            seed_jobs(count)
            if inspections:
                seed_inspections(inspections)
            if moves:
                seed_part_moves(moves)

        _bulk_load(load, f"Added {count} jobs, {inspections} inspections, {moves} stock moves.")

    @app.cli.command("kb-import")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
    def kb_import(paths):
        """Import Markdown files (or folders of them) into the knowledge base, publishing changes."""
        with _command_transaction():
            counts = import_paths(paths)
        click.echo("Knowledge base: " + _counted(counts))

    @app.cli.command("kb-bench-seed")
    @click.option("--articles", "count", default=10_000, show_default=True, help="How many articles to add.")
    def kb_bench_seed(count: int):
        """Add many articles recombined from the demo manual, for the search benchmark."""
        _bulk_load(lambda: seed_articles(count), f"Added {count} articles.")

    @app.cli.command("compile-translations")
    def compile_translations():
        """Compile the Chinese and English catalogues (run by the setup script)."""
        for path in compile_catalogues():
            click.echo(f"compiled {path}")

    @app.cli.command("create-user")
    @click.argument("login")
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--branch", "branch_code", help="Branch code (not needed for an admin).")
    @click.password_option()
    def create_user(login, name, role, branch_code, password):
        """Create a user account."""
        branch_id = None
        if branch_code:
            branch = db.session.scalar(select(Branch).where(Branch.code == branch_code.upper()))
            if branch is None:
                raise click.BadParameter(f"no branch with code {branch_code}", param_hint="--branch")
            branch_id = branch.id
        with _command_transaction():
            user = accounts.create_user(None, accounts.UserData(login, name, role, branch_id, password=password))
        click.echo(f"Created {user.login} ({user.role}).")

    @app.cli.command("queue")
    @click.option("--workers", type=int, help="Worker threads (default QUEUE_WORKERS, 4).")
    @click.option("--no-periodic", is_flag=True, help="Only run queued tasks: another consumer runs the schedule.")
    def queue(workers: int | None, no_periodic: bool):
        """Run the task queue's consumer: pushes, and the schedule (intranet/schedule.py) in place of cron."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        click.echo(f"Task queue consumer on {current_app.config['QUEUE_URL']}")
        task_queue.consumer(current_app._get_current_object(), workers, periodic_tasks=not no_periodic).run()

    @app.cli.command("vapid-keys")
    @click.option("--if-missing", is_flag=True, help="Say nothing when the key already exists.")
    def vapid_keys(if_missing: bool):
        """Make the web-push (VAPID) key pair into instance/ once; print the public key."""
        if current_app.config.get("VAPID_PRIVATE_KEY"):
            click.echo("VAPID_PRIVATE_KEY is set: nothing to make.")
            return
        path, made = vapid.make_keys(current_app.instance_path)
        if made or not if_missing:
            click.echo(f"{'Made' if made else 'Kept'} {path}")
            click.echo(f"Public key: {vapid.application_server_key()}")
