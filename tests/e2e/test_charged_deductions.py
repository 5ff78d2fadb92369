"""Acceptance in Chromium for the credit-union checklist: lapses charged to a person on the tablet, the
line kept by the draft across a reload, the uncapped running score, and the submitted deduction on the
person's own score page.
"""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET_VIEWPORTS, serve_demo, sign_in

pytestmark = pytest.mark.e2e

GREETING = "接待时缺少问候、应答或道别用语(每人次)"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("charges"))


@pytest.fixture
def viewport():
    return TABLET_VIEWPORTS["landscape"]  # one run: the test fills the demo's one credit-union inspection


def test_a_lapse_charged_to_a_colleague_survives_a_reload_and_reaches_their_score(new_page, live_server):
    colleague = new_page(locale="en-US")
    sign_in(colleague, "tech2")
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    colleague.goto(f"/inspections/my-score?month={month}")
    before = Decimal(colleague.locator("[data-score=month]").inner_text())

    tablet = new_page(locale="en-US")
    sign_in(tablet, "tech")
    tablet.goto("/inspections")
    tablet.locator("a", has_text="信用社网点顾客服务检查").first.click()
    tablet.wait_for_url(re.compile(r"/inspections/\d+/fill$"))
    inspection_path = re.search(r"/inspections/\d+", tablet.url).group(0)
    form = tablet.locator("form[data-inspection-form]")
    expect(form.locator("[data-score-total]")).to_have_text("100")

    tablet.get_by_role("button", name="语言").click()
    item = form.locator("[data-item]", has_text=GREETING)
    item.locator("input[name$='-count']").fill("25")
    # Not capped: 25 lapses at 0.5 take 12.5 from a section of 10.
    expect(form.locator("[data-section]:visible [data-section-score]")).to_have_text("-2.5")
    expect(form.locator("[data-score-total]")).to_have_text("87.5")
    item.get_by_role("button", name="Charge to a person").click()
    line = item.locator("[data-charge-row]")
    expect(line).to_have_count(1)
    line.get_by_label("Person charged").select_option(label="刘洋")
    line.get_by_label("Times").fill("2")

    tablet.reload()
    expect(tablet.locator(".flash-info")).to_contain_text("Your unsent answers were put back.")
    item = tablet.locator("[data-item]", has_text=GREETING)
    line = item.locator("[data-charge-row]")
    expect(line).to_have_count(1)  # the draft brought the line back with its values
    expect(line.get_by_label("Person charged")).to_have_value(
        line.locator("option", has_text="刘洋").get_attribute("value")
    )
    expect(line.get_by_label("Times")).to_have_value("2")

    tablet.get_by_role("button", name="Submit the inspection").click()
    tablet.wait_for_url(re.compile(r"/inspections/\d+$"))
    expect(tablet.locator(".total-score")).to_contain_text("87.5 / 100")
    expect(tablet.locator("tr.failed", has_text=GREETING)).to_contain_text("charged to 刘洋: −1 (2 times)")

    # The manager signs it off; then 刘洋's own score for the month has lost the point.
    office = new_page(locale="en-US")
    sign_in(office, "manager")
    office.goto(inspection_path)
    office.get_by_label(re.compile("I reviewed the answers")).check()
    pad = office.locator("[data-signature-pad]")
    pad.evaluate("pad => pad.scrollIntoView({block: 'center'})")
    box = pad.bounding_box()
    office.mouse.move(box["x"] + 30, box["y"] + 60)
    office.mouse.down()
    office.mouse.move(box["x"] + 220, box["y"] + 120, steps=8)
    office.mouse.up()
    office.wait_for_function("() => document.querySelector('[data-signature-input]').files.length === 1")
    office.get_by_role("button", name=re.compile("Sign off")).click()
    expect(office.locator(".badge.inspection-signed_off")).to_be_visible()

    colleague.reload()
    expect(colleague.locator("[data-score=month]")).to_have_text(f"{(before - 1).normalize():f}")
    expect(colleague.locator("main table")).to_contain_text(GREETING)
