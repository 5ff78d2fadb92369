"""End-to-end harness: the real app in its own process on a free loopback port, driven by Chromium.

The server's database is built by the real migrations and the demo data command, exactly as the
README's first command does it.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from deploy.scale_out import free_port
from intranet import PROJECT_ROOT
from tests.e2e.relay import Relay

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TABLET_VIEWPORTS = {"landscape": {"width": 1280, "height": 800}, "portrait": {"width": 800, "height": 1280}}


STARTUP_SECONDS = 60
RUN_FLASK_COMMANDS = """
import json, sys
from flask.cli import cli
for args in sys.argv[1:]:
    cli.main(json.loads(args), prog_name="flask", standalone_mode=False)
"""


class LiveServer:
    """The app in a process of its own: Flask's server on SQLite, or (gunicorn=True) gunicorn with 2
    workers of 4 threads, as in production, on the database given (PostgreSQL)."""

    def __init__(self, workdir: Path, database_url: str | None = None, gunicorn: bool = False):
        self.database_url = database_url or f"sqlite:///{workdir / 'e2e.sqlite'}"
        self.gunicorn = gunicorn
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "e2e-secret",
            "CALLBACK_DELAY_DAYS": "0",  # done jobs are due for a callback at once,
            "CALLBACK_PROMPT_DAYS": "0",  # complaints and urgent ones too
            "QUEUE_URL": f"sqlite:///{workdir / 'queue.sqlite'}",  # not the project's instance/ queue
            "FLASK_APP": "wsgi",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = (workdir / "server.log").open("w")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def flask(self, *commands: list[str]) -> None:
        """Run flask commands one after the other in one process, as `flask ARGS` would: the app and its
        search dictionary are loaded once, not once a command."""
        subprocess.run(
            [sys.executable, "-c", RUN_FLASK_COMMANDS, *(json.dumps(args) for args in commands)],
            cwd=PROJECT_ROOT,
            env=self.env,
            check=True,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def command(self) -> list[str]:
        if self.gunicorn:
            address = f"127.0.0.1:{self.port}"
            return [sys.executable, "-m", "gunicorn", "--bind", address, "--workers", "2", "--threads", "4",
                    "--access-logfile", "-", "wsgi:app"]  # fmt: skip
        return [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(self.port), "--no-reload"]

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        # Generous: gunicorn workers load the search dictionary as they start, slow on a busy machine.
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the app server exited; see server.log") from None
                time.sleep(0.1)
        raise RuntimeError(f"the app server did not answer within {STARTUP_SECONDS} s")

    REQUEST_LINE = re.compile(r'"(GET|POST|PUT|DELETE|HEAD|OPTIONS) (\S+) HTTP/[\d.]+" (\d{3})')

    def requests(self) -> list[tuple[str, str, int]]:
        """Every request the server logged so far: (method, path, status)."""
        self.log.flush()
        text = Path(self.log.name).read_text(encoding="utf-8", errors="replace")
        return [(m, path, int(status)) for m, path, status in self.REQUEST_LINE.findall(text)]

    def stop(self) -> None:
        """Stop answering (the tablet's way of losing the server); start() brings it back on the same port."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def close(self) -> None:
        self.stop()
        self.log.close()


def serve_demo(workdir: Path, database_url: str | None = None, gunicorn: bool = False):
    """A migrated database with the demo data behind a running server; closed when the caller resumes."""
    server = LiveServer(workdir, database_url, gunicorn)
    server.flask(["db", "upgrade"], ["seed-demo"])
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="session")
def playwright():
    # One Playwright per test session: the sync API cannot run two at once in a thread.
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


class ConsoleWatch:
    """Collects console errors (CSP violations are reported there) and uncaught page errors.

    Chromium also logs every 4xx answer as "Failed to load resource"; the tests provoke those on
    purpose (a 422 for a bad form, a 403) and assert them themselves, so those lines are not errors.
    """

    EXPECTED_ANSWER = re.compile(
        r"^Failed to load resource: (the server responded with a status of 4\d\d|net::ERR_(INTERNET_DISCONNECTED"
        r"|CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|FAILED|ABORTED"
        r"|CONTENT_LENGTH_MISMATCH|INCOMPLETE_CHUNKED_ENCODING))"
    )  # answers the tests provoke, and a network the offline tests cut on purpose (mid-answer, too)

    def __init__(self):
        self.errors: list[str] = []

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _on_console(self, message) -> None:
        if message.type == "error" and not self.EXPECTED_ANSWER.match(message.text):
            self.errors.append(message.text)


@pytest.fixture(params=list(TABLET_VIEWPORTS))
def viewport(request):
    return TABLET_VIEWPORTS[request.param]


@pytest.fixture
def console():
    watch = ConsoleWatch()
    yield watch
    assert watch.errors == [], "console errors or CSP violations on a visited page"


ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def new_page(request, browser, live_server, console, viewport):
    """Open a fresh browser context (its own cookies) as a tablet, watching the console.

    A failing test leaves a screenshot of each of its pages in test-artifacts/.
    """
    contexts = []

    def open_page(locale: str = "zh-CN"):
        context = browser.new_context(viewport=viewport, locale=locale, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        return page

    yield open_page
    for n, context in enumerate(contexts):
        if getattr(request.node, "call_failed", False):
            ARTIFACTS.mkdir(exist_ok=True)
            for m, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{n}-{m}.png", full_page=True)
        context.close()


def sign_in(page, login: str, password: str = "demo1234") -> None:
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")


class Network:
    """The tablet's network, cut for real: Chromium's offline flag (for navigator.onLine and the online
    event) and the relay every request goes through (for the service worker too). While it is cut, the
    server must see nothing: `assert_nothing_arrived` reads the server's own log."""

    def __init__(self, relay: Relay, server: LiveServer):
        self.relay, self.server = relay, server
        self.contexts = []
        self._seen = None

    def cut(self) -> None:
        self.relay.cut()
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.set_offline(True)
        self._seen = self._settled()

    def _settled(self) -> int:
        """The server's request count once the requests that were already on their way are logged."""
        count, deadline = len(self.server.requests()), time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = len(self.server.requests())
            if now == count:
                break
            count = now
        return count

    def restore(self) -> None:
        self.assert_nothing_arrived()
        self._seen = None
        self.relay.restore()
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.set_offline(False)

    def assert_nothing_arrived(self) -> None:
        if self._seen is not None:
            # The harness's own probe of a server it restarts is not the tablet's.
            arrived = [r for r in self.server.requests()[self._seen :] if r[1] != "/healthz"]
            assert arrived == [], f"the server answered while the tablet was offline: {arrived}"


@pytest.fixture
def network(live_server):
    relay = Relay(live_server.port)
    yield Network(relay, live_server)
    relay.cut()


@pytest.fixture
def open_tablet(tmp_path, live_server, playwright, network):
    """Open (and reopen) a browser on one profile folder, as a tablet would: its service worker, caches and
    outbox survive a restart. It reaches the app through `network`; options go to the context
    (has_touch=True). Every page is watched for console errors and CSP violations."""
    contexts, watch = [], ConsoleWatch()

    def open_context(**options):
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
            locale="en-US",
            base_url=network.relay.url,
            offline=network.relay.is_cut,
            **options,
        )
        context.set_default_timeout(15_000)
        for page in context.pages:
            watch.attach(page)
        context.on("page", watch.attach)
        contexts.append(context)
        network.contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        with contextlib.suppress(Exception):  # already closed by the test
            context.close()
    assert watch.errors == [], "console errors or CSP violations on the tablet"
