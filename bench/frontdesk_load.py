"""Load on the front desk with two years of registers: the desk page and the complaint list, and Today.

    .venv/bin/python bench/frontdesk_load.py [--clients 10] [--seconds 15] [--runs 3] [--pairs 8] [--jobs 100000]

For each database: migrate, load the demo data, `flask bench-seed --jobs N` (Today's technicians and
jobs) and `flask frontdesk-bench-seed` (10,000 complaints, 50,000 appointments, 20,000 visitors,
50,000 calls), start gunicorn (2 workers x 4 threads on this 2-core machine) and sign in receptionists
and technicians. Each run has three phases of --clients concurrent clients (closed loop, no think
time), one page each: Today for technicians (the reference), the desk page for receptionists, and
the complaint list (filters and pages as a receptionist uses them). It prints the latency
percentiles of each phase per run and the median over runs, the CPU a request used (the server's
workers, and PostgreSQL's backends for the bench database), and whether the desk costs no more than
Today by both measures, judged from --pairs short phases of the two pages back to back (the median of
their ratios). The load generator shares the machine's two cores with the server: the latencies also
move with whatever else the machine runs, the CPU a request less, the ratio within a pair least.
"""

import argparse
import itertools
import statistics
import threading
import time

from common import Client, CpuMeter, Database, Server, percentile, sign_in, summary

COMPLAINT_LISTS = [
    "/complaints",
    "/complaints?status=active",
    "/complaints?overdue=1",
    "/complaints?status=closed&page=3",
    "/complaints?category=delay",
    "/complaints?mine=1",
    "/complaints?channel=hotline&page=2",
]


def run_phase(port: int, cookies: list[str], paths, seconds: float, warmup: float = 2.0) -> tuple[list[float], int]:
    """The latencies after the warm-up, and how many requests were made in all (for the CPU they used)."""
    samples, made = [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + warmup + seconds
    record_from = time.monotonic() + warmup

    def worker(cookie: str, offset: int):
        client = Client(port, cookie)
        cycle = itertools.islice(itertools.cycle(paths), offset, None)
        mine, count = [], 0
        while (now := time.monotonic()) < stop_at:
            elapsed = client.get(next(cycle))
            count += 1
            if now >= record_from:
                mine.append(elapsed)
        with lock:
            samples.extend(mine)
            made.append(count)

    threads = [threading.Thread(target=worker, args=(cookie, n)) for n, cookie in enumerate(cookies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, sum(made)


def compare_in_pairs(backend: str, port: int, meter, phases: dict, pairs: int, seconds: float) -> list[tuple]:
    """The desk against Today in short phases back to back, each pair in the other order than the last: the
    ratios desk / Today of p50 and of CPU a request, each from two phases that met the same machine."""
    ratios = []
    for pair in range(pairs):
        measured = {}
        for name in ("today", "desk") if pair % 2 == 0 else ("desk", "today"):
            cookies, paths = phases[name]
            meter.start()
            values, requests = run_phase(port, cookies, paths, seconds, warmup=1.0)
            measured[name] = (percentile(values, 50), sum(meter.stop()) / requests)
        ratios.append(tuple(measured["desk"][n] / measured["today"][n] for n in range(2)))
        print(f"[{backend}] pair {pair + 1} desk / Today: p50 {ratios[-1][0]:.2f}  CPU a request {ratios[-1][1]:.2f}")
    return ratios


def bench(backend: str, jobs: int, clients: int, seconds: float, runs: int, pairs: int, pair_seconds: float) -> dict:
    database = Database(backend)
    try:
        started = time.perf_counter()
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        database.flask("bench-seed", "--jobs", str(jobs))
        print(f"[{backend}] {database.flask('frontdesk-bench-seed').strip()}")
        print(f"[{backend}] database ready in {time.perf_counter() - started:.0f} s")
        server = Server(database)
        try:
            codes = ["bj-ft", "bj-hd", "sh-pd"]
            desk_logins = [f"bench.desk.{codes[n % 3]}.{n // 3 % 5}" for n in range(clients)]
            tech_logins = [f"bench.{codes[n % 3]}.{n // 3 % 15}" for n in range(clients)]
            receptionists = [sign_in(server.port, login) for login in desk_logins]
            technicians = [sign_in(server.port, login) for login in tech_logins]
            phases = {
                "today": (technicians, ["/today"]),
                "desk": (receptionists, ["/desk"]),
                "complaints": (receptionists, COMPLAINT_LISTS),
            }
            results = {name: [] for name in phases}
            meter = CpuMeter(server, database)
            for cookies, paths in phases.values():  # every page drawn for a second before any is timed
                run_phase(server.port, cookies, paths, seconds=0, warmup=1)
            for run in range(1, runs + 1):
                # Each phase leads a run in turn: no page always follows the same one (or comes first).
                order = list(phases)[run - 1 :] + list(phases)[: run - 1]
                for name in order:
                    cookies, paths = phases[name]
                    meter.start()
                    values, requests = run_phase(server.port, cookies, paths, seconds)
                    app, db = (used * 1000 / requests for used in meter.stop())
                    print(
                        f"[{backend}] run {run} {name:10s} {summary(values)}  ({len(values) / seconds:.0f} req/s, "
                        f"CPU {app:.1f} ms app + {db:.1f} ms database a request)"
                    )
                    results[name].append((percentile(values, 50) * 1000, percentile(values, 95) * 1000, app + db))
            results["pairs"] = compare_in_pairs(backend, server.port, meter, phases, pairs, pair_seconds)
            return results
        finally:
            server.stop()
    finally:
        database.drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=8, help="short desk / Today pairs for the verdict")
    parser.add_argument("--pair-seconds", type=float, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"{args.clients} concurrent clients per phase, no think time, {args.seconds:.0f} s per phase, {args.runs} runs"
    )
    lines = []
    for backend in args.backends.split(","):
        results = bench(backend, args.jobs, args.clients, args.seconds, args.runs, args.pairs, args.pair_seconds)
        pairs = results.pop("pairs")
        medians = {
            name: tuple(statistics.median(run[n] for run in runs_of) for n in range(3))
            for name, runs_of in results.items()
        }
        for name, (p50, p95, cpu) in medians.items():
            lines.append(
                f"{backend:10s} {name:10s} median of runs: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                f"CPU {cpu:5.1f} ms a request"
            )
        # The verdict from the pairs: two pages measured minutes apart differ by the machine's mood as much as
        # by their cost (the same page's CPU a request moved by a third between runs on this shared machine).
        for n, measure in ((0, "p50"), (1, "CPU a request")):
            ratio = statistics.median(pair[n] for pair in pairs)
            cheaper = sum(pair[n] <= 1 for pair in pairs)
            verdict = "no more than" if ratio <= 1 else "MORE than"
            lines.append(
                f"{backend:10s} the desk page costs {verdict} Today: {measure} desk / Today median {ratio:.2f} "
                f"over {len(pairs)} pairs (desk no more in {cheaper})"
            )
    print("\n".join(["", "Summary", *lines]))


if __name__ == "__main__":
    main()
