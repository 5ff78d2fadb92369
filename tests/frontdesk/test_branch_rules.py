"""A branch's desk settings and calendar, as every app process reads them: a change is seen at once,
wherever it was made, and a change undone is never seen."""

from datetime import date, time

from intranet.branches.models import Branch
from intranet.extensions import db
from intranet.frontdesk import branch_calendar
from intranet.frontdesk.models import CalendarDay, DayKind, DeskSettings

FRIDAY = date(2026, 12, 4)


def closing_on_friday(app, branch_id):
    """What a fresh request (a new session) reads, as another server would after the change."""
    with app.app_context():
        closes = branch_calendar.calendar_of(branch_id).closing_time(FRIDAY)
        return None if closes is None else closes.astimezone(branch_calendar.zone()).time()


def test_hours_changed_in_another_session_are_read_by_the_next_request(app, db_session, branch):
    assert closing_on_friday(app, branch.id) == time(17, 30)
    db_session.add(DeskSettings(branch_id=branch.id, hours_fri="08:30-12:00, 13:00-16:00"))
    db_session.commit()
    assert closing_on_friday(app, branch.id) == time(16, 0)
    settings = db_session.get(DeskSettings, db_session.query(DeskSettings.id).scalar())
    settings.hours_fri = "09:00-15:00"
    db_session.commit()
    assert closing_on_friday(app, branch.id) == time(15, 0)


def test_a_company_wide_holiday_closes_every_branch(app, db_session, branch, make_branch):
    other = make_branch()
    assert closing_on_friday(app, branch.id) == time(17, 30)
    assert closing_on_friday(app, other.id) == time(17, 30)
    db_session.add(CalendarDay(branch_id=None, day=FRIDAY, kind=DayKind.HOLIDAY, name="test holiday"))
    db_session.commit()
    assert closing_on_friday(app, branch.id) is None
    assert closing_on_friday(app, other.id) is None


def test_settings_changed_then_undone_are_never_read(app, db_session, branch):
    assert closing_on_friday(app, branch.id) == time(17, 30)
    with app.app_context():
        held = db.session.get(Branch, branch.id)  # as a request holds the signed-in user's branch
        assert branch_calendar.settings_of(held.id).hours_fri == "08:30-12:00, 13:00-17:30"  # as a form shows them
        db.session.add(DeskSettings(branch_id=branch.id, hours_fri="08:30-11:00"))
        db.session.flush()
        # The transaction that changed them reads them as it sees them...
        closes = branch_calendar.calendar_of(branch.id).closing_time(FRIDAY)
        assert closes.astimezone(branch_calendar.zone()).time() == time(11, 0)
        db.session.rollback()
    # ...and once it is undone, nobody does.
    assert closing_on_friday(app, branch.id) == time(17, 30)
