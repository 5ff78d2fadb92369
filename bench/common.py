"""Shared pieces of the benchmarks: a prepared database, a gunicorn server, signed-in HTTP sessions."""

import http.client
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """A fresh SQLite file or PostgreSQL database, dropped afterwards."""

    def __init__(self, backend: str):
        self.backend = backend
        if backend == "sqlite":
            self.dir = tempfile.mkdtemp(prefix="intranet-bench-")
            self.url = f"sqlite:///{self.dir}/bench.sqlite"
        else:
            self.name = f"intranet_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            base = urllib.parse.urlsplit(POSTGRES_ADMIN_URL)
            self.url = urllib.parse.urlunsplit(base._replace(path=f"/{self.name}"))

    def flask(self, *args: str) -> str:
        env = {**os.environ, "DATABASE_URL": self.url, "FLASK_APP": "wsgi", "SECRET_KEY": "bench-secret"}
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        return done.stdout

    def drop(self) -> None:
        if self.backend == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (self.name,))
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


class Server:
    """gunicorn serving the app, as in production: 2 worker processes (one per core), 4 threads each."""

    def __init__(self, database: Database, workers: int = 2, threads: int = 4):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database.url, "SECRET_KEY": "bench-secret"}
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the server)
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
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


class CpuMeter:
    """CPU seconds used by the server's worker processes and, on PostgreSQL, by the database's backends:
    what a page costs, whatever else the machine runs meanwhile (latency under load follows it)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server: "Server", database: Database):
        self.server, self.database = server, database

    def _processes(self) -> tuple[list[int], list[int]]:
        pid = self.server.process.pid
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            workers = [int(child) for child in children.read().split()]
        backends = []
        if self.database.backend == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database.name,))
                backends = [row[0] for row in rows]
        return workers, backends

    @classmethod
    def _seconds(cls, pids) -> float:
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile: its time is lost, a few ms at most
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / cls.TICK

    def start(self) -> None:
        self._workers, self._backends = self._processes()
        self._app, self._db = self._seconds(self._workers), self._seconds(self._backends)

    def stop(self) -> tuple[float, float]:
        """(app, database) CPU seconds since start(); backends that started meanwhile count from zero."""
        workers, backends = self._processes()
        app = self._seconds(set(self._workers) | set(workers)) - self._app
        return app, self._seconds(set(self._backends) | set(backends)) - self._db


def sign_in(port: int, login: str, password: str = "demo1234") -> str:
    """Return the Cookie header of a signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    # The sign-in form's own token: /auth/csrf-token hands out none before a sign-in.
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": password}).encode()
    opener.open(urllib.request.Request(f"{base}/login", data=body))
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise RuntimeError(f"could not sign in as {login}")
    return cookies


class Client:
    """One keep-alive connection, timing each GET."""

    def __init__(self, port: int, cookie: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = cookie

    def get(self, path: str) -> float:
        started = time.perf_counter()
        self.connection.request("GET", path, headers={"Cookie": self.cookie, "Accept-Encoding": "identity"})
        response = self.connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return elapsed


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"n={len(ms):6d}  p50={percentile(ms, 50):6.1f} ms  p95={percentile(ms, 95):6.1f} ms  "
        f"p99={percentile(ms, 99):6.1f} ms  mean={statistics.fmean(ms):6.1f} ms"
    )
