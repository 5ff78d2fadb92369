"""In Chromium on an 800 px tablet: every role's navigation is one row, groups open as menus by
keyboard and touch, the technician's daily pages are one tap away, and only the page's own item is
marked as current."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.roles import LANGUAGES, ROLE_LOGINS, signed_in

pytestmark = pytest.mark.e2e

ONE_ROW = 60  # px: the 44 px touch targets and the bar's padding; a second row would add 44 more


def header_layout(page) -> dict:
    return page.evaluate(
        """() => {
          const bar = document.querySelector(".topbar").getBoundingClientRect();
          const tops = [...document.querySelectorAll(".mainnav > ul > li")].map((li) => li.getBoundingClientRect().top);
          const nav = document.querySelector(".mainnav").getBoundingClientRect();
          const tools = document.querySelector(".topbar-tools").getBoundingClientRect();
          return {height: bar.height, rows: new Set(tops.map(Math.round)).size, navRight: nav.right,
                  toolsLeft: tools.left, toolsTop: tools.top, navTop: nav.top,
                  overflow: document.documentElement.scrollWidth};
        }"""
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_roles_navigation_fits_one_row_at_800_px(browser, live_server, language):
    heights = {}
    for login in ROLE_LOGINS.values():
        with signed_in(browser, live_server, login, language) as page:
            layout = header_layout(page)
            heights[login] = layout["height"]
            assert layout["rows"] == 1, (login, layout)
            assert layout["navRight"] <= layout["toolsLeft"], (login, layout)  # tools beside the links
            assert abs(layout["toolsTop"] - layout["navTop"]) < 10, (login, layout)  # ... on the same row
            assert layout["height"] <= ONE_ROW, (login, layout)
            assert layout["overflow"] <= 800, (login, layout)  # nothing pushed off the screen
            # ... and still when the outbox holds forms: its badge joins the bar
            page.evaluate("document.querySelector('[data-outbox-badge]').hidden = false")
            page.evaluate("document.querySelector('[data-outbox-count]').textContent = '12'")
            with_outbox = header_layout(page)
            assert with_outbox["rows"] == 1 and with_outbox["height"] <= ONE_ROW, (login, with_outbox)
            assert with_outbox["navRight"] <= with_outbox["toolsLeft"], (login, with_outbox)
    print(f"header height at 800 px ({language}):", heights)


def test_menus_open_by_keyboard_and_touch_and_close_with_escape(browser, live_server):
    with signed_in(browser, live_server, "manager", "en") as page:
        nav = page.get_by_role("navigation", name="Main")
        work = nav.locator("details", has=page.locator("summary", has_text="Work"))
        jobs = nav.get_by_role("link", name="Jobs", exact=True)
        expect(jobs).to_be_hidden()
        work.locator("summary").focus()
        page.keyboard.press("Enter")
        expect(jobs).to_be_visible()
        page.keyboard.press("Tab")
        expect(work.get_by_role("link").first).to_be_focused()
        page.keyboard.press("Escape")
        expect(jobs).to_be_hidden()
        expect(work.locator("summary")).to_be_focused()

        stock = nav.locator("details", has=page.locator("summary", has_text="Stock"))
        stock.locator("summary").tap()
        expect(nav.get_by_role("link", name="Stores")).to_be_visible()
        work.locator("summary").tap()  # one menu open at a time
        expect(jobs).to_be_visible()
        expect(nav.get_by_role("link", name="Stores")).to_be_hidden()
        page.locator("main h1").tap()  # a tap elsewhere closes it
        expect(jobs).to_be_hidden()
        work.locator("summary").tap()
        jobs.tap()
        expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible()
        expect(work).to_have_class(re.compile(r"\bis-current\b"))


def test_technicians_daily_pages_are_one_tap_away_with_the_reading_count(browser, live_server):
    with signed_in(browser, live_server, "tech", "en") as page:
        nav = page.get_by_role("navigation", name="Main")
        for name in ("Today", "Part requests", "Manual"):
            expect(nav.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
        page.goto("/kb/to-read")
        to_read = page.locator("main li a[href*='/kb/']").count()
        count = nav.locator("a[href='/kb'] .nav-count")
        if to_read:
            expect(count).to_have_text(str(to_read))
            expect(nav.get_by_role("link", name=f"Manual ({to_read} to read)")).to_be_visible()
        else:
            expect(count).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_the_pages_own_item_is_current(browser, live_server, language):
    with signed_in(browser, live_server, "store", language) as page:
        current = page.locator(".mainnav [aria-current='page']")
        for path, endpoint in [
            ("/parts/requests", "/parts/requests"),
            ("/parts/requests/new", "/parts/requests"),
            ("/parts", "/parts"),
            ("/parts/stores", "/parts/stores"),
        ]:
            page.goto(path)
            expect(current).to_have_count(1)
            expect(current).to_have_attribute("href", endpoint)
        page.goto("/parts/requests")
        page.locator("main a[href^='/parts/requests/']").filter(has_text=re.compile(r"\d")).first.click()
        expect(page).to_have_url(re.compile(r"/parts/requests/\d+$"))
        expect(current).to_have_count(1)
        expect(current).to_have_attribute("href", "/parts/requests")
        expect(page.locator(".mainnav details.is-current")).to_have_count(1)  # the Stock menu holds it
