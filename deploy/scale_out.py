"""Several app servers behind nginx on loopback: what scripts/scale-out starts, and what the scale-out
test (tests/scale_out/) and benchmark (bench/scale_out.py) drive.

    .venv/bin/python -m deploy.scale_out [--port 8080] [--app-servers 2] [--workers 2] [--threads 4]

One PostgreSQL database (DATABASE_URL), one Redis for the task queue (a private redis-server unless
REDIS_URL is given), N gunicorn app servers, the queue's consumers and nginx in front, each a process
group of its own under one working folder. Every process gets the same SECRET_KEY (sessions and CSRF
tokens signed on one server are good on the others) and the same VAPID key (a push queued by one
server is signed the same by whichever consumer sends it): from the environment, else made once into
the working folder. Files (photos, exports) and the outbox's records are in the database, so the app
servers keep nothing of their own.
"""

import argparse
import contextlib
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from py_vapid import Vapid

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.in")
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
REDIS_SERVER = os.environ.get("REDIS_SERVER", shutil.which("redis-server") or "/usr/bin/redis-server")


def _outgoing_ports() -> range:
    """The kernel's range for the local ports of outgoing connections (Linux; the usual one elsewhere)."""
    with contextlib.suppress(OSError, ValueError):
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return range(low, high + 1)
    return range(32768, 61000)


def free_port() -> int:
    """A loopback port free now, for a server that binds it a few seconds later.

    Picked at random below the range of outgoing connections: a port the kernel hands out (bind to 0)
    can be handed out again meanwhile, to any connection a test or a second test worker opens, and the
    server then finds its port taken. At random, two test workers or benchmarks seldom pick the same one.
    """
    start = max(1024, _outgoing_ports().start - 12_000)
    for port in secrets.SystemRandom().sample(range(start, start + 12_000), 50):
        with socket.socket() as sock, contextlib.suppress(OSError):
            sock.bind(("127.0.0.1", port))
            return port
    raise RuntimeError("no free loopback port found")


def wait_for_http(url: str, process: "Service", seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        if not process.running():
            raise RuntimeError(f"{process.name} exited; see {process.log_path}")
        time.sleep(0.1)
    raise RuntimeError(f"{process.name} did not answer {url} within {seconds:.0f} s; see {process.log_path}")


def wait_for_port(port: int, process: "Service", seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if not process.running():
            raise RuntimeError(f"{process.name} exited; see {process.log_path}")
        time.sleep(0.05)
    raise RuntimeError(f"{process.name} did not listen on {port} within {seconds:.0f} s")


class Service:
    """One process (and its children: gunicorn's workers) in a process group of its own, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, logs: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Gone at once, its requests under way cut: a machine losing power."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self) -> None:
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def wait(self, timeout: float = 15) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def shared_secrets(workdir: Path) -> dict[str, str]:
    """SECRET_KEY and VAPID_PRIVATE_KEY for every process: the environment's, else made once into workdir."""
    found = {}
    key_file = workdir / "secret_key"
    if os.environ.get("SECRET_KEY"):
        found["SECRET_KEY"] = os.environ["SECRET_KEY"]
    else:
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        found["SECRET_KEY"] = key_file.read_text().strip()
    vapid_file = workdir / "vapid_private.pem"
    if os.environ.get("VAPID_PRIVATE_KEY"):
        found["VAPID_PRIVATE_KEY"] = os.environ["VAPID_PRIVATE_KEY"]
    else:
        if not vapid_file.exists():
            vapid = Vapid()
            vapid.generate_keys()
            vapid_file.write_bytes(vapid.private_pem())
            vapid_file.chmod(0o600)
        found["VAPID_PRIVATE_KEY"] = vapid_file.read_text()
    return found


class ScaleOut:
    """The whole setup; `with ScaleOut(...) as cluster:` starts it and stops every process it started."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        app_servers: int = 2,
        workers: int = 2,
        threads: int = 4,
        consumers: int = 1,
        port: int | None = None,
        redis_url: str | None = None,
        env: dict | None = None,
        seed: bool = True,
    ):
        self.database_url = database_url
        self.workdir = Path(workdir)
        self.workers, self.threads, self.consumers_wanted, self.seed = workers, threads, consumers, seed
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app_ports = [free_port() for _ in range(app_servers)]
        self.logs = self.workdir / "logs"
        nginx_folders = [self.workdir / "nginx" / name for name in ("logs", "tmp/body", "tmp/proxy", "tmp/fastcgi",
                                                                    "tmp/uwsgi", "tmp/scgi")]  # fmt: skip
        for folder in (self.logs, self.workdir / "redis", *nginx_folders):
            folder.mkdir(parents=True, exist_ok=True)
        self.redis_url = redis_url
        self.redis: Service | None = None
        self.extra_env = env or {}
        self.app: list[Service] = []
        self.consumers: list[Service] = []
        self.nginx: Service | None = None

    # The environment every app process shares

    def environment(self) -> dict:
        return {
            **os.environ,
            **shared_secrets(self.workdir),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "TRUSTED_PROXIES": "1",  # nginx
            "FLASK_APP": "wsgi",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def flask(self, *args: str) -> None:
        with (self.logs / "setup.log").open("ab") as log:
            subprocess.run(
                [sys.executable, "-m", "flask", *args],
                cwd=ROOT,
                env=self.environment(),
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    # Starting

    def __enter__(self) -> "ScaleOut":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._start_redis()
        self.flask("db", "upgrade")
        if self.seed:
            self.flask("seed-demo", "--if-empty")
        for number in range(len(self.app_ports)):
            self.app.append(self._app_server(number))
            self.app[-1].start()
        for number in range(self.consumers_wanted):
            # One consumer runs the schedule; the others only what is queued (README: the queue at scale).
            periodic = [] if number == 0 else ["--no-periodic"]
            consumer = Service(f"consumer-{number + 1}", [sys.executable, "-m", "flask", "queue", *periodic],
                               self.environment(), self.logs)  # fmt: skip
            consumer.start()
            self.consumers.append(consumer)
        for number, server in enumerate(self.app):
            wait_for_http(f"http://127.0.0.1:{self.app_ports[number]}/healthz", server)
        self._start_nginx()

    def _start_redis(self) -> None:
        if self.redis_url:
            return
        port = free_port()
        command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(self.workdir / "redis"),
                   "--save", "", "--appendonly", "yes", "--protected-mode", "yes"]  # fmt: skip
        self.redis = Service("redis", command, dict(os.environ), self.logs)
        self.redis.start()
        wait_for_port(port, self.redis)
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def _app_server(self, number: int) -> Service:
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.app_ports[number]}",
                   "--workers", str(self.workers), "--threads", str(self.threads),
                   "--access-logfile", "-", "--timeout", "60", "wsgi:app"]  # fmt: skip
        return Service(f"app-{number + 1}", command, self.environment(), self.logs)

    def nginx_config(self) -> str:
        prefix = self.workdir / "nginx"
        user = ""
        if os.geteuid() == 0:  # as root, nginx's workers would become "nobody": keep them the current user
            user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.app_ports)
        max_body_mb = int(self.environment().get("MAX_REQUEST_MB", "60"))
        replacements = {
            "@USER@": user,
            "@WORKER_PROCESSES@": "1",  # one is plenty on loopback, and keeps round robin strictly alternating
            "@PREFIX@": str(prefix),
            "@SERVERS@": servers,
            "@PORT@": str(self.port),
            "@STATIC@": str(ROOT / "static"),
            "@MAX_BODY@": f"{max_body_mb + 1}m",
        }
        text = TEMPLATE.read_text()
        for placeholder, value in replacements.items():
            text = text.replace(placeholder, value)
        return text

    def _start_nginx(self) -> None:
        prefix = self.workdir / "nginx"
        config = prefix / "nginx.conf"
        config.write_text(self.nginx_config())
        command = [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "logs" / "error.log")]
        self.nginx = Service("nginx", command, dict(os.environ), self.logs)
        self.nginx.start()
        wait_for_http(f"{self.url}/healthz", self.nginx)

    # Faults

    def kill_app_server(self, number: int) -> None:
        """SIGKILL app server `number` (0-based) and its workers: what they were answering is cut."""
        self.app[number].kill()

    def restart_app_server(self, number: int, seconds: float = 30) -> None:
        """Start it again, and wait until nginx sends it requests (it leaves a failed server out for 10 s)."""
        self.app[number] = self._app_server(number)
        self.app[number].start()
        wait_for_http(f"http://127.0.0.1:{self.app_ports[number]}/healthz", self.app[number])
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:
                if answer.headers.get("X-Upstream") == self.app_address(number):
                    return
            time.sleep(0.2)
        raise RuntimeError(f"nginx sent nothing to app server {number + 1} within {seconds:.0f} s of its restart")

    def app_address(self, number: int) -> str:
        return f"127.0.0.1:{self.app_ports[number]}"

    # Stopping

    def stop(self) -> None:
        """nginx, the app servers and the consumers at once (each finishes what it was doing), then Redis."""
        for stage in ([self.nginx, *self.app, *self.consumers], [self.redis]):
            running = [service for service in stage if service is not None]
            for service in running:
                service.terminate()
            for service in running:
                service.wait()

    def describe(self) -> str:
        lines = [f"nginx          {self.url}   (static files from {ROOT / 'static'})"]
        lines += [f"app server {n + 1}   http://{self.app_address(n)}   (gunicorn {self.workers} workers x "
                  f"{self.threads} threads)" for n in range(len(self.app))]  # fmt: skip
        lines += [f"consumer {n + 1}     flask queue{'' if n == 0 else ' --no-periodic'}"
                  for n in range(len(self.consumers))]  # fmt: skip
        lines += [f"Redis          {self.redis_url}", f"PostgreSQL     {self.database_url}"]
        lines += [f"logs           {self.logs}"]
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")), help="nginx's port")
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--consumers", type=int, default=1, help="task-queue consumers")
    parser.add_argument("--workdir", type=Path, default=ROOT / "instance" / "scale-out")
    arguments = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise SystemExit("DATABASE_URL (a PostgreSQL database) is required; scripts/scale-out sets one up")
    cluster = ScaleOut(database_url, arguments.workdir, arguments.app_servers, arguments.workers, arguments.threads,
                       arguments.consumers, arguments.port, os.environ.get("REDIS_URL"))  # fmt: skip
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True) or sys.exit(0))
    with cluster:
        print(cluster.describe(), flush=True)
        print(f"\nOpen {cluster.url} (demo logins as for scripts/start). Ctrl+C stops everything.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while all(s.running() for s in [cluster.nginx, *cluster.app]):
                time.sleep(1)
            if not stopping:
                print("A process of the setup exited; stopping the rest. See the logs.", file=sys.stderr)


if __name__ == "__main__":
    main()
