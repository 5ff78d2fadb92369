"""Recurring assignments: one inspection per schedule and period, however often the generator runs."""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intranet.errors import Invalid
from intranet.extensions import db
from intranet.inspections.models import (
    Frequency,
    Inspection,
    InspectionSchedule,
    InspectionTemplate,
    TemplateStatus,
)
from intranet.timezones import local_to_utc, utc_to_local


def period_of(frequency: str, day: date) -> tuple[str, date]:
    """The period's key (unique per schedule) and its last day, when the inspection is due."""
    if frequency == Frequency.DAILY:
        return day.isoformat(), day
    if frequency == Frequency.WEEKLY:
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day + timedelta(days=7 - weekday)
    if frequency == Frequency.MONTHLY:
        next_month = date(day.year + (day.month == 12), 1 if day.month == 12 else day.month + 1, 1)
        return f"{day.year}-{day.month:02d}", next_month - timedelta(days=1)
    if frequency == Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        end = date(day.year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
        return f"{day.year}-Q{quarter}", end
    raise Invalid(_("Choose how often: daily, weekly, monthly or quarterly."))


def create_schedule(actor, template: InspectionTemplate, data) -> InspectionSchedule:
    period_of(data.frequency, date.today())  # refuses an unknown frequency
    schedule = InspectionSchedule(
        family=template.family,
        branch_id=data.branch_id,
        site_id=data.site_id,
        inspector_id=data.inspector_id,
        created_by_id=actor.id,
        frequency=data.frequency,
    )
    db.session.add(schedule)
    db.session.flush()
    return schedule


def _active_template(family: str) -> InspectionTemplate | None:
    return db.session.scalar(
        select(InspectionTemplate).where(
            InspectionTemplate.family == family, InspectionTemplate.status == TemplateStatus.ACTIVE
        )
    )


def generate_for(schedule: InspectionSchedule, now: datetime) -> Inspection | None:
    """This period's inspection of the schedule, made unless it exists; None if nothing was made."""
    key, last_day = period_of(schedule.frequency, utc_to_local(now).date())
    if db.session.scalar(select(Inspection.id).where(Inspection.schedule_id == schedule.id, Inspection.period == key)):
        return None
    template = _active_template(schedule.family)
    if template is None:
        return None
    inspection = Inspection(
        template_id=template.id,
        branch_id=schedule.branch_id,
        site_id=schedule.site_id,
        inspector_id=schedule.inspector_id,
        assigned_by_id=schedule.created_by_id,
        schedule_id=schedule.id,
        period=key,
        due_at=local_to_utc(datetime.combine(last_day, datetime.max.time().replace(microsecond=0))),
    )
    # A savepoint: a twin generator that inserted the same period first only cancels this one row.
    try:
        with db.session.begin_nested():
            db.session.add(inspection)
    except IntegrityError:
        return None
    return inspection


def generate_all(now: datetime) -> int:
    made = 0
    for schedule in db.session.scalars(select(InspectionSchedule).where(InspectionSchedule.active.is_(True))):
        made += generate_for(schedule, now) is not None
    return made
