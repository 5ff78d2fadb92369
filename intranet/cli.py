"""Flask commands: seed-demo and create-user."""

import click
from flask import Flask
from sqlalchemy import select

from intranet.auth import service as accounts
from intranet.auth.roles import Role
from intranet.branches.models import Branch
from intranet.errors import DomainError
from intranet.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
    def seed_demo(if_empty: bool):
        """Load demo branches, users, customers, sites and equipment (safe to run twice)."""
        from intranet.auth.models import User
        from intranet.demo import DEMO_LOGINS, seed

        if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
            click.echo("The database already has users: demo data not loaded.")
            return
        counts = seed()
        db.session.commit()
        click.echo("Demo data ready: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        click.echo("Demo logins (password for all: {}):".format(DEMO_LOGINS["password"]))
        for login, role in DEMO_LOGINS["users"]:
            click.echo(f"  {login:<12} {role}")

    @app.cli.command("bench-seed")
    @click.option("--jobs", "count", default=100_000, show_default=True, help="How many jobs to add.")
    def bench_seed(count: int):
        """Add many technicians, customers, jobs and reports, for benchmarks (run seed-demo first)."""
        from intranet.bulkdata import seed_jobs

        seed_jobs(count)
        db.session.commit()
        # Fresh statistics, and on PostgreSQL a visibility map so counts can use index-only scans,
        # as autovacuum would leave a real database after such a load.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        click.echo(f"Added {count} jobs.")

    @app.cli.command("kb-import")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
    def kb_import(paths):
        """Import Markdown files (or folders of them) into the knowledge base, publishing changes."""
        from intranet.kb.importer import import_paths

        try:
            counts = import_paths(paths)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo("Knowledge base: " + ", ".join(f"{n} {what}" for what, n in counts.items()))

    @app.cli.command("kb-bench-seed")
    @click.option("--articles", "count", default=10_000, show_default=True, help="How many articles to add.")
    def kb_bench_seed(count: int):
        """Add many articles recombined from the demo manual, for the search benchmark."""
        from intranet.kb.bulk import seed_articles

        seed_articles(count)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        click.echo(f"Added {count} articles.")

    @app.cli.command("compile-translations")
    def compile_translations():
        """Compile the Chinese and English catalogues (run by the setup script)."""
        from intranet.translations import compile_catalogues

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
        try:
            user = accounts.create_user(None, accounts.UserData(login, name, role, branch_id, password=password))
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo(f"Created {user.login} ({user.role}).")
