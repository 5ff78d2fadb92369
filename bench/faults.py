"""Faults nobody tried: the database restarted under load, a worker killed mid-POST, SQLite under 8 writers.

    .venv/bin/python bench/faults.py [--seconds 12] [--clients 8] [--runs 1]

The app runs as deployed: gunicorn, 2 workers of 4 threads. Clients play technicians' outboxes: each
submission (a part request with a client_id of its own) is POSTed with a fresh CSRF token, and sent
again after a network error or a 5xx until the server answers it (a 303, first or replayed), as
static/js/outbox.js does. Each scenario prints:

- requests failed: attempts that got no answer or a 5xx (the outbox sends those again), and how many
  of them started after the database was back (the fault over, none should fail);
- submissions given up: still unanswered when the clients stop;
- records lost: submissions the server answered (or that were sent at all) with no row in the database;
- duplicates: submissions stored more than once.

PostgreSQL is a private cluster made for the run (initdb and pg_ctl from /usr/lib/postgresql/*/bin, on a
free port, in a temporary folder, as the postgres user when run as root): restarting it harms no one
else's tests. Expected: no record lost, no duplicate, no request failing after the database is back.
"""

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import ROOT, free_port

TECHNICIANS = ["tech", "tech2", "tech.hd"]
PART_CODE = "IGN-07"


# The private PostgreSQL cluster


class PrivatePostgres:
    def __init__(self):
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not binaries:
            raise SystemExit("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        self.bin = binaries[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="intranet-faults-pg-"))
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/faults"
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE faults")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / tool), *args], check=True, capture_output=True)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-o", options, "-w", *args)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


# The app under gunicorn


def flask(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "wsgi", "SECRET_KEY": "faults-secret"}
    subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True)


class Gunicorn:
    def __init__(self, database_url: str):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "faults-secret"}
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--timeout", "30"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "error", "wsgi:app"]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the server)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


# The technicians' outboxes


class Outbox:
    """One technician's tablet: sends its submissions one by one, each until the server answers it."""

    def __init__(self, port: int, login: str, clock: "Clock", stats: "Stats"):
        self.port, self.login, self.clock, self.stats = port, login, clock, stats
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.replayed = False

    def _request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        self.replayed = response.headers.get("Idempotent-Replayed") == "true"
        return response.status, data

    def sign_in(self) -> None:
        _status, page = self._request("GET", "/login")
        token = page.decode().split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        body = urllib.parse.urlencode({"csrf_token": token, "login": self.login, "password": "demo1234"}).encode()
        status, _ = self._request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"{self.login} could not sign in: {status}")

    def send(self, number: int, stop_at: float) -> None:
        """One submission, sent until answered (or until the clients stop)."""
        client_id = str(uuid.uuid4())
        self.stats.sent(client_id, f"{self.login} #{number}")
        form = {"client_id": client_id, "lines-0-code": PART_CODE, "lines-0-quantity": "1"}
        form["note"] = f"faults {client_id}"
        body = urllib.parse.urlencode(form).encode()
        delay = 0.2
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                _status, answer = self._request("GET", "/auth/csrf-token")  # the outbox asks before each send
                token = json.loads(answer)["token"]
                status, _ = self._request(
                    "POST",
                    "/parts/requests/new",
                    body,
                    {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token, "X-Outbox": "1"},
                )
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                status = None
            if status == 303:
                self.stats.answered(client_id, replayed=self.replayed)
                return
            if status is not None and status < 500 and status != 429:
                self.stats.refused(client_id, status)  # "needs attention": the outbox stops here
                return
            self.stats.failed(started, self.clock)
            time.sleep(delay)  # back off, as the outbox does, and send it again
            delay = min(delay * 2, 2.0)


class Clock:
    """When the fault happened and when the database (or worker) was back."""

    def __init__(self):
        self.back_at = None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.submissions: dict[str, str] = {}
        self.answered_ids: set[str] = set()
        self.refusals: dict[str, int] = {}
        self.failures = 0
        self.failures_after_recovery = 0
        self.replays = 0  # stored by an attempt whose answer was lost, then answered from the stored one

    def sent(self, client_id, label):
        with self.lock:
            self.submissions[client_id] = label

    def answered(self, client_id, replayed: bool):
        with self.lock:
            self.answered_ids.add(client_id)
            self.replays += replayed

    def refused(self, client_id, status):
        with self.lock:
            self.refusals[client_id] = status

    def failed(self, started, clock):
        with self.lock:
            self.failures += 1
            if clock.back_at is not None and started > clock.back_at:
                self.failures_after_recovery += 1


def stored_requests(database_url: str) -> dict[str, int]:
    """client_id -> how many part requests (and how many submission keys) the database holds for it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT note FROM part_request WHERE note LIKE 'faults %'")).scalars().all()
        keys = connection.execute(text("SELECT key FROM submission")).scalars().all()
    engine.dispose()
    counts: dict[str, int] = {}
    for note in rows:
        counts[note.removeprefix("faults ")] = counts.get(note.removeprefix("faults "), 0) + 1
    for key in keys:
        counts.setdefault(key, 0)
    counts["__keys__"] = len(keys) - len(set(keys))
    return counts


def run_load(server: Gunicorn, database_url: str, clients: int, seconds: float, fault) -> dict:
    """`clients` outboxes submitting for `seconds`; `fault(clock)` runs in the middle. Returns the figures."""
    clock, stats = Clock(), Stats()
    outboxes = [Outbox(server.port, TECHNICIANS[n % len(TECHNICIANS)], clock, stats) for n in range(clients)]
    for outbox in outboxes:
        outbox.sign_in()
    stop_sending = time.monotonic() + seconds
    give_up = stop_sending + 20  # what is still unanswered then counts as given up

    def work(outbox):
        number = 0
        while time.monotonic() < stop_sending:
            number += 1
            outbox.send(number, give_up)

    threads = [threading.Thread(target=work, args=(outbox,)) for outbox in outboxes]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    fault(clock)
    for thread in threads:
        thread.join()
    stored = stored_requests(database_url)
    duplicates = sum(max(0, count - 1) for cid, count in stored.items() if cid != "__keys__") + stored["__keys__"]
    return {
        "submissions": len(stats.submissions),
        "requests failed": stats.failures,
        "failed after recovery": stats.failures_after_recovery,
        "refused": len(stats.refusals),
        "replayed": stats.replays,
        # Still unanswered when the clients stopped: on a tablet, still in the outbox.
        "given up": len([cid for cid in stats.submissions if cid not in stats.answered_ids | set(stats.refusals)]),
        # Answered (stored, said the server) but not in the database.
        "records lost": len([cid for cid in stats.answered_ids if stored.get(cid, 0) == 0]),
        "duplicates": duplicates,
    }


def report(name: str, figures: dict) -> None:
    f = figures
    print(
        f"{name:<50} submissions {f['submissions']:4d} | requests failed {f['requests failed']:3d} "
        f"(after the fault {f['failed after recovery']}) | answered from a lost attempt {f['replayed']:2d} | "
        f"records lost {f['records lost']} | duplicates {f['duplicates']} | given up {f['given up']} | "
        f"refused {f['refused']}"
    )


# The scenarios


def prepared(database_url: str) -> None:
    flask(database_url, "db", "upgrade")
    flask(database_url, "seed-demo")


def postgres_restarted(postgres: PrivatePostgres, clients: int, seconds: float) -> dict:
    server = Gunicorn(postgres.url)
    try:

        def fault(clock):
            postgres.restart()  # fast: sessions are cut, the server comes back
            clock.back_at = time.monotonic() + 1.0  # a second for the pool to notice (pool_pre_ping)

        return run_load(server, postgres.url, clients, seconds, fault)
    finally:
        server.stop()


def worker_killed(database_url: str, clients: int, seconds: float) -> dict:
    server = Gunicorn(database_url)
    try:

        def fault(clock):
            for _ in range(3):  # three workers killed, each with POSTs under way
                workers = server.workers()
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                time.sleep(seconds / 8)
            # The master starts a new worker in about a second (plus its search dictionary).
            deadline = time.monotonic() + 20
            while len(server.workers()) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            clock.back_at = time.monotonic() + 1.0

        return run_load(server, database_url, clients, seconds, fault)
    finally:
        server.stop()


def no_fault(clock):
    clock.back_at = time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    print(f"gunicorn 2 workers x 4 threads; {options.clients} outboxes sending for {options.seconds:.0f} s a run")
    postgres = PrivatePostgres()
    sqlite_dir = Path(tempfile.mkdtemp(prefix="intranet-faults-sqlite-"))
    try:
        prepared(postgres.url)
        sqlite_url = f"sqlite:///{sqlite_dir}/faults.sqlite"
        prepared(sqlite_url)
        for run in range(1, options.runs + 1):
            print(f"-- run {run}")
            report("PostgreSQL restarted under load", postgres_restarted(postgres, options.clients, options.seconds))
            report(
                "PostgreSQL: a worker killed mid-POST x3", worker_killed(postgres.url, options.clients, options.seconds)
            )
            report("SQLite: a worker killed mid-POST x3", worker_killed(sqlite_url, options.clients, options.seconds))
            server = Gunicorn(sqlite_url)
            try:
                report(
                    "SQLite: concurrent writes, 2 workers x 4 threads",
                    run_load(server, sqlite_url, options.clients, options.seconds, no_fault),
                )
            finally:
                server.stop()
    finally:
        postgres.close()
        shutil.rmtree(sqlite_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
