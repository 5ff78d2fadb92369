"""Acceptance for jobs and visit reports, in Chromium on a 10-inch tablet held both ways.

A receptionist dispatches a job; the technician starts it on Today and files the report with two
photos (shrunk in the browser) and a signature; a manager sees the thumbnails and the signature; the
receptionist asks the callback questionnaire and the job closes.
"""

import re
import sqlite3

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def camera_photo(path, color):
    # A 12-megapixel "camera" JPEG, as a tablet would take it: the page must shrink it to 1600 px.
    Image.new("RGB", (4000, 3000), color).save(path, "JPEG", quality=90)
    return path


def draw_signature(page):
    pad = page.locator("[data-signature-pad]")
    pad.evaluate("pad => pad.scrollIntoView({block: 'center'})")  # clear of the sticky submit bar
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.3 if step % 2 else 0.7))
    page.mouse.up()


def test_dispatch_report_review_and_callback(new_page, live_server, tmp_path, request):
    marker = f"热水器打不着火 {request.node.callspec.id}"

    desk = new_page(locale="en-US")
    sign_in(desk, "reception")
    desk.goto("/customers?q=张秀英")
    desk.get_by_role("link", name=re.compile("张秀英")).click()
    desk.get_by_role("link", name="New job").click()
    desk.get_by_label("Source").select_option("complaint")
    desk.get_by_label("Priority").select_option("urgent")
    desk.get_by_label("Fault as the customer describes it").fill(marker)
    desk.get_by_label("Technician").select_option(label="张伟")
    desk.get_by_role("button", name="Create job").click()
    expect(desk.locator(".badge.status-assigned")).to_be_visible()
    job_path = re.search(r"/jobs/\d+", desk.url).group(0)

    tablet = new_page(locale="en-US")
    sign_in(tablet, "tech")
    tablet.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    card = tablet.locator(".job-card", has_text=marker)
    expect(card).to_be_visible()
    card.get_by_role("button", name="Start — I have arrived").click()
    expect(card.locator(".badge")).to_have_text("In progress")  # swapped in place by htmx
    card.get_by_role("link", name="Write the visit report").click()

    form = tablet.locator("form[data-visit-report]")
    expect(form).to_be_visible()
    assert re.fullmatch(r"[0-9a-f-]{36}", form.locator("[name=client_id]").input_value())
    tablet.get_by_label("Fault found").fill("点火针积碳")
    tablet.get_by_label("Cause").fill("燃气杂质")
    tablet.get_by_label("Action taken").fill("清洁点火针并试机")
    tablet.get_by_label("Fixed").check()
    tablet.get_by_label("In warranty").check()
    tablet.locator("[name='parts-0-part_code']").fill("IGN-07")
    tablet.locator("[name='parts-0-quantity']").fill("1")
    tablet.locator("[data-photo-input]").set_input_files(
        [camera_photo(tmp_path / "a.jpg", (200, 80, 40)), camera_photo(tmp_path / "b.jpg", (40, 120, 200))]
    )
    expect(tablet.locator("[data-photo-previews] img")).to_have_count(2)
    tablet.get_by_label("5", exact=True).check()
    tablet.get_by_label("Customer's comment").fill("很满意")
    draw_signature(tablet)
    expect(tablet.get_by_role("button", name="Submit the report")).to_be_enabled()
    tablet.get_by_role("button", name="Submit the report").click()
    expect(tablet.locator(".flash-success")).to_contain_text("Visit report for")
    expect(tablet.get_by_role("heading", name="Visit report")).to_be_visible()

    office = new_page(locale="en-US")
    sign_in(office, "manager")
    office.goto(job_path)
    thumbnails = office.locator(".photo-grid img")
    expect(thumbnails).to_have_count(2)
    for n in range(2):
        thumbnails.nth(n).scroll_into_view_if_needed()
        office.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnails.nth(n).element_handle())
    signature = office.locator("img.signature")
    signature.scroll_into_view_if_needed()
    office.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=signature.element_handle())
    expect(office.locator(".report")).to_contain_text("IGN-07")

    # The photos were shrunk on the tablet: nothing wider or taller than 1600 px reached the server.
    with sqlite3.connect(live_server.database_url.removeprefix("sqlite:///")) as database:
        sizes = database.execute(
            "SELECT width, height, content_type FROM attachment WHERE kind = 'photo' AND owner_id = "
            "(SELECT visit_report.id FROM visit_report JOIN job ON job.id = visit_report.job_id "
            "WHERE job.fault_description = ?)",
            (marker,),
        ).fetchall()
    assert sorted(sizes) == [(1600, 1200, "image/jpeg")] * 2

    desk.goto("/callbacks")
    callback = desk.locator("article.callback", has=desk.locator(f"a[href='{job_path}']"))
    callback.get_by_role("link", name="Call: open the questionnaire").click()
    desk.get_by_role("group", name="Did you reach the customer?").get_by_label("Yes").check()
    desk.get_by_role("group", name="Is the problem solved?").get_by_label("Yes").check()
    desk.get_by_role("button", name="Record the callback").click()
    expect(desk.locator(".flash-success")).to_contain_text("recorded")
    desk.goto(job_path)
    expect(desk.locator(".badge.status-closed")).to_have_text("Closed")
    expect(desk.locator(".timeline")).to_contain_text("called the customer back")
