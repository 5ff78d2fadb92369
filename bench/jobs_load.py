"""Load on the two busiest pages with 100,000 jobs: a technician's Today and a manager's filtered list.

    .venv/bin/python bench/jobs_load.py [--jobs 100000] [--clients 20] [--seconds 20] [--runs 3]

For each database: migrate, load the demo data and `flask bench-seed --jobs N`, start gunicorn
(2 workers x 4 threads on this 2-core machine), sign in 10 technicians and 10 manager sessions,
then keep 20 clients busy (closed loop; --think adds a random pause between a client's requests, as a
person reading the page would) and report the latency percentiles of each page, per run and the
median over runs. The load generator shares the machine's two cores with the server.
"""

import argparse
import datetime
import itertools
import random
import statistics
import threading
import time

from common import Client, Database, Server, percentile, sign_in, summary


def manager_paths():
    today = datetime.date.today()
    week_ago = today - datetime.timedelta(days=7)
    return itertools.cycle(
        [
            "/jobs?status=assigned",
            "/jobs?status=in_progress",
            f"/jobs?due_from={week_ago}&due_to={today}",
            "/jobs?status=closed&page=3",
            "/jobs?status=done",
            "/jobs",
        ]
    )


def run_load(port: int, technicians: list[str], managers: list[str], seconds: float, think: float, warmup: float = 3.0):
    samples = {"today": [], "jobs": []}
    lock = threading.Lock()
    stop_at = time.monotonic() + warmup + seconds
    record_from = time.monotonic() + warmup

    def worker(kind: str, cookie: str):
        client = Client(port, cookie)
        rng = random.Random(cookie)
        paths = manager_paths() if kind == "jobs" else itertools.repeat("/today")
        mine = []
        while (now := time.monotonic()) < stop_at:
            elapsed = client.get(next(paths))
            if now >= record_from:
                mine.append(elapsed)
            if think:
                time.sleep(rng.uniform(0, 2 * think))
        with lock:
            samples[kind].extend(mine)

    threads = [threading.Thread(target=worker, args=("today", c)) for c in technicians]
    threads += [threading.Thread(target=worker, args=("jobs", c)) for c in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def bench(backend: str, jobs: int, clients: int, seconds: float, runs: int, think: float) -> dict:
    database = Database(backend)
    try:
        started = time.perf_counter()
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        database.flask("bench-seed", "--jobs", str(jobs))
        print(f"[{backend}] database ready with {jobs} jobs in {time.perf_counter() - started:.0f} s")
        server = Server(database)
        try:
            half = clients // 2
            technicians = [sign_in(server.port, f"bench.bj-ft.{n}") for n in range(half)]
            managers = [sign_in(server.port, "manager") for _ in range(clients - half)]
            results = {"today": [], "jobs": []}
            for run in range(1, runs + 1):
                samples = run_load(server.port, technicians, managers, seconds, think)
                for page, values in samples.items():
                    print(f"[{backend}] run {run} {page:5s}  {summary(values)}  ({len(values) / seconds:.0f} req/s)")
                    results[page].append((percentile(values, 50) * 1000, percentile(values, 95) * 1000))
            return results
        finally:
            server.stop()
    finally:
        database.drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause between a client's requests in seconds (0: back to back, saturation)",
    )
    args = parser.parse_args()
    pace = f"think time {args.think:.2f} s mean" if args.think else "no think time (saturation)"
    print(
        f"{args.clients} concurrent clients, {pace}, {args.seconds:.0f} s per run, {args.runs} runs, {args.jobs} jobs"
    )
    summaries = []
    for backend in args.backends.split(","):
        results = bench(backend, args.jobs, args.clients, args.seconds, args.runs, args.think)
        for page, pairs in results.items():
            p50 = statistics.median(p for p, _ in pairs)
            p95 = statistics.median(p for _, p in pairs)
            summaries.append(
                f"{backend:10s} {page:5s}  median of runs: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                f"(target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'})"
            )
    print("\n".join(["", "Summary", *summaries]))


if __name__ == "__main__":
    main()
