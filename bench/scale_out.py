"""Throughput through nginx with one and with two app servers on this machine, and where the CPU goes.

    .venv/bin/python bench/scale_out.py [--jobs 20000] [--seconds 10] [--connections 20] [--rounds 3]

The setup is scripts/scale-out's (deploy/scale_out.py): nginx, gunicorn app servers, PostgreSQL, Redis,
one queue consumer; a fresh PostgreSQL database with the demo data and `flask bench-seed --jobs N`.
wrk (Debian's package) drives each page with N connections and `Accept-Encoding: gzip` for each of:

- gunicorn alone, 1 server x 2 workers (no nginx: what nginx costs);
- nginx, 1 app server x 2 workers (one worker per core, as scripts/start);
- nginx, 2 app servers x 2 workers (4 workers on the same 2 cores);
- nginx, 2 app servers x 1 worker (the same 2 workers as the first, split over two servers).

The three sets of app servers run at once (idle but the one measured), and the rounds go page by page
through every setup in turn, so other work on this shared machine weighs on each alike. For every run
it reads the CPU time each part used from /proc (the setup's app server processes, the database backends
of its connections, nginx) and from the kernel's account of wrk, and prints it per request. That, not
the throughput of a machine whose two cores also run the load generator, the database and other
people's work, says how many cores a load needs: "per core" is the requests per second one core gives
to app, database and nginx together (1000 / their CPU ms per request). "machine busy" is the share of
both cores busy with anything (other work included); "db conns" the most connections the setup held.
Medians of the rounds. Then a visit report with three photo-sized JPEGs, sent 30 times: its cost.
"""

import argparse
import contextlib
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import requests
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import POSTGRES_ADMIN_URL, Database

from deploy.scale_out import ScaleOut
from intranet import create_app
from intranet.extensions import db
from tests.e2e.tablet import make_jobs

TICK = os.sysconf("SC_CLK_TCK")
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""
CLUSTERS = [
    # (label, app servers, gunicorn workers each): all started at once, idle while another is measured
    ("1 app server x 2 workers", 1, 2),
    ("2 app servers x 2 workers", 2, 2),
    ("2 app servers x 1 worker", 2, 1),
]
SETUPS = [
    # (label, which cluster, through nginx)
    ("gunicorn alone, 1 x 2 workers", 0, False),
    ("nginx, 1 app server x 2 workers", 0, True),
    ("nginx, 2 app servers x 2 workers", 1, True),
    ("nginx, 2 app servers x 1 worker", 2, True),
]


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                members.append(int(entry.name))
    return members


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


class DatabaseBackends:
    """The PostgreSQL backends serving one setup: its connections carry application_name=bench-N."""

    def __init__(self, number: int):
        self.name = f"bench-{number}"
        self.admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)

    def pids(self) -> set[int]:
        rows = self.admin.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.name,))
        return {pid for (pid,) in rows.fetchall()}


class Parts:
    """The process ids of each part of the setup, for the CPU accounting."""

    def __init__(self, cluster: ScaleOut, backends: DatabaseBackends):
        self.cluster, self.backends = cluster, backends

    def snapshot(self) -> dict[str, set[int]]:
        app = {pid for server in self.cluster.app for pid in group_members(server.process.pid)}
        nginx = set(group_members(self.cluster.nginx.process.pid))
        return {"app": app, "database": self.backends.pids(), "nginx": nginx}


def wrk(url: str, seconds: float, connections: int, script: Path, cookie: str, parts: Parts) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s", "--timeout", "10s", "-s", str(script),
               "-H", "Accept-Encoding: gzip"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    before = parts.snapshot()
    start_cpu = {name: cpu_seconds(pids) for name, pids in before.items()}
    busy0, total0 = machine_busy()
    process = subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True)
    seen = {name: set(pids) for name, pids in before.items()}
    connections_seen = []
    finished = threading.Event()

    def watch():  # workers and database backends that start during the run count too
        while not finished.wait(1):
            for name, pids in parts.snapshot().items():
                seen[name] |= pids
            connections_seen.append(len(parts.backends.pids()))

    watcher = threading.Thread(target=watch)
    watcher.start()
    output = process.stdout.read()
    _pid, _status, usage = os.wait4(process.pid, 0)  # wrk's own CPU time, from the kernel's account
    process.returncode = 0
    finished.set()
    watcher.join()
    busy1, total1 = machine_busy()
    match = re.search(r"RESULT rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) errors=(\d+)", output)
    if match is None:
        raise RuntimeError(output)
    rps, p50, p95, errors = match.groups()
    requests = float(rps) * seconds
    used = {name: max(0.0, cpu_seconds(seen[name]) - start_cpu[name]) for name in seen}
    used["wrk"] = usage.ru_utime + usage.ru_stime
    return {
        "rps": float(rps),
        "p50": float(p50),
        "p95": float(p95),
        "errors": int(errors),
        # CPU milliseconds per request of each part (a backend or worker that ended meanwhile is missed)
        **{f"{name}_ms": 1000 * cpu / requests for name, cpu in used.items()},
        "busy": (busy1 - busy0) / (total1 - total0),  # share of all cores busy, everything included
        "connections": max(connections_seen or [0]),
        "app_rss_mb": rss_mb(seen["app"]),
    }


def sign_in(base: str, login: str) -> str:
    """The Cookie header of a session signed in with the login page's form (its token from the page)."""
    browser = requests.Session()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get(f"{base}/login").text).group(1)
    answer = browser.post(f"{base}/login", data={"csrf_token": token, "login": login, "password": "demo1234"},
                          allow_redirects=False)  # fmt: skip
    if answer.status_code != 303:
        raise RuntimeError(f"could not sign in as {login}: {answer.status_code}")
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def pages(base: str) -> list[tuple[str, str, str]]:
    technician = sign_in(base, "bench.bj-ft.0")
    manager = sign_in(base, "manager")
    return [
        ("sign-in page", "/login", ""),
        ("Today, technician", "/today", technician),
        ("jobs ?status=assigned, mgr", "/jobs?status=assigned", manager),
        ("a static file (app.css)", "/static/css/app.css?v=1", ""),
    ]


def photo_like(seed: int) -> bytes:
    """A 1600 x 1200 JPEG at the tablet's quality (0.85) with about the detail (and the ~300 KB) of a photo
    of a boiler: softened noise over gradients."""
    width, height = 1600, 1200
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40 + seed).filter(ImageFilter.GaussianBlur(1.2))
    picture = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def report_uploads(cluster: ScaleOut, parts: Parts, count: int) -> str:
    """`count` visit reports with 3 photos each, one after another through nginx: app CPU per report."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": cluster.database_url, "SECRET_KEY": "bench"})
    job_ids = make_jobs(app, "tech", count, "bench upload")
    with app.app_context():
        db.engine.dispose()
    photos = [photo_like(n) for n in range(3)]
    tablet = requests.Session()
    tablet.headers["Cookie"] = sign_in(cluster.url, "tech")
    token = tablet.get(f"{cluster.url}/auth/csrf-token").json()["token"]
    left = datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0) - timedelta(minutes=5)
    signature = io.BytesIO()
    Image.new("RGB", (600, 200), "white").save(signature, "PNG")
    before = parts.snapshot()
    start = {name: cpu_seconds(pids) for name, pids in before.items()}
    started = time.perf_counter()
    for job_id in job_ids:
        fields = {"client_id": str(uuid.uuid4()), "arrived_at": (left - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                  "left_at": left.strftime("%Y-%m-%dT%H:%M"), "fault_found": "bench", "action_taken": "bench",
                  "result": "fixed", "warranty_status": "out_of_warranty", "satisfaction": "5"}  # fmt: skip
        files = [("photos", (f"IMG_{n}.jpg", data, "image/jpeg")) for n, data in enumerate(photos)]
        files.append(("signature", ("signature.png", signature.getvalue(), "image/png")))
        answer = tablet.post(f"{cluster.url}/jobs/{job_id}/report", data=fields, files=files,
                             headers={"X-CSRFToken": token}, allow_redirects=False)  # fmt: skip
        if answer.status_code != 303:
            raise RuntimeError(f"report refused: {answer.status_code}")
    elapsed = time.perf_counter() - started
    used = {name: 1000 * (cpu_seconds(before[name]) - start[name]) / count for name in before}
    size = sum(len(p) for p in photos) / len(photos) / 1024
    return (f"visit report with 3 photos of {size:.0f} KB (1600 x 1200, JPEG 0.85) and a signature, one at a time: "
            f"{1000 * elapsed / count:.0f} ms each; CPU ms/report: app {used['app']:.0f}, db {used['database']:.0f}, "
            f"nginx {used['nginx']:.1f}")  # fmt: skip


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def line(setup: str, page: str, m: dict) -> str:
    stack_ms = m["app_ms"] + m["database_ms"] + m["nginx_ms"]  # the load generator is not part of it
    return (
        f"{setup:33s} {page:27s} {m['rps']:6.0f} rps  p50 {m['p50']:6.1f}  p95 {m['p95']:6.1f} ms | CPU ms/request: "
        f"app {m['app_ms']:5.2f}  db {m['database_ms']:4.2f}  nginx {m['nginx_ms']:4.2f}  wrk {m['wrk_ms']:4.2f} | "
        f"per core {1000 / stack_ms:5.0f} rps | machine busy {100 * m['busy']:3.0f} %  db conns {m['connections']:3.0f}"
        + (f"  ERRORS {m['errors']:.0f}" if m["errors"] else "")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reports", type=int, default=30, help="visit reports with photos sent, for their cost")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    print(f"{os.cpu_count()} cores; wrk {args.connections} connections, {args.seconds:.0f} s a run, "
          f"{args.rounds} rounds (medians); {args.jobs} jobs; gunicorn workers of 4 threads")  # fmt: skip
    database = Database("postgresql")
    results: dict[tuple[str, str], list[dict]] = {}
    notes = []
    try:
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        database.flask("bench-seed", "--jobs", str(args.jobs))
        with tempfile.TemporaryDirectory(prefix="scale-out-bench-") as folder, contextlib.ExitStack() as running:
            script = Path(folder) / "report.lua"
            script.write_text(REPORT)
            clusters = []
            for number, (_label, servers, workers) in enumerate(CLUSTERS):
                # application_name tells this setup's database connections from the others' (pg_stat_activity)
                url = f"{database.url}?application_name=bench-{number}"
                cluster = ScaleOut(url, Path(folder) / f"cluster-{number}", app_servers=servers, workers=workers,
                                   threads=4, consumers=1 if number == 0 else 0, seed=False)  # fmt: skip
                clusters.append(running.enter_context(cluster))
            time.sleep(3)  # the workers' search dictionary loads as they start
            parts = [Parts(cluster, DatabaseBackends(number)) for number, cluster in enumerate(clusters)]
            chosen = [pages(cluster.url) for cluster in clusters]
            # Round by round, page by page, every setup in turn: the shared machine's other work falls
            # on all of them alike, so the ratios between setups hold.
            for _round in range(args.rounds):
                for page_number in range(len(chosen[0])):
                    for label, number, through_nginx in SETUPS:
                        page, path, cookie = chosen[number][page_number]
                        if not through_nginx and path.startswith("/static/"):
                            continue
                        base = clusters[number].url if through_nginx else f"http://{clusters[number].app_address(0)}"
                        run = wrk(base + path, args.seconds, args.connections, script, cookie, parts[number])
                        results.setdefault((label, page), []).append(run)
            notes.append(report_uploads(clusters[1], parts[1], args.reports))
            for (label, _servers, _workers), part in zip(CLUSTERS, parts, strict=True):
                notes.append(f"{label}: app servers' memory (RSS) {rss_mb(part.snapshot()['app']):.0f} MB in all")
    finally:
        database.drop()
    print()
    for (setup, page), runs in sorted(results.items(), key=lambda item: [s[0] for s in SETUPS].index(item[0][0])):
        print(line(setup, page, median_of(runs)))
    print()
    print("\n".join(notes))


if __name__ == "__main__":
    main()
