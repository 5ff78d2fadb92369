"""First-load weight of Today: every byte a tablet downloads the first time it opens the page.

    .venv/bin/python bench/page_weight.py

Starts the app (gunicorn, demo data), signs in as the demo technician in a fresh Chromium profile
and opens Today; sums what came over the wire (compressed bodies and headers) per resource type.
Target: at most 100 KB in all, of which JavaScript at most 30 KB.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import Database, Server

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS


def main():
    database = Database("sqlite")
    database.flask("db", "upgrade")
    database.flask("seed-demo")
    server = Server(database)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(
                base_url=f"http://127.0.0.1:{server.port}", locale="zh-CN", service_workers="block"
            )
            page = context.new_page()
            page.goto("/login")
            page.fill("#login", "tech")
            page.fill("#password", "demo1234")
            page.locator("main button[type=submit]").click()
            page.wait_for_url("**/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            weights = []
            page.on("requestfinished", lambda request: weights.append((request, request.sizes())))
            page.goto("/today", wait_until="networkidle")
            rows = []
            for request, sizes in weights:
                transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                rows.append((request.resource_type, request.url.split(str(server.port))[-1], transferred))
            browser.close()
    finally:
        server.stop()
        database.drop()
    total = sum(size for _, _, size in rows)
    script = sum(size for kind, _, size in rows if kind == "script")
    for kind, url, size in sorted(rows, key=lambda row: -row[2]):
        print(f"{size / 1024:7.1f} KB  {kind:10s} {url}")
    print(
        f"Today, first load: {total / 1024:.1f} KB transferred (target <= 100 KB), "
        f"JavaScript {script / 1024:.1f} KB (target <= 30 KB)"
    )


if __name__ == "__main__":
    main()
