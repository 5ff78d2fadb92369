"""A required manual revision for 2,000 people: the publishing request, then the 2,000 pushes.

    .venv/bin/python bench/notify_publish.py [--people 2000] [--runs 10] [--backends sqlite postgresql] [--redis]

For each database (a SQLite file, then a throwaway PostgreSQL database on the test server): migrate,
load the demo data, add N technicians, each with a device subscribed to a push service on loopback
(tests/notifications/push_receiver.py, which decrypts every message with that device's key as a
browser would), start gunicorn (2 workers x 4 threads) and one queue consumer (`flask queue`, 4
threads; the queue in a SQLite file, or in Redis with --redis). An administrator then publishes a new
required revision of an article meant for everyone, through the edit form, `runs` times (after one
warm-up). The request writes one notification per person in its transaction and hands the pushes to
the queue; it does not wait for them. Printed per run: the request's time and the time from the
request's start until the last of the N pushes reached the push service; then p50/p95 of the
request (p95 of 10 runs is their slowest) and the median time to the last push. Everything shares
the machine's two cores: gunicorn, the consumer, the database and the push service.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from common import ROOT, Database, Server, percentile, sign_in

sys.path.insert(0, str(ROOT))

from py_vapid import Vapid

from tests.notifications.push_receiver import PushReceiver

ARTICLE_TITLE = "服务规范(推送基准)"


def add_people_with_devices(database: Database, receiver: PushReceiver, people: int) -> int:
    """N active technicians of the demo branches, each with one subscribed device; returns the article's id."""
    os.environ["DATABASE_URL"] = database.url
    from sqlalchemy import insert, select

    from intranet import create_app
    from intranet.auth.models import User
    from intranet.branches.models import Branch
    from intranet.extensions import db
    from intranet.kb import publishing as kb
    from intranet.notifications.models import PushSubscription

    app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "bench-secret", "QUEUE_URL": "memory://"})
    with app.app_context():
        branches = list(db.session.scalars(select(Branch.id)))
        password = db.session.scalar(select(User.password_hash).where(User.login == "tech"))
        db.session.execute(
            insert(User),
            [
                {
                    "login": f"bench.tech.{n}",
                    "name": f"技师 {n}",
                    "role": "technician",
                    "branch_id": branches[n % len(branches)],
                    "password_hash": password,
                    "locale": "en" if n % 3 == 0 else None,
                }
                for n in range(people)
            ],
        )
        ids = dict(db.session.execute(select(User.login, User.id).where(User.login.like("bench.tech.%"))).all())
        devices = []
        for n in range(people):
            info = receiver.device(f"d{n}")
            devices.append(
                {
                    "user_id": ids[f"bench.tech.{n}"],
                    "endpoint": info["endpoint"],
                    "p256dh": info["keys"]["p256dh"],
                    "auth": info["keys"]["auth"],
                    "device": "Chrome · Android",
                    "renew_token_hash": f"{n:064d}",
                }
            )
        db.session.execute(insert(PushSubscription), devices)
        article = kb.create_article(None, kb.ArticleData(title=ARTICLE_TITLE, body="第一版。"))
        kb.publish(None, article, "第一版", required=False)
        db.session.commit()
        return article.id


def publish(port: int, cookie: str, article_id: int, n: int, required: bool = True) -> tuple[float, float]:
    """POST the edit form with "publish" (and "ask again" when required): (monotonic start, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/auth/csrf-token", headers={"Cookie": cookie})
    token = json.loads(connection.getresponse().read())["token"]
    body = urllib.parse.urlencode(
        {
            "title": ARTICLE_TITLE,
            "body": f"第 {n} 次修订:回访时先核对工单号。",
            "change_summary": f"修订 {n}",
            "action": "publish",
            **({"required_read": "y", "ask_again": "y"} if required else {}),
        }
    )
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"}
    started = time.monotonic()
    connection.request("POST", f"/kb/{article_id}/edit", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.monotonic() - started
    if response.status != 303:
        raise RuntimeError(f"publishing answered {response.status}")
    return started, elapsed


def run_backend(backend: str, people: int, runs: int, redis: bool) -> dict:
    receiver = PushReceiver()
    database = Database(backend)
    workdir = Path(tempfile.mkdtemp(prefix="intranet-notify-bench-"))
    vapid = Vapid()
    vapid.generate_keys()
    queue_url = "redis://127.0.0.1:6379/7" if redis else f"sqlite:///{workdir / 'queue.sqlite'}"
    os.environ.update(
        {
            "QUEUE_URL": queue_url,
            "VAPID_PRIVATE_KEY": vapid.private_pem().decode(),
            "PUSH_INSECURE_ENDPOINTS": "1",
        }
    )
    if redis:
        subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=True, capture_output=True)
    consumer = server = None
    try:
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        article_id = add_people_with_devices(database, receiver, people)
        server = Server(database)
        env = {**os.environ, "DATABASE_URL": database.url, "SECRET_KEY": "bench-secret", "FLASK_APP": "wsgi"}
        log = (workdir / "queue.log").open("w")
        consumer = subprocess.Popen(
            [sys.executable, "-m", "flask", "queue", "--workers", "4"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        cookie = sign_in(server.port, "admin")  # the demo manual belongs to head office
        requests, last_push, baseline = [], [], []
        for n in range(runs + 1):
            before = len(receiver.received)
            started, elapsed = publish(server.port, cookie, article_id, n)
            if not receiver.wait_for(before + people, timeout=600):
                raise RuntimeError(f"only {len(receiver.received) - before} of {people} pushes arrived")
            last = max(delivery.at for delivery in receiver.received[before:]) - started
            # The same request for a revision nobody must read (it tells nobody), under the same load.
            _started, plain = publish(server.port, cookie, article_id, 1000 + n, required=False)
            label = "warm-up" if n == 0 else f"run {n:2d}"
            print(
                f"  {backend:10s} {label}: request {elapsed * 1000:6.1f} ms, last push after {last:5.2f} s"
                f"   (a revision telling nobody: {plain * 1000:6.1f} ms)"
            )
            if n:
                requests.append(elapsed)
                last_push.append(last)
                baseline.append(plain)
        doubles = len(receiver.received) - people * (runs + 1)
        return {"requests": requests, "last_push": last_push, "baseline": baseline, "extra": doubles}
    finally:
        if consumer is not None:
            consumer.terminate()
            consumer.wait(timeout=20)
        if server is not None:
            server.stop()
        receiver.close()
        database.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--redis", action="store_true", help="the queue on Redis (127.0.0.1:6379/7)")
    args = parser.parse_args()
    print(f"A required revision for {args.people} people with a device each; {args.runs} runs after a warm-up.")
    print(f"Queue: {'Redis' if args.redis else 'SQLite file'}; one consumer with 4 threads; 2 cores shared by all.")
    print("Load average at the start (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    results = {backend: run_backend(backend, args.people, args.runs, args.redis) for backend in args.backends}
    print("Load average at the end (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print()
    for backend, result in results.items():
        ms = [s * 1000 for s in result["requests"]]
        plain = [s * 1000 for s in result["baseline"]]
        print(
            f"{backend:10s} publishing request: p50 {percentile(ms, 50):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms"
            f"  (telling nobody: p50 {percentile(plain, 50):6.1f} ms)"
            f"   last of {args.people} pushes: median {statistics.median(result['last_push']):5.2f} s"
            f" (max {max(result['last_push']):5.2f} s)   pushes beyond one each: {result['extra']}"
        )


if __name__ == "__main__":
    main()
