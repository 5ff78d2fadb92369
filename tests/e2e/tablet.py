"""Helpers for tests that play a technician's tablet: jobs to report on, filling the report form,
waiting for the outbox and the pages kept offline."""

import time
from datetime import UTC, datetime, timedelta

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def make_jobs(live_app, technician_login: str, count: int, fault: str) -> list[int]:
    from intranet.auth.models import User
    from intranet.customers.models import Customer
    from intranet.db_types import utcnow
    from intranet.extensions import db
    from intranet.jobs import service

    with live_app.app_context():
        technician = db.session.query(User).filter_by(login=technician_login).one()
        receptionist = (
            db.session.query(User)
            .filter(User.branch_id == technician.branch_id, User.role.in_(["receptionist", "manager"]))
            .first()
        )
        customer = next(
            c
            for c in db.session.query(Customer).filter_by(branch_id=technician.branch_id).order_by(Customer.id)
            if c.sites
        )
        ids = []
        for n in range(count):
            job = service.create_job(
                receptionist,
                customer,
                service.JobData(
                    site_id=customer.sites[0].id,
                    source="complaint",
                    priority="normal",
                    fault_description=f"{fault} #{n}",
                    due_at=utcnow() + timedelta(hours=1),
                    assigned_to_id=technician.id,
                ),
            )
            ids.append(job.id)
        db.session.commit()
        return ids


def reports_of(live_app, job_ids):
    from intranet.attachments.models import Attachment
    from intranet.extensions import db
    from intranet.jobs.models import VisitReport

    with live_app.app_context():
        reports = db.session.query(VisitReport).filter(VisitReport.job_id.in_(job_ids)).order_by(VisitReport.id).all()
        photos = {
            r.job_id: db.session.query(Attachment).filter_by(owner_id=r.id, kind="photo").count() for r in reports
        }
        return [(r.job_id, photos[r.job_id]) for r in reports]


def wait_until_pages_kept(page):
    page.wait_for_function("() => navigator.serviceWorker.controller && document.documentElement.dataset.pagesWarmed")


def fill_report(page, tmp_path, fault="点火针积碳", photos=1):
    page.get_by_label("Fault found").fill(fault)
    page.get_by_label("Action taken").fill("清洁点火针并试机")
    page.get_by_label("Fixed").check()
    warranty = page.get_by_label("Out of warranty")  # asked since revision 0008
    if warranty.count():
        warranty.check()
    if photos:
        files = []
        for n in range(photos):
            files.append(tmp_path / f"photo-{n}.jpg")
            Image.new("RGB", (2400, 1800), (30, 140 + n, 90)).save(files[-1], "JPEG")
        page.locator("[data-photo-input]").set_input_files(files)
        expect(page.locator("[data-photo-previews] img")).to_have_count(photos)
    page.get_by_label("5", exact=True).check()
    pad = page.locator("[data-signature-pad]")
    pad.evaluate("pad => pad.scrollIntoView({block: 'center'})")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 120, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('[data-signature-input]').files.length === 1")


def outbox_states(page):
    page.goto("/outbox")
    page.wait_for_selector("[data-outbox-list] ul, [data-outbox-list] .empty:not(:has-text('Loading'))")
    return page.locator(".outbox-item").evaluate_all("items => items.map(item => item.dataset.state)")


def queue_a_report_offline(open_tablet, network, live_app, tmp_path, login, fault):
    [job_id] = make_jobs(live_app, login, 1, fault)
    context = open_tablet()
    page = context.new_page()
    sign_in(page, login)
    page.goto(f"/jobs/{job_id}/report")
    wait_until_pages_kept(page)
    network.cut()
    page.reload()
    fill_report(page, tmp_path)
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    return job_id, context, page


def answer_the_dialog(page, click, accept: bool) -> str:
    """Do `click`, which must ask a question (window.confirm); answer it; return what it asked.

    The answer is given while the click is still going on: a click whose accepted question starts a
    navigation waits for that navigation (Chromium 156.0.8078.108 and later), so answering only after
    the click returned would wait for ever."""
    page.once("dialog", lambda dialog: dialog.accept() if accept else dialog.dismiss())
    with page.expect_event("dialog") as asked:
        click()
    return asked.value.message


def replays_done(page) -> int:
    """How many outbox passes the page finished (it says so on <html data-outbox-replays>)."""
    return int(page.evaluate("document.documentElement.dataset.outboxReplays || '0'"))


def wait_for_a_replay(page, after: int) -> None:
    """Until the page finished an outbox pass after the `after`-th: then "nothing was sent" means something."""
    page.wait_for_function(f"() => Number(document.documentElement.dataset.outboxReplays || 0) > {after}")


def wait_for_reports(page, live_app, job_ids, expected, seconds=20):
    # page.wait_for_timeout, not time.sleep: Playwright runs route handlers only while we wait on it.
    deadline = time.monotonic() + seconds
    while reports_of(live_app, job_ids) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(300)
    return reports_of(live_app, job_ids)


# What else a technician meets on the road: required reading, a corrective action of their own.


def user_named(login):
    from intranet.auth.models import User
    from intranet.extensions import db

    return db.session.query(User).filter_by(login=login).one()


def required_article(live_app, title, manager_login="manager") -> int:
    """A required article published by a manager, for everyone: on each technician's reading list."""
    from intranet.extensions import db
    from intranet.kb import publishing

    with live_app.app_context():
        manager = user_named(manager_login)
        article = publishing.create_article(manager, publishing.ArticleData(title=title, body="冬季燃气管道巡查要点。"))
        publishing.publish(manager, article, "新规定", required=True)
        db.session.commit()
        return article.id


def action_for(live_app, login, manager_login="manager") -> int:
    """An open corrective action of the technician's branch, handed to the technician by its manager."""
    from intranet.extensions import db
    from intranet.inspections import actions
    from intranet.inspections.models import ActionStatus, CorrectiveAction

    with live_app.app_context():
        technician, manager = user_named(login), user_named(manager_login)
        action = (
            db.session.query(CorrectiveAction)
            .filter_by(branch_id=technician.branch_id, status=ActionStatus.OPEN)
            .order_by(CorrectiveAction.id)
            .first()
        )
        actions.reassign_action(manager, action, technician.id, datetime.now(UTC).date() + timedelta(days=3))
        db.session.commit()
        return action.id
