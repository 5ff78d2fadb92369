"""The managers' dashboard over a company's history: 100,000 jobs (with reports and callbacks),
20,000 signed-off inspections with their corrective actions and 10,000 parts used on jobs, and two
years of the front desk (10,000 complaints, 50,000 appointments: `flask frontdesk-bench-seed`).

    .venv/bin/python bench/dashboard_load.py [--jobs 100000] [--inspections 20000] [--moves 10000] [--runs 40]

For each database: migrate, load the demo and the bulk data (`flask bench-seed`, `flask
frontdesk-bench-seed`), serve with
gunicorn, sign in, and time GET /dashboard one request at a time (one manager; the page computes
every figure for the period and the compared one). Prints p50/p95 per page (target p95 < 150 ms
for one manager's month), the machine's load average, and the CPU time the app spent per request,
which does not grow when other work shares the cores.
"""

import argparse
import os
from pathlib import Path

from common import Client, Database, Server, percentile, sign_in

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by gunicorn's master and its workers: what a request costs
    the app whatever else the machine is doing (the wall-clock figures wait behind other work)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == master or int(fields[1]) == master:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


PAGES = [
    ("manager", "/dashboard", "manager, this month"),
    ("manager", "/dashboard?period=quarter&compare=last_year", "manager, quarter vs last year"),
    ("admin", "/dashboard", "admin, all branches, this month"),
    ("manager", "/dashboard/reports/operations", "manager, monthly operations report"),
    ("manager", "/dashboard/reports/callbacks", "manager, weekly callback report"),
    ("admin", "/dashboard/reports/callbacks?period=quarter", "admin, quarterly callback report"),
]


def run(backend: str, jobs: int, inspections: int, moves: int, runs: int) -> None:
    database = Database(backend)
    server = None
    try:
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        database.flask("bench-seed", "--jobs", str(jobs), "--inspections", str(inspections), "--moves", str(moves))
        database.flask("frontdesk-bench-seed")
        server = Server(database)
        load = os.getloadavg()[0]
        print(f"{backend}: {jobs} jobs, {inspections} inspections, {moves} parts used (load average {load:.1f})")
        cookies = {}
        for login, path, label in PAGES:
            cookie = cookies.setdefault(login, sign_in(server.port, login))
            client = Client(server.port, cookie)
            for _ in range(3):  # warm the worker's caches and the database's pages
                client.get(path)
            cpu_before = cpu_seconds(server.process.pid)
            samples = [client.get(path) * 1000 for _ in range(runs)]
            cpu = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / runs
            print(
                f"  {label:<38} p50 {percentile(samples, 50):7.1f} ms   p95 {percentile(samples, 95):7.1f} ms"
                f"   app CPU {cpu:6.1f} ms a request   (n={runs})"
            )
    finally:
        if server is not None:
            server.stop()
        database.drop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--inspections", type=int, default=20_000)
    parser.add_argument("--moves", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        run(backend, args.jobs, args.inspections, args.moves, args.runs)


if __name__ == "__main__":
    main()
