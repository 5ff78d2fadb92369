"""Acceptance for the front desk in Chromium at 1280×800, with a clock the test moves.

A hotline call about a broken boiler becomes a complaint owned by the receptionist who took it; it
is handed to the manager, who makes a job of it; the owner still has it on her desk. The clock moves
past the promised answer time: the desk shows it overdue, the duty manager's close-out lists it
overdue, and he signs the day. The complaint is closed with its resolution.

The clock: this server is the real app built with TESTING on and a TEST_CLOCK_FILE (intranet/clock.py),
which only an app built that way in code reads; the test writes the instant into the file. The
alarm command gets the same instant with --now, as a scheduler would run it at the deadline.
"""

import os
import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from intranet import PROJECT_ROOT
from tests.e2e.conftest import TABLET_VIEWPORTS, LiveServer, sign_in

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI)  # a Monday without holidays around it
# One working day (8 h on 08:30-12:00, 13:00-17:30) from Monday 10:00: 6.5 h on Monday, 1.5 h on Tuesday.
ANSWER_DUE = datetime(2027, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("clock") / "now"
    path.write_text(MONDAY_10.isoformat())
    return path


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, clock_file):
    """The demo on a server whose clock is the file above."""
    server = LiveServer(tmp_path_factory.mktemp("desk"))
    server.env["FLASK_APP"] = f"intranet:create_app({{'TESTING': True, 'TEST_CLOCK_FILE': {str(clock_file)!r}}})"
    server.flask(["db", "upgrade"], ["seed-demo"])
    server.start()
    yield server
    server.close()


@pytest.fixture
def viewport():
    return TABLET_VIEWPORTS["landscape"]  # 1280×800: the front-desk PC


def set_clock(clock_file, moment: datetime) -> None:
    clock_file.write_text(moment.isoformat())


def run_alarms(live_server, moment: datetime) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "frontdesk-alarms", "--now", moment.isoformat()],
        cwd=PROJECT_ROOT,
        env={**os.environ, **live_server.env},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_a_hotline_complaint_from_the_call_to_its_close(new_page, live_server, clock_file):
    set_clock(clock_file, MONDAY_10)

    # The branch manager puts himself on duty for the week.
    manager = new_page(locale="en-US")
    sign_in(manager, "manager")
    manager.goto("/desk/roster?week=2027-03-01")
    for n in range(5):
        manager.locator(f"#duty_{n}").select_option(label="王建国")
    manager.get_by_role("button", name="Save the roster").click()
    expect(manager.locator(".flash-success")).to_contain_text("duty roster is saved")

    # The receptionist takes the call on the desk page and hands it on as a complaint.
    desk = new_page(locale="zh-CN")
    sign_in(desk, "reception")
    desk.get_by_role("navigation", name="主导航").get_by_role("link", name="前台").click()
    expect(desk.get_by_role("heading", name=re.compile("前台"))).to_be_visible()
    call = desk.locator(".call-form")
    call.locator("[name=caller_name]").fill("张秀英的女儿")
    call.locator("[name=number]").fill("136 9120 5521")
    call.locator("[name=topic]").select_option("complaint")
    call.locator("[name=summary]").fill("壁挂炉又打不着火,老人家里没有暖气")
    call.get_by_role("button", name="投诉").click()

    # The complaint form comes filled in from the call, the customer found by the number.
    expect(desk.get_by_role("heading", name="新投诉")).to_be_visible()
    expect(desk.get_by_text("客户:张秀英")).to_be_visible()
    expect(desk.locator("[name=description]")).to_have_value("壁挂炉又打不着火,老人家里没有暖气")
    desk.locator("[name=category]").select_option("repair_quality")
    desk.get_by_label("严重", exact=True).check()
    desk.get_by_role("button", name="登记投诉").click()
    expect(desk.locator(".flash-success")).to_contain_text("2027/03/02 10:00")  # the promise to tell the customer
    expect(desk.locator("[data-owner]")).to_have_text("李静")
    reference = desk.locator("h1").inner_text().split(" ")[0]
    complaint_url = desk.url

    # She hands the work to the manager; she stays the owner.
    desk.locator("[name=handler_id]").select_option(label="王建国 · 经理 · 丰台服务站")
    desk.get_by_role("button", name="转交").click()
    expect(desk.locator("[data-handler]")).to_contain_text("王建国")
    expect(desk.locator("[data-owner]")).to_have_text("李静")

    # The manager finds it among his complaints and makes a job of it.
    manager.goto("/complaints?mine=1")
    manager.get_by_role("link", name=reference).click()
    manager.get_by_role("link", name="Create a job").click()
    expect(manager.locator("[name=fault_description]")).to_have_value("壁挂炉又打不着火,老人家里没有暖气")
    manager.get_by_role("button", name="Create job").click()
    expect(manager.locator("[data-job]")).to_be_visible()
    job_url = manager.locator("[data-job]").get_attribute("href")
    manager.goto(job_url)
    expect(manager.locator("[data-related]")).to_contain_text(f"From complaint {reference}, owned by 李静")

    # The owner still has it on her desk, not yet overdue.
    desk.goto("/desk")
    row = desk.locator(f"#desk-complaints [data-complaint='{reference}']")
    expect(row).to_contain_text("李静")
    expect(row.locator(".badge-danger")).to_have_count(0)

    # The clock passes the answer time: the scheduler's alarm fires, the desk shows it overdue.
    set_clock(clock_file, datetime(2027, 3, 2, 10, 1, tzinfo=SHANGHAI))
    assert "alerted" in run_alarms(live_server, datetime(2027, 3, 2, 10, 1, tzinfo=SHANGHAI))
    desk.reload()
    expect(row.locator(".badge-danger")).to_have_text("已逾期")
    desk.goto(complaint_url)
    expect(desk.locator("[data-overdue]")).to_be_visible()
    expect(desk.locator(".timeline")).to_contain_text("答复时限已过")

    # After closing time the duty manager's close-out lists it overdue; he signs the day.
    set_clock(clock_file, datetime(2027, 3, 2, 17, 35, tzinfo=SHANGHAI))
    manager.goto("/desk")
    manager.get_by_role("link", name="Close-out").click()
    expect(manager.get_by_role("heading", name=re.compile("Close-out of"))).to_contain_text("Tuesday 02/03/2027")
    expect(manager.get_by_text("Duty manager: 王建国.")).to_be_visible()
    overdue_row = manager.locator(f"tr[data-complaint='{reference}']")
    expect(overdue_row).to_have_class(re.compile("overdue"))
    expect(overdue_row).to_contain_text("Overdue")
    manager.get_by_role("textbox", name="The day's note").fill(f"{reference} 已派工,明早技师上门,客户女儿已知悉。")
    manager.get_by_role("button", name="Sign the day").click()
    expect(manager.locator("[data-signed]")).to_be_visible()
    expect(manager.locator("[data-note]")).to_contain_text("已派工")

    # The next morning the owner closes it with the resolution.
    set_clock(clock_file, datetime(2027, 3, 3, 11, 0, tzinfo=SHANGHAI))
    desk.goto(complaint_url)
    desk.locator("[name=resolution]").fill("更换点火针和火焰探针,试机正常;已回访,客户满意。")
    desk.get_by_role("button", name="关闭投诉").click()
    expect(desk.locator("[data-status]")).to_have_text("已关闭")
    expect(desk.locator("[data-resolution]")).to_contain_text("更换点火针")
    desk.goto("/desk")
    expect(desk.locator(f"#desk-complaints [data-complaint='{reference}']")).to_have_count(0)


def test_the_desk_from_the_keyboard_alone(new_page, live_server, clock_file):
    set_clock(clock_file, MONDAY_10)
    desk = new_page(locale="en-US")
    sign_in(desk, "reception")
    desk.goto("/desk")
    expect(desk.locator("#desk-appointments")).to_be_visible()

    # "/" jumps to the phone search; typing finds the customer; Esc closes the list.
    desk.keyboard.press("/")
    expect(desk.locator("#desk-phone")).to_be_focused()
    desk.keyboard.type("9120")
    results = desk.locator("#desk-lookup-results")
    expect(results).to_contain_text("张秀英")
    desk.keyboard.press("Escape")
    expect(results.locator(".lookup-panel")).to_have_count(0)
    expect(desk.locator("#desk-phone")).to_be_focused()

    # Tab walks the page in reading order: the search, the desk's actions, then its columns, the call
    # log's fields one after the other. Enter in a field logs the call as answered.
    visited = []
    while "summary" not in visited and len(visited) < 100:
        desk.keyboard.press("Tab")
        visited.append(desk.evaluate("document.activeElement.name || document.activeElement.textContent.trim()"))
    assert visited[0] == "Find" and visited[1] == "New complaint"
    assert visited.index("caller_name") < visited.index("number") < visited.index("topic") < visited.index("summary")
    desk.locator("[name=caller_name]").focus()
    desk.keyboard.type("马春燕")
    desk.keyboard.press("Tab")
    desk.keyboard.type("139 1066 2381")
    desk.keyboard.press("Tab")
    desk.keyboard.press("Tab")
    desk.keyboard.type("Asked which papers the alarm check needs")
    desk.locator("[name=caller_name]").focus()
    desk.keyboard.press("Enter")
    expect(desk.locator(".flash-success")).to_contain_text("Call logged")
    expect(desk.locator("#desk-call-list")).to_contain_text("马春燕")
