"""Acceptance for the callback questionnaire in Chromium, at the front-desk PC (1280×800).

The receptionist opens a customer due for a callback from the desk, asks the survey: the problem came
back and the repair was slow, so the customer is not satisfied; a follow-up job opens for the
technician. Another customer, already tried twice, does not answer a third time: that callback closes
as unreachable. The manager's callback report lists the dissatisfied customer with the follow-up job.
"""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET_VIEWPORTS, serve_demo, sign_in

pytestmark = pytest.mark.e2e

MARKS = {
    "Was it easy to reach us?": "5",
    "How quickly did we respond?": "4",
    "How quickly was it repaired?": "2",
    "How skilled was the technician?": "4",
    "Were our staff friendly?": "5",
    "Compared with others, was the service worth its price?": "4",
    "Was the site left clean (or our service hall, if you came in)?": "5",
}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A demo of its own: this test closes two of the demo's callbacks."""
    yield from serve_demo(tmp_path_factory.mktemp("callbacks"))


@pytest.fixture
def viewport():
    return TABLET_VIEWPORTS["landscape"]  # 1280×800: the front-desk PC


def database(live_server):
    return sqlite3.connect(live_server.database_url.removeprefix("sqlite:///"))


def test_the_callback_questionnaire_at_the_front_desk(new_page, live_server):
    desk = new_page(locale="en-US")
    sign_in(desk, "reception")
    desk.goto("/desk")
    due = desk.locator("#desk-callbacks")
    due.get_by_role("link", name=re.compile("柜员机吞卡|丰台区农村信用社卢沟桥分社")).first.click()
    desk.wait_for_url(re.compile(r"/jobs/\d+/callback$"))
    job_path = re.search(r"/jobs/\d+", desk.url).group(0)

    # While "no answer" is chosen the questions are hidden; reaching the customer shows them.
    reached = desk.get_by_role("group", name="Did you reach the customer?")
    reached.get_by_label("No answer: try again later").check()
    expect(desk.get_by_role("group", name="Is the problem solved?")).to_be_hidden()
    reached.get_by_label("Yes").check()
    solved = desk.get_by_role("group", name="Is the problem solved?")
    expect(solved).to_be_visible()

    # Submitting without saying whether the problem is solved keeps every answer and says what is missing.
    for question, mark in MARKS.items():
        desk.get_by_role("group", name=question).get_by_label(f"{mark} · ").check()
    desk.get_by_label("Was anyone particularly warm, or not warm enough? Their name").fill("张伟")
    desk.get_by_role("group", name="They were").get_by_label("particularly warm").check()
    desk.get_by_label("How should we improve?").fill("希望维修时间短一些")
    desk.get_by_role("button", name="Record the callback").click()
    expect(desk.locator(".form-errors")).to_contain_text("Ask whether the problem is solved.")
    expect(desk.get_by_role("group", name="How quickly was it repaired?").get_by_label("2 · ")).to_be_checked()

    desk.get_by_role("group", name="Is the problem solved?").get_by_label("No: it is still there or came back").check()
    desk.get_by_label("Note").fill("柜员机又吞卡了")
    desk.get_by_role("button", name="Record the callback").click()
    desk.wait_for_url("**/callbacks")
    expect(desk.locator(".flash-success")).to_contain_text("follow-up job")
    follow_up = re.search(r"follow-up job (J\d+)", desk.locator(".flash-success").inner_text()).group(1)
    expect(desk.locator(f"article.callback a[href='{job_path}']")).to_have_count(0)

    # The customer tried twice already does not answer a third time: the callback closes as unreachable.
    third = desk.locator("article.callback", has_text="call 3 of 3")
    expect(third).to_have_count(1)
    third_path = third.locator("h2 a").get_attribute("href")
    third.get_by_role("button", name="No answer").click()
    expect(desk.locator(".flash-success")).to_contain_text("the callback is closed as unreachable")
    expect(desk.locator(f"article.callback a[href='{third_path}']")).to_have_count(0)

    with database(live_server) as db:
        job_id = int(job_path.rsplit("/", 1)[1])
        row = db.execute(
            "SELECT outcome, problem_solved, contact_ease, repair_speed, staff_named, staff_remark, suggestions, "
            "follow_up_job_id FROM callback WHERE job_id = ?",
            (job_id,),
        ).fetchone()
        assert row[:7] == ("not_satisfied", 0, 5, 2, "张伟", "praised", "希望维修时间短一些")
        assert db.execute("SELECT status, follow_up_of_id FROM job WHERE id = ?", (row[7],)).fetchone() == (
            "assigned",
            job_id,
        )
        third_id = int(third_path.rsplit("/", 1)[1])
        tries = db.execute("SELECT attempt, outcome FROM callback WHERE job_id = ? ORDER BY attempt", (third_id,))
        assert tries.fetchall() == [(1, "unreachable"), (2, "unreachable"), (3, "unreachable")]
        assert db.execute("SELECT status FROM job WHERE id = ?", (third_id,)).fetchone() == ("closed",)

    # The manager's callback report: the dissatisfied summary names the job, why, and its follow-up.
    office = new_page(locale="en-US")
    sign_in(office, "manager")
    office.goto("/dashboard/reports/callbacks")
    summary = office.locator('[data-table="dissatisfied.summary"]')
    line = summary.locator("tr", has=office.locator(f"a[href='{job_path}']"))
    expect(line).to_contain_text("not solved, Repair speed 2")
    expect(line).to_contain_text(follow_up)
    expect(line).to_contain_text("waiting for a manager")
    expect(office.locator('[data-table="satisfaction.by_technician"]')).to_contain_text("张伟")
