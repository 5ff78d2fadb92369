"""Two app servers behind nginx, one PostgreSQL, Redis for the queue (scripts/scale-out): a tablet's day
does not care which server answers, a copy of a submission racing on both makes one record, a server
that dies loses nothing, and a push queued by one server is delivered once."""

import hashlib
import io
import re
import threading
import time
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import func, select

from intranet.auth.models import User
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.notifications.models import Notification
from intranet.offline.models import Submission
from intranet.parts.models import PartRequest
from intranet.timezones import LOCAL_INPUT_FORMAT
from tests.e2e.tablet import make_jobs, reports_of

VISIT_ENDED = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=5)


def local(moment) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime(LOCAL_INPUT_FORMAT)


def image(size=(1600, 1200), color=(30, 140, 90), image_format="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, image_format)
    return out.getvalue()


def report(client_id: str, photo_bytes: bytes):
    """A visit report as the tablet's outbox sends it: fields, one photo and the signature, no csrf_token."""
    fields = {
        "client_id": client_id,
        "arrived_at": local(VISIT_ENDED - timedelta(hours=1)),
        "left_at": local(VISIT_ENDED),
        "fault_found": "点火针积碳",
        "action_taken": "清洁点火针并试机",
        "result": "fixed",
        "warranty_status": "out_of_warranty",
        "satisfaction": "5",
    }
    signature = image((600, 200), (255, 255, 255), "PNG")
    return fields, [
        ("photos", ("IMG_1.jpg", photo_bytes, "image/jpeg")),
        ("signature", ("sig.png", signature, "image/png")),
    ]


def servers(cluster) -> set[str]:
    return {cluster.app_address(n) for n in range(len(cluster.app))}


def test_signed_in_on_one_server_the_session_and_its_csrf_token_work_on_the_other(cluster, browser):
    tablet = browser()
    page_server, sign_in_server = tablet.sign_in("tech")
    assert {page_server, sign_in_server} == servers(cluster)  # the login form's token, checked by the other

    token = tablet.get("/auth/csrf-token")
    tablet.next_on_other_than(token.served_by)
    changed = tablet.post("/account/locale", data={"locale": "en", "next": "/today"},
                          headers={"X-CSRFToken": token.json()["token"]})  # fmt: skip
    assert changed.status_code == 303 and changed.served_by != token.served_by

    answered = {}
    for _ in range(2):
        today = tablet.get("/today")
        assert today.status_code == 200 and "Today" in today.text
        answered[today.served_by] = today.status_code
    assert set(answered) == servers(cluster)


def test_static_files_come_from_nginx_and_are_kept_a_year_under_their_digest(browser):
    visitor = browser()
    page = visitor.get("/login")
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text).group(1)
    assert "?v=" in stylesheet
    kept = visitor.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert kept.status_code == 200 and kept.served_by == ""  # no app server was asked
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert kept.headers["Content-Encoding"] == "gzip" and "text/css" in kept.headers["Content-Type"]
    undigested = visitor.get(stylesheet.split("?")[0])  # e.g. the service worker's importScripts
    assert undigested.headers["Cache-Control"] == "no-cache" and undigested.headers["ETag"]


def test_a_photo_sent_through_one_server_is_shown_through_the_other(cluster, cluster_app, browser):
    [job_id] = make_jobs(cluster_app, "tech2", 1, "scale-out photo")
    tablet = browser()
    tablet.sign_in("tech2")
    photo = image(color=(200, 60, 40))
    fields, files = report(str(uuid.uuid4()), photo)
    token = tablet.get("/auth/csrf-token")
    tablet.next_on_other_than(token.served_by)
    headers = {"X-CSRFToken": token.json()["token"]}
    sent = tablet.post(f"/jobs/{job_id}/report", data=fields, files=files, headers=headers)
    assert sent.status_code == 303, sent.text[:500]

    tablet.next_on_other_than(sent.served_by)
    page = tablet.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and page.served_by != sent.served_by
    [attachment] = set(re.findall(r"/attachments/(\d+)/thumbnail", page.text))
    tablet.next_on_other_than(sent.served_by)
    shown = tablet.get(f"/attachments/{attachment}")
    assert shown.status_code == 200 and shown.served_by != sent.served_by
    assert hashlib.sha256(shown.content).digest() == hashlib.sha256(photo).digest()


def test_twenty_copies_of_one_offline_submission_racing_on_both_servers_make_one_report(cluster, cluster_app, browser):
    [job_id] = make_jobs(cluster_app, "tech", 1, "scale-out race")
    tablet = browser()
    tablet.sign_in("tech")
    token = tablet.csrf_token()
    fields, files = report(str(uuid.uuid4()), image())
    copies = 20
    start = threading.Barrier(copies)
    answers = []

    def send_a_copy():
        copy = browser()
        copy.http.cookies.update(tablet.http.cookies)  # the same tablet's session, as its outbox replays
        start.wait()
        answers.append(copy.post(f"/jobs/{job_id}/report", data=fields, files=files, headers={"X-CSRFToken": token}))

    threads = [threading.Thread(target=send_a_copy) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.status_code for a in answers) == [303] * copies
    assert {a.headers["Location"] for a in answers} == {f"/jobs/{job_id}"}
    assert {a.served_by for a in answers} == servers(cluster)  # both servers took copies
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == copies - 1
    assert reports_of(cluster_app, [job_id]) == [(job_id, 1)]  # one report, with its one photo
    with cluster_app.app_context():
        keys = db.session.scalar(
            select(func.count()).select_from(Submission).where(Submission.key == fields["client_id"])
        )
        assert keys == 1


class Outbox:
    """A tablet's outbox sending part requests, each until the server answers it (a 303), as outbox.js does:
    a fresh CSRF token before each send, the same client_id again after a 5xx or a cut connection.
    Between sends it opens Today, as the technician keeps working."""

    def __init__(self, tablet, stop: threading.Event):
        self.tablet, self.stop = tablet, stop
        self.sent: dict[str, int] = {}  # client_id -> attempts until answered
        self.unanswered: list[str] = []
        self.post_failures = 0
        self.page_failures: list[tuple[float, int | str]] = []
        self.served_by: set[str] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            self.send(str(uuid.uuid4()))
            self.open_today()

    def open_today(self) -> None:
        try:
            status = self.tablet.get("/today").status_code
        except OSError as error:
            status = type(error).__name__
        if status != 200:
            self.page_failures.append((time.monotonic(), status))

    def send(self, client_id: str) -> None:
        body = {"client_id": client_id, "lines-0-code": "IGN-07", "lines-0-quantity": "1", "note": f"scale {client_id}"}
        for attempt in range(1, 30):
            try:
                token = self.tablet.csrf_token()
                answer = self.tablet.post("/parts/requests/new", data=body, headers={"X-CSRFToken": token})
                status = answer.status_code
                self.served_by.add(answer.served_by)
            except (OSError, ValueError):
                status = None
            if status == 303:
                self.sent[client_id] = attempt
                return
            assert status is None or status >= 500, f"refused: {status}"
            self.post_failures += 1
            time.sleep(0.2)
        self.unanswered.append(client_id)


def test_an_app_server_killed_mid_run_loses_nothing_and_the_other_carries_on(cluster, cluster_app, browser):
    stop = threading.Event()
    outboxes = []
    for login in ("tech", "tech2", "tech.hd", "tech", "tech2", "tech.hd"):
        tablet = browser()
        tablet.sign_in(login)
        outboxes.append(Outbox(tablet, stop))
    threads = [threading.Thread(target=outbox.run) for outbox in outboxes]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        cluster.kill_app_server(0)  # SIGKILL: its requests under way are cut
        killed_at = time.monotonic()
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    try:
        sent = {cid: n for outbox in outboxes for cid, n in outbox.sent.items()}
        assert len(sent) >= 20 and not [cid for outbox in outboxes for cid in outbox.unanswered]
        assert {server for outbox in outboxes for server in outbox.served_by} == servers(cluster)
        # Pages (GETs) never fail: nginx tries the other server. Only POSTs cut mid-way on the dying
        # server fail (nginx does not resend what may have been stored), at most one per outbox.
        assert [f for outbox in outboxes for f in outbox.page_failures] == []
        assert sum(outbox.post_failures for outbox in outboxes) <= len(outboxes)
        assert all(outbox.sent for outbox in outboxes)
        with cluster_app.app_context():
            notes = db.session.scalars(select(PartRequest.note).where(PartRequest.note.like("scale %"))).all()
        stored = [note.removeprefix("scale ") for note in notes]
        assert sorted(stored) == sorted(sent)  # every answered submission stored, and once
        print(f"{len(sent)} submissions, {sum(o.post_failures for o in outboxes)} sends cut and sent again; "
              f"killed {killed_at:.0f}")  # fmt: skip
    finally:
        cluster.restart_app_server(0)


def test_a_push_queued_by_one_server_is_delivered_once(cluster, cluster_app, browser, receiver):
    [job_id] = make_jobs(cluster_app, "tech2", 1, "scale-out push")
    technician = browser()
    technician.sign_in("tech")
    token = technician.get("/auth/csrf-token")
    technician.next_on_other_than(token.served_by)
    subscribed = technician.post("/notifications/devices", json=receiver.device("tablet"),
                                 headers={"X-CSRFToken": token.json()["token"]})  # fmt: skip
    assert subscribed.status_code == 201

    manager = browser()
    manager.sign_in("manager")
    with cluster_app.app_context():
        tech_id = db.session.scalar(select(User.id).where(User.login == "tech"))
    dispatch_token = manager.csrf_token()
    manager.next_on_other_than(subscribed.served_by)
    dispatched = manager.post(f"/jobs/{job_id}/assign", data={"technician_id": str(tech_id)},
                              headers={"X-CSRFToken": dispatch_token})  # fmt: skip
    assert dispatched.status_code == 303 and dispatched.served_by != subscribed.served_by

    assert receiver.wait_for(1, timeout=30), "no push arrived"
    time.sleep(3)  # two consumers share the queue: a second copy would have arrived by now
    pushes = receiver.to("tablet")
    assert len(pushes) == 1, pushes
    with cluster_app.app_context():
        notification = db.session.scalars(
            select(Notification).where(Notification.recipient_id == tech_id).order_by(Notification.id.desc())
        ).first()
        assert notification.push_state == "sent" and pushes[0]["id"] == notification.id
        assert str(job_id) in notification.link
