"""The scale-out setup for real (deploy/scale_out.py, as scripts/scale-out starts it): nginx in front of two
gunicorn app servers, one PostgreSQL database, a private Redis and two queue consumers; and a small
HTTP client that says which app server answered each request (nginx's X-Upstream header)."""

import re
import shutil

import pytest
import requests

from deploy.scale_out import NGINX, REDIS_SERVER, ScaleOut
from intranet import create_app
from tests.databases import PostgresDatabase
from tests.notifications.push_receiver import PushReceiver

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="package")
def cluster(tmp_path_factory):
    for binary in (NGINX, REDIS_SERVER):
        # Never a skip: scripts/ensure-test-services (run by scripts/test and .ci/run) installs both.
        assert shutil.which(binary), f"{binary} is missing: run scripts/ensure-test-services"
    database = PostgresDatabase(prefix="intranet_scale")
    environment = {
        "PUSH_INSECURE_ENDPOINTS": "1",  # the test's push service is plain HTTP on loopback
        "QUEUE_WORKERS": "2",
        "CALLBACK_DELAY_DAYS": "0",
    }
    try:
        # One gunicorn worker of 4 threads per app server keeps the start short on 2 cores; two
        # consumers share the queue, as two machines' consumers would.
        setup = ScaleOut(database.url, tmp_path_factory.mktemp("scale-out"), workers=1, threads=4, consumers=2,
                         env=environment)  # fmt: skip
        with setup:
            yield setup
    finally:
        database.drop()


@pytest.fixture(scope="package")
def cluster_app(cluster):
    """The app in this process, on the setup's database: to make jobs and read what was stored."""
    return create_app({"SQLALCHEMY_DATABASE_URI": cluster.database_url, "SECRET_KEY": "test-only"})


@pytest.fixture
def receiver():
    receiver = PushReceiver()
    yield receiver
    receiver.close()


class Browser:
    """One device's cookies; every answer says which app server gave it (`served_by`)."""

    def __init__(self, cluster: ScaleOut):
        self.cluster = cluster
        self.http = requests.Session()

    def request(self, method: str, path: str, **options) -> requests.Response:
        options.setdefault("allow_redirects", False)
        options.setdefault("timeout", 30)
        response = self.http.request(method, self.cluster.url + path, **options)
        response.served_by = response.headers.get("X-Upstream", "")
        return response

    def get(self, path: str, **options) -> requests.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options) -> requests.Response:
        return self.request("POST", path, **options)

    def csrf_token(self) -> str:
        return self.get("/auth/csrf-token").json()["token"]

    def next_on_other_than(self, server: str) -> None:
        """Make nginx's round robin hand this device's next request to the app server that is not `server`.

        Round robin over two servers alternates, so once a probe is answered by `server` the next request
        goes to the other; the tests check `served_by` of the request that matters all the same.
        """
        for _ in range(4):
            if self.get("/healthz").served_by == server:
                return
        raise AssertionError(f"nginx sent no request to {server}")

    def sign_in(self, login: str) -> tuple[str, str]:
        """Sign in, the page from one app server and the form sent to the other; (page's, form's) server."""
        page = self.get("/login")
        token = CSRF_FIELD.search(page.text).group(1)
        self.next_on_other_than(page.served_by)
        answer = self.post("/login", data={"csrf_token": token, "login": login, "password": "demo1234"})
        assert answer.status_code == 303, f"{login} could not sign in: {answer.status_code}"
        return page.served_by, answer.served_by


@pytest.fixture
def browser(cluster):
    browsers = []

    def open_browser() -> Browser:
        browsers.append(Browser(cluster))
        return browsers[-1]

    yield open_browser
    for browser in browsers:
        browser.http.close()
