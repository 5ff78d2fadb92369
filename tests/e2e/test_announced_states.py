"""In Chromium: states a person, or a screen reader, must be told about are put in words and in live
regions: the signature pad's "signed", Today's "ready for offline"; the search results and an
inspection item's block have names."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.roles import kept_language, signed_in, use_language
from tests.e2e.tablet import make_jobs, wait_until_pages_kept

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


def test_today_says_when_the_tablet_is_ready_for_offline(open_tablet, live_server):
    with kept_language(live_server.database_url, "tech"):
        tablet = open_tablet().new_page()
        sign_in(tablet, "tech")
        use_language(tablet, "en")
        tablet.goto("/today")
        wait_until_pages_kept(tablet)
        kept = tablet.evaluate("document.documentElement.dataset.pagesWarmed")
        state = tablet.get_by_role("status").filter(has_text="Ready for offline")
        expect(state).to_be_visible()
        expect(state).to_have_text(f"Ready for offline: {kept} pages kept on this tablet")
        tablet.reload()  # a later visit says it at once
        expect(tablet.locator("[data-offline-state]")).to_have_text(re.compile(r"Ready for offline: \d+ pages"))


def test_the_signature_pad_says_signed_and_cleared(browser, live_server, live_app):
    marker = f"签名状态 {uuid.uuid4().hex[:6]}"
    make_jobs(live_app, "tech", 1, marker)
    with signed_in(browser, live_server, "tech", "en") as page:
        page.goto("/today")
        card = page.locator(".job-card", has_text=marker)
        card.get_by_role("button", name="Start — I have arrived").click()
        card.get_by_role("link", name="Write the visit report").click()
        state = page.locator("[data-signature-state]")
        expect(state).to_have_attribute("role", "status")
        expect(state).to_have_text("Not signed yet")
        pad = page.locator("[data-signature-pad]")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        page.mouse.move(box["x"] + 30, box["y"] + 60)
        page.mouse.down()
        page.mouse.move(box["x"] + 200, box["y"] + 120, steps=8)
        page.mouse.up()
        expect(state).to_have_text("Signed")
        page.get_by_role("button", name="Clear the signature").click()
        expect(state).to_have_text("Not signed yet")


def test_search_results_and_inspection_items_have_names(browser, live_server):
    with signed_in(browser, live_server, "tech", "en") as page:
        page.goto("/kb?q=回访")
        expect(page.get_by_role("region", name="Search results")).to_contain_text("维修后回访")
        page.goto("/customers")
        expect(page.get_by_role("region", name="Search results")).to_be_visible()
        page.goto("/inspections")
        page.locator("main a[href$='/fill']").first.click()
        item = page.locator(".inspection-item").first
        text = item.locator(".item-text").inner_text()
        expect(page.get_by_role("group", name=text, exact=True).first).to_be_visible()
