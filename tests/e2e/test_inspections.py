"""Acceptance for inspections in Chromium: assigned by a manager, filled offline on a tablet with a
failed item and its photo, synced through the outbox, a corrective action opened, signed off, then frozen.
"""

import re
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import ConsoleWatch, serve_demo, sign_in

pytestmark = pytest.mark.e2e

FAILED_ITEM = "工位上只有当天要用的工具和配件"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("inspections"))


@pytest.fixture
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


def inspection_state(live_app, inspection_id):
    from intranet.extensions import db
    from intranet.inspections.models import CorrectiveAction, Inspection

    with live_app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        actions = db.session.query(CorrectiveAction).filter_by(inspection_id=inspection_id).count()
        photos = sum(1 for answer in inspection.answers if answer.photo_id)
        return inspection.status, str(inspection.score_total), actions, photos


def draw_signature(page):
    pad = page.locator("[data-signature-pad]")
    pad.evaluate("pad => pad.scrollIntoView({block: 'center'})")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 220, box["y"] + 120, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('[data-signature-input]').files.length === 1")


def answer_every_section(page):
    sections = page.locator("[data-section]")
    for index in range(sections.count()):
        section = sections.nth(index)
        expect(section).to_be_visible()  # one section at a time
        for radio in section.locator("input[value=pass]").all():
            radio.check()
        if index < sections.count() - 1:
            page.get_by_role("button", name="Next section").click()


def test_assign_fill_offline_sync_act_sign_and_freeze(browser, open_tablet, network, live_server, live_app, tmp_path):
    console = ConsoleWatch()
    office = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US", base_url=live_server.url)
    office.set_default_timeout(15_000)
    desk = office.new_page()
    console.attach(desk)

    # The manager assigns the daily 5S check to a technician.
    sign_in(desk, "manager")
    desk.goto("/inspections/assign")
    desk.get_by_label("Checklist").select_option(label="每日现场 5S 检查 · v1")
    inspector = desk.locator("#inspector_id option", has_text="刘洋").get_attribute("value")
    desk.get_by_label("Inspector").select_option(inspector)
    desk.get_by_role("button", name="Assign").click()
    desk.wait_for_url(re.compile(r"/inspections/\d+$"))
    inspection_id = int(desk.url.rsplit("/", 1)[1])
    expect(desk.locator(".badge.inspection-assigned")).to_be_visible()

    # The technician's tablet keeps the form after sign-in, then loses the network.
    context = open_tablet(has_touch=True)  # watched for console errors by the fixture
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, "tech2")
    page.goto("/inspections")
    page.wait_for_function("() => navigator.serviceWorker.controller && document.documentElement.dataset.pagesWarmed")
    network.cut()
    page.goto(f"/inspections/{inspection_id}/fill")  # answered by the service worker's cache
    expect(page.locator("[data-banner=offline]")).to_be_visible()
    expect(page.locator("[data-score-total]")).to_have_text("20")
    answer_every_section(page)
    page.get_by_role("button", name="整理").click()
    failed = page.locator("[data-item]", has_text=FAILED_ITEM)
    failed.locator("input[value=fail]").check()
    failed.locator("input[name$='-note']").fill("工位上堆着上周的旧件")
    expect(page.locator("[data-score-total]")).to_have_text("18")  # the running preview
    photo = tmp_path / "mess.jpg"
    Image.new("RGB", (3000, 2000), (120, 90, 40)).save(photo, "JPEG")
    failed.locator("[data-item-photo]").set_input_files(photo)
    expect(failed.locator("[data-photo-name]")).to_have_text("mess.jpg")

    # A reload (still offline) loses nothing: answers, note and photo are kept on the tablet.
    page.reload()
    failed = page.locator("[data-item]", has_text=FAILED_ITEM)
    expect(failed.locator("input[value=fail]")).to_be_checked()
    expect(failed.locator("input[name$='-note']")).to_have_value("工位上堆着上周的旧件")
    expect(page.locator("[data-score-total]")).to_have_text("18")
    expect(failed.locator("[data-photo-name]")).to_have_text("mess.jpg")
    assert failed.locator("[data-item-photo]").evaluate("input => input.files.length") == 1
    page.get_by_role("button", name="Submit the inspection").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    assert inspection_state(live_app, inspection_id)[0] == "assigned"

    # Back online: the outbox sends it once; the server scores it and opens the corrective action.
    network.restore()  # and the server saw nothing of it meanwhile
    deadline = time.monotonic() + 30
    while inspection_state(live_app, inspection_id)[0] != "submitted" and time.monotonic() < deadline:
        page.wait_for_timeout(300)
    assert inspection_state(live_app, inspection_id) == ("submitted", "18.00", 1, 1)

    desk.goto("/inspections/actions")
    expect(desk.locator("#action-results tr", has_text=FAILED_ITEM)).to_be_visible()

    # The manager reviews, signs and confirms.
    desk.goto(f"/inspections/{inspection_id}")
    expect(desk.locator(".total-score")).to_have_text("18 / 20")
    # The tablet's draft (answers and photo) goes once the server holds the inspection.
    page.goto(f"/inspections/{inspection_id}")
    draft_key = f"'inspection-draft-' + document.getElementById('app').dataset.user + '-{inspection_id}'"
    page.wait_for_function(f"() => !localStorage.getItem({draft_key})")
    draw_signature(desk)
    desk.get_by_label(re.compile("I reviewed the answers")).check()
    desk.get_by_role("button", name="Sign off", exact=True).click()
    expect(desk.locator(".badge.inspection-signed_off")).to_be_visible()
    expect(desk.locator("img.signature")).to_be_visible()

    # Signed off: a later edit from the tablet is refused.
    token = page.request.get("/auth/csrf-token").json()["token"]
    response = page.request.post(
        f"/inspections/{inspection_id}/fill",
        headers={"X-CSRFToken": token},
        multipart={"client_id": "3f2b8c1e-0000-4000-8000-000000000001"},
    )
    assert response.status == 409
    assert inspection_state(live_app, inspection_id)[0] == "signed_off"
    office.close()
    assert console.errors == []


def assign_directly(live_app, family, login, manager_login):
    from datetime import UTC, datetime, timedelta

    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.inspections import assigning, service

    with live_app.app_context():
        inspector = db.session.query(User).filter_by(login=login).one()
        manager = db.session.query(User).filter_by(login=manager_login).one()
        template = next(t for t in service.active_templates() if t.family == family)
        inspection = assigning.assign(
            manager,
            assigning.AssignData(template.id, inspector.branch_id, inspector.id, datetime.now(UTC) + timedelta(days=1)),
        )
        db.session.commit()
        return inspection.id


def test_a_draft_saved_on_one_tablet_opens_on_another(browser, live_server, live_app):
    inspection_id = assign_directly(live_app, "OFFICE-OPS", "reception.pd", "admin")
    console = ConsoleWatch()
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="en-US", base_url=live_server.url)
        page = context.new_page()
        console.attach(page)
        sign_in(page, "reception.pd")
        pages.append(page)
    first, second = pages
    first.goto(f"/inspections/{inspection_id}/fill")
    first.locator("[data-section] input[value=fail]").first.check()
    expect(first.locator("[data-score-total]")).to_have_text("18")
    first.get_by_role("button", name="Save draft").click()
    expect(first.locator(".flash-success")).to_contain_text("Draft saved")
    assert inspection_state(live_app, inspection_id)[0] == "draft"

    second.goto(f"/inspections/{inspection_id}/fill")
    expect(second.locator("[data-section] input[value=fail]").first).to_be_checked()
    expect(second.locator("[data-score-total]")).to_have_text("18")
    for page in pages:
        page.context.close()
    assert console.errors == []
