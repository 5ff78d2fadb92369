"""The busiest pages against a bare Flask hello, under the same gunicorn and the same load, in one run.

    .venv/bin/python bench/side_by_side.py [--jobs 100000] [--seconds 12] [--connections 20] [--rounds 3]

For each database: a fresh database with the demo data and `flask bench-seed --jobs N`; gunicorn
(2 workers x 4 threads, as scripts/start) serving the app, and the same gunicorn serving a bare
Flask "hello"; wrk (Debian's package) with N connections and `Accept-Encoding: gzip` as a browser
sends, for each page in turn, several rounds; prints each page's requests per second, its share of
the bare hello's, and p50/p95 latency (medians over the rounds). The load generator shares the two
cores with the servers, as it did when the targets were set.
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, Database, Server, free_port, sign_in

HELLO = """
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
"""

# wrk prints its own summary; this adds the percentiles we quote, in a line easy to read back.
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


class HelloServer:
    """The bare Flask hello under the same gunicorn settings as the app."""

    def __init__(self, folder: Path, workers: int = 2, threads: int = 4):
        (folder / "hello_app.py").write_text(HELLO)
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "hello_app:app",
            ],
            cwd=folder,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the hello server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def wrk(url: str, seconds: float, connections: int, script: Path, headers: dict[str, str] | None = None) -> dict:
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{seconds:.0f}s",
        "-s",
        str(script),
        "-H",
        "Accept-Encoding: gzip",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) errors=(\d+)", output)
    if match is None:
        raise RuntimeError(output)
    rps, p50, p95, errors = match.groups()
    return {"rps": float(rps), "p50": float(p50), "p95": float(p95), "errors": int(errors)}


# What htmx sends for a live search: the results fragment only, as a browser gets it while typing.
LIVE_SEARCH = {"HX-Request": "true", "HX-Target": "kb-results", "HX-Current-URL": "/kb"}


def answer(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One GET without following redirects: a page measured must answer 200 itself, not send to the sign-in."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def pages(server_port: int) -> list[tuple[str, str, dict[str, str]]]:
    """(label, path, headers) of the pages measured; each signed in as the person who uses it."""
    technician = {"Cookie": sign_in(server_port, "bench.bj-ft.0")}
    manager = {"Cookie": sign_in(server_port, "manager")}
    reception = {"Cookie": sign_in(server_port, "reception")}
    chosen = [
        ("sign-in page (no database work)", "/login", {}),
        ("Today, technician", "/today", technician),
        ("job list, manager, unfiltered", "/jobs", manager),
        ("job list, manager, ?status=assigned", "/jobs?status=assigned", manager),
        ("KB live search, technician", "/kb?q=%E6%8A%95%E8%AF%89", technician | LIVE_SEARCH),
        ("front desk, receptionist", "/desk", reception),
    ]
    for label, path, headers in chosen:
        status, body = answer(server_port, path, headers)
        if status != 200:
            raise RuntimeError(f"{label}: GET {path} answered {status}, not 200")
        if path == "/today":
            # The goal is stated for a technician with about 20 jobs on Today.
            cards = body.count(b'id="job-card-')
            print(f"Today of bench.bj-ft.0: {cards} job cards, {len(body)} bytes")
    return chosen


def bench(backend: str, jobs: int, seconds: float, connections: int, rounds: int, folder: Path) -> list[str]:
    database = Database(backend)
    script = folder / "report.lua"
    script.write_text(REPORT)
    try:
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        database.flask("bench-seed", "--jobs", str(jobs))
        app, hello = Server(database), HelloServer(folder)
        try:
            measured = {"bare Flask hello": []}
            chosen = pages(app.port)
            for label, _path, _headers in chosen:
                measured[label] = []
            for _round in range(rounds):
                measured["bare Flask hello"].append(
                    wrk(f"http://127.0.0.1:{hello.port}/", seconds, connections, script)
                )
                for label, path, headers in chosen:
                    measured[label].append(
                        wrk(f"http://127.0.0.1:{app.port}{path}", seconds, connections, script, headers)
                    )
        finally:
            app.stop()
            hello.stop()
    finally:
        database.drop()
    base = statistics.median(r["rps"] for r in measured["bare Flask hello"])
    lines = []
    for label, runs in measured.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p95 = statistics.median(r["p95"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        lines.append(
            f"{backend:10s} {label:40s} {rps:8.0f} rps  {100 * rps / base:5.1f} % of hello"
            f"  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms{'  ERRORS ' + str(errors) if errors else ''}"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    print(
        f"{args.connections} connections, {args.seconds:.0f} s a page, {args.rounds} rounds (medians), "
        f"{args.jobs} jobs, gunicorn 2 workers x 4 threads, {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as folder:
        lines = []
        for backend in args.backends.split(","):
            lines += bench(backend, args.jobs, args.seconds, args.connections, args.rounds, Path(folder))
    print("\n".join(["", *lines]))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
