"""In Chromium: head office publishes a required revision of the manual, a technician reads and
acknowledges it, the branch manager's report shows it, and a newer required revision asks again.

The demo's manual is head office's (written by no branch): administrators revise it; a branch manager
reads it and follows who has read it."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

ARTICLE = "维修后回访"


# Other browser tests switch the demo users' language, so these steps find things by what they are
# (ids, links' targets, data attributes), not by their labels.


def open_article(page) -> None:
    page.goto("/kb")
    page.get_by_role("link", name=ARTICLE, exact=True).first.click()
    expect(page.get_by_role("heading", name=ARTICLE, exact=True)).to_be_visible()


def publish_required_revision(page, note: str) -> None:
    open_article(page)
    page.locator("main a[href$='/edit']").click()
    body = page.locator("#body")
    body.fill(body.input_value() + f"\n\n{note}\n")
    page.locator("#change_summary").fill(note)
    page.locator("button[name=action][value=publish]").click()
    expect(page.locator(".flash-success")).to_contain_text(ARTICLE)


def reader_row(page, login: str):
    return page.locator(f"tr[data-reader='{login}']")


def open_report(page) -> None:
    open_article(page)
    page.locator("main a[href$='/report']").click()
    expect(page.locator("tr[data-reader]").first).to_be_visible()


def test_required_reading_round_trip(new_page):
    head_office = new_page(locale="en-US")
    sign_in(head_office, "admin")
    publish_required_revision(head_office, f"回访时请核对工单号 {uuid.uuid4().hex[:6]}")
    manager = new_page(locale="en-US")
    sign_in(manager, "manager")

    technician = new_page(locale="en-US")
    sign_in(technician, "tech")
    expect(technician.locator("[data-kb-to-read]")).to_be_visible()  # the count on the home page
    technician.goto("/kb/to-read")
    technician.get_by_role("link", name=ARTICLE).click()
    technician.evaluate("window.__notReloaded = true")
    technician.locator("[data-kb-acknowledge]").click()
    expect(technician.locator("[data-kb-acknowledged]")).to_be_visible()
    assert technician.evaluate("window.__notReloaded") is True  # htmx swapped the notice only
    technician.goto("/kb/to-read")
    expect(technician.locator("main")).not_to_contain_text(ARTICLE)

    open_report(manager)
    expect(reader_row(manager, "tech")).to_have_attribute("data-state", "read")
    expect(reader_row(manager, "tech2")).to_have_attribute("data-state", "unread")

    publish_required_revision(head_office, f"回访记录须当天录入 {uuid.uuid4().hex[:6]}")
    technician.goto("/kb/to-read")
    expect(technician.get_by_role("link", name=ARTICLE)).to_be_visible()
    open_report(manager)
    expect(reader_row(manager, "tech")).to_have_attribute("data-state", "unread")


def test_live_search_in_chinese_and_the_diff_of_two_revisions(new_page):
    page = new_page(locale="en-US")
    sign_in(page, "tech")
    page.goto("/kb")
    page.evaluate("window.__notReloaded = true")
    page.fill("#kb-q", "投诉")
    expect(page.locator("#kb-results mark").first).to_have_text("投诉")
    expect(page.locator("#kb-results li").first).to_contain_text("客户投诉处理")
    assert page.evaluate("window.__notReloaded") is True
    page.fill("#kb-q", 'NEAR("回访 *')
    expect(page.locator("#kb-results")).to_contain_text(ARTICLE)

    open_article(page)
    page.locator("main a[href$='/history']").click()
    page.locator("form[hx-target='#kb-diff'] button").click()
    expect(page.locator("#kb-diff .diff-added").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/history$"))
