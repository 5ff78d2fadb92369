"""First-load weight of a page: every byte a browser downloads the first time it opens it.

    .venv/bin/python bench/page_weight.py

Starts the app (gunicorn, demo data), signs in in a fresh Chromium profile and opens the page; sums
what came over the wire (compressed bodies and headers) per resource type. Today, as the demo
technician: target at most 100 KB in all, of which JavaScript at most 30 KB. The dashboard, as the
demo manager (its charts are SVG in the page, no chart script): the same budget.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import Database, Server

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

PAGES = [
    ("tech", "/today", "Today"),
    ("manager", "/dashboard", "Dashboard"),
    ("admin", "/dashboard", "Dashboard (admin)"),
]


def weigh(browser, port: int, login: str, path: str) -> list[tuple[str, str, int]]:
    context = browser.new_context(base_url=f"http://127.0.0.1:{port}", locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", "demo1234")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    weights = []
    page.on("requestfinished", lambda request: weights.append((request, request.sizes())))
    page.goto(path, wait_until="networkidle")
    rows = []
    for request, sizes in weights:
        transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        rows.append((request.resource_type, request.url.split(str(port))[-1], transferred))
    context.close()
    return rows


def main():
    database = Database("sqlite")
    database.flask("db", "upgrade")
    database.flask("seed-demo")
    server = Server(database)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            measured = [(label, weigh(browser, server.port, login, path)) for login, path, label in PAGES]
            browser.close()
    finally:
        server.stop()
        database.drop()
    for label, rows in measured:
        total = sum(size for _, _, size in rows)
        script = sum(size for kind, _, size in rows if kind == "script")
        for kind, url, size in sorted(rows, key=lambda row: -row[2]):
            print(f"{size / 1024:7.1f} KB  {kind:10s} {url}")
        print(
            f"{label}, first load: {total / 1024:.1f} KB transferred (target <= 100 KB), "
            f"JavaScript {script / 1024:.1f} KB (target <= 30 KB)\n"
        )


if __name__ == "__main__":
    main()
