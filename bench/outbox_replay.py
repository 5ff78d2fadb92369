"""How fast a full outbox drains: N visit reports queued offline, then the network returns.

    .venv/bin/python bench/outbox_replay.py [--items 500] [--runs 3]

Each run: a fresh SQLite database behind gunicorn, N jobs for one technician, N reports (with a
signature image) put in the outbox of a real Chromium while offline; then online, and the clock
runs until every item is "sent". Checks that the server holds exactly N reports, one per job.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import Database, Server

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.outbox import QUEUE_REPORTS

STATES = "async () => (await Outbox.list(document.getElementById('app').dataset.user)).map(i => i.state)"


def make_jobs(database_url: str, count: int) -> list[int]:
    from intranet import create_app
    from intranet.auth.models import User
    from intranet.customers.models import Customer
    from intranet.db_types import utcnow
    from intranet.extensions import db
    from intranet.jobs import service

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-secret"})
    with app.app_context():
        technician = db.session.query(User).filter_by(login="tech").one()
        receptionist = db.session.query(User).filter_by(login="reception").one()
        customer = db.session.query(Customer).filter_by(name="张秀英").one()
        data = service.JobData(
            site_id=customer.sites[0].id,
            source="walk_in",
            priority="normal",
            fault_description="批量",
            due_at=utcnow() + timedelta(hours=1),
            assigned_to_id=technician.id,
        )
        ids = [service.create_job(receptionist, customer, data).id for _ in range(count)]
        db.session.commit()
        return ids


def count_reports(database_url: str, job_ids: list[int]) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT job_id FROM visit_report")).scalars().all()
    engine.dispose()
    mine = [job for job in rows if job in set(job_ids)]
    return len(mine), len(set(mine))


def run(items: int) -> float:
    database = Database("sqlite")
    database.flask("db", "upgrade")
    database.flask("seed-demo")
    job_ids = make_jobs(database.url, items)
    server = Server(database)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=f"http://127.0.0.1:{server.port}")
            page = context.new_page()
            page.goto("/login")
            page.fill("#login", "tech")
            page.fill("#password", "demo1234")
            page.locator("main button[type=submit]").click()
            page.wait_for_url("**/")
            page.goto("/outbox")
            page.wait_for_function("() => window.Outbox && window.intranet && window.intranet.replayOutbox")
            context.set_offline(True)
            page.evaluate(QUEUE_REPORTS, job_ids)
            started = time.perf_counter()
            context.set_offline(False)
            while page.evaluate(STATES) != ["sent"] * items:
                page.wait_for_timeout(200)
            elapsed = time.perf_counter() - started
            browser.close()
    finally:
        server.stop()
    stored, distinct = count_reports(database.url, job_ids)
    database.drop()
    assert stored == distinct == items, f"{stored} reports for {distinct} jobs, expected {items}"
    print(f"{items} queued reports sent in {elapsed:.1f} s ({items / elapsed:.0f}/s), {stored} stored, 0 duplicates")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = [run(args.items) for _ in range(args.runs)]
    print(
        f"median of {args.runs} runs: {statistics.median(times):.1f} s for {args.items} items "
        f"({args.items / statistics.median(times):.0f} items/s)"
    )


if __name__ == "__main__":
    main()
