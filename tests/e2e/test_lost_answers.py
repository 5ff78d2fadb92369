"""A lost answer never ends as a conflict, for every offline-capable form.

The technician sends a form online; the server stores it, but its answer never reaches the tablet
(Playwright's route.fetch() then route.abort()). The page keeps the submission in the outbox, which
sends it again: the server recognises it (the same client_id, the same content, empty file inputs
and all) and the item ends "sent", with one record on the server.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve_demo, sign_in
from tests.e2e.tablet import action_for, fill_report, make_jobs, reports_of, required_article
from tests.e2e.test_inspections import answer_every_section, assign_directly

pytestmark = pytest.mark.e2e

# Every route decorated @idempotent must be here (tests/offline/test_views.py checks it): a new
# offline-capable form gets its lost-answer test below.
LOST_ANSWER_TESTED = {
    "jobs.report",
    "inspections.fill",
    "parts.new_request",
    "jobs.start",
    "kb.acknowledge",
    "inspections.complete_action",
    "parts.new_return",
}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("lost-answers"))


@pytest.fixture
def live_app(live_server):
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url, "SECRET_KEY": "e2e-secret"})


class LoseTheFirstAnswer:
    """A route handler: the first POST reaches the server, its answer is lost; later ones go through."""

    def __init__(self):
        self.lost = []

    def __call__(self, route):
        if route.request.method != "POST" or self.lost:
            return route.continue_()
        route.fetch()  # the server receives the submission and stores it...
        self.lost.append(route.request.url)
        return route.abort()  # ...but the tablet never hears back


def submissions_of(live_app, login) -> int:
    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.offline.models import Submission

    with live_app.app_context():
        user = db.session.query(User).filter_by(login=login).one()
        return db.session.query(Submission).filter_by(user_id=user.id).count()


def ends_sent(page, handler) -> None:
    """The answer is lost, the page keeps the submission in its outbox, which ends it as sent (not "needs
    attention") with one item."""
    for _ in range(100):  # Playwright runs the route handler while the test waits on the page
        if handler.lost:
            break
        page.wait_for_timeout(100)
    assert handler.lost, "the submission went through the lossy route"
    page.wait_for_function(
        "async () => window.Outbox && (await Outbox.list(document.getElementById('app').dataset.user)).length > 0"
    )
    page.goto("/outbox")
    item = page.locator(".outbox-item")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-state", "sent", timeout=30_000)


@pytest.mark.parametrize("photos", [0, 2], ids=["without photos", "with photos"])
def test_a_visit_report_whose_answer_was_lost(open_tablet, live_app, tmp_path, photos):
    [job_id] = make_jobs(live_app, "tech2", 1, f"回答丢失 {photos}")
    before = submissions_of(live_app, "tech2")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto(f"/jobs/{job_id}/report")
    fill_report(page, tmp_path, photos=photos)
    handler = LoseTheFirstAnswer()
    context.route(f"**/jobs/{job_id}/report", handler)
    page.get_by_role("button", name="Submit the report").click()
    ends_sent(page, handler)
    assert reports_of(live_app, [job_id]) == [(job_id, photos)]
    assert submissions_of(live_app, "tech2") == before + 1


def test_an_inspection_whose_answer_was_lost(open_tablet, live_app):
    """The checklist's photo inputs are left empty: the browser sends them as empty file parts."""
    from intranet.extensions import db
    from intranet.inspections.models import Inspection

    inspection_id = assign_directly(live_app, "5S-DAILY", "tech2", "manager")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto(f"/inspections/{inspection_id}/fill")
    answer_every_section(page)
    assert page.locator("input[type=file]").count() > 1  # empty photo inputs go with the form
    handler = LoseTheFirstAnswer()
    context.route(f"**/inspections/{inspection_id}/fill", handler)
    page.get_by_role("button", name="Submit the inspection").click()
    ends_sent(page, handler)
    with live_app.app_context():
        assert db.session.get(Inspection, inspection_id).status == "submitted"


def _requests_of(live_app, login) -> list[str]:
    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.parts.models import PartRequest

    with live_app.app_context():
        user = db.session.query(User).filter_by(login=login).one()
        return [r.client_id for r in db.session.query(PartRequest).filter_by(requested_by_id=user.id)]


def test_a_part_request_whose_answer_was_lost(open_tablet, live_app):
    known = _requests_of(live_app, "tech2")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/parts/requests/new")
    page.locator("[name='lines-0-code']").fill("IGN-07")
    page.locator("[name='lines-0-quantity']").fill("2")
    client_id = page.locator("[name=client_id]").input_value()
    handler = LoseTheFirstAnswer()
    context.route("**/parts/requests/new", handler)
    page.get_by_role("button", name="Send the request").click()
    ends_sent(page, handler)
    assert [c for c in _requests_of(live_app, "tech2") if c not in known] == [client_id]


def test_an_htmx_form_marked_offline_capable_whose_answer_was_lost(open_tablet, live_app):
    """Any htmx form with data-offline takes the page's road: the same body, the same outcome."""
    known = _requests_of(live_app, "tech2")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/outbox")
    page.wait_for_function("() => window.htmx && window.Outbox && window.intranet.replayOutbox")
    client_id = page.evaluate(
        """() => {
            const id = crypto.randomUUID();
            document.querySelector("main").insertAdjacentHTML("beforeend",
                `<form id="hx-form" data-offline hx-post="/parts/requests/new" data-offline-title="htmx">
                   <input name="client_id" value="${id}"><input name="lines-0-code" value="SEAL-22">
                   <input name="lines-0-quantity" value="3"><textarea name="note">第一行\\n第二行</textarea>
                   <input type="file" name="attachment"><button type="submit">Send</button></form>`);
            htmx.process(document.getElementById("hx-form"));
            return id;
        }"""
    )
    handler = LoseTheFirstAnswer()
    context.route("**/parts/requests/new", handler)
    page.locator("#hx-form button").click()
    ends_sent(page, handler)
    assert [c for c in _requests_of(live_app, "tech2") if c not in known] == [client_id]


# The one-button forms of the road: each answer lost once, each ends sent with one record.


def _recorded(live_app, query):
    from intranet.extensions import db

    with live_app.app_context():
        return query(db.session)


def test_a_start_whose_answer_was_lost(open_tablet, live_app):
    from intranet.jobs.models import Job, JobEvent

    [job_id] = make_jobs(live_app, "tech2", 1, "回答丢失 开工")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/today")
    handler = LoseTheFirstAnswer()
    context.route(f"**/jobs/{job_id}/start", handler)
    page.locator(f"#job-card-{job_id} button[type=submit]").click()
    ends_sent(page, handler)

    def started(session):
        starts = session.query(JobEvent).filter_by(job_id=job_id, kind="started").count()
        return session.get(Job, job_id).status, starts

    assert _recorded(live_app, started) == ("in_progress", 1)


def test_an_acknowledgement_whose_answer_was_lost(open_tablet, live_app):
    from intranet.kb.models import Acknowledgement, Article

    article_id = required_article(live_app, "回答丢失 必读")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto(f"/kb/{article_id}")
    handler = LoseTheFirstAnswer()
    context.route(f"**/kb/{article_id}/acknowledge", handler)
    page.locator("[data-kb-acknowledge]").click()
    ends_sent(page, handler)

    def acknowledged(session):
        revision_id = session.get(Article, article_id).current_revision_id
        return session.query(Acknowledgement).filter_by(revision_id=revision_id).count()

    assert _recorded(live_app, acknowledged) == 1


def test_a_corrective_action_done_whose_answer_was_lost(open_tablet, live_app):
    from intranet.inspections.models import CorrectiveAction

    action_id = action_for(live_app, "tech2")
    context = open_tablet()
    page = context.new_page()
    sign_in(page, "tech2")
    page.goto("/inspections/actions")
    form = page.locator(f"form[action$='/inspections/actions/{action_id}/done']")
    form.locator("[name=note]").fill("已整改")
    handler = LoseTheFirstAnswer()
    context.route(f"**/inspections/actions/{action_id}/done", handler)
    form.locator("button[type=submit]").click()
    ends_sent(page, handler)
    action = _recorded(live_app, lambda s: s.get(CorrectiveAction, action_id))
    assert (action.status, action.done_note) == ("done", "已整改")


def test_an_old_part_return_whose_answer_was_lost(open_tablet, live_app):
    from intranet.parts.models import OldPartReturn

    context = open_tablet()
    page = context.new_page()
    sign_in(page, "store")
    page.goto("/parts/returns")
    page.locator("#code").fill("SEAL-22")
    page.locator("#quantity").fill("2")
    page.locator("#technician_id").select_option(index=0)
    page.locator("input[name=condition][value=repairable]").check()
    page.locator("#serial").fill("回答丢失-1")
    handler = LoseTheFirstAnswer()
    context.route("**/parts/returns", handler)
    page.locator("form[action$='/parts/returns'] button[type=submit]").click()
    ends_sent(page, handler)
    assert _recorded(live_app, lambda s: s.query(OldPartReturn).filter_by(serial="回答丢失-1").count()) == 1
