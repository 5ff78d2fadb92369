"""Each person's push settings: kinds kept in the app only, quiet hours, no details on the lock screen."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from intranet.access.permissions import ensure
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.notifications.kinds import NotificationKind, kinds_for
from intranet.notifications.models import NotificationSettings
from intranet.timezones import local_to_utc, utc_to_local


def settings_of(user_id: int) -> NotificationSettings:
    """The person's settings; defaults (everything by push, no quiet hours) until they save some."""
    return db.session.get(NotificationSettings, user_id) or NotificationSettings(
        user_id=user_id, push_off="", no_details=False
    )


def settings_of_many(user_ids: list[int]) -> dict[int, NotificationSettings]:
    if not user_ids:
        return {}
    rows = db.session.scalars(select(NotificationSettings).where(NotificationSettings.user_id.in_(user_ids)))
    return {row.user_id: row for row in rows}


def settings_of_everyone() -> dict[int, NotificationSettings]:
    """Every saved setting (one row per person who ever saved theirs): for telling very many at once."""
    return {row.user_id: row for row in db.session.scalars(select(NotificationSettings))}


@dataclass
class SettingsData:
    push_kinds: list[str]
    quiet_from: time | None = None
    quiet_until: time | None = None
    no_details: bool = False


def save_settings(actor, data: SettingsData) -> NotificationSettings:
    ensure(actor, "account.use")
    offered = {kind.value for kind in kinds_for(actor)}
    if set(data.push_kinds) - offered:
        raise Invalid(_("Unknown kind of notification."))
    if (data.quiet_from is None) != (data.quiet_until is None):
        raise Invalid(_("Give both ends of the quiet hours, or neither."))
    if data.quiet_from is not None and data.quiet_from == data.quiet_until:
        raise Invalid(_("The quiet hours must start and end at different times."))
    settings = db.session.get(NotificationSettings, actor.id)
    if settings is None:
        settings = NotificationSettings(user_id=actor.id)
        db.session.add(settings)
    off = sorted(offered - set(data.push_kinds))
    settings.push_off = f",{','.join(off)}," if off else ""
    settings.quiet_from, settings.quiet_until = data.quiet_from, data.quiet_until
    settings.no_details = data.no_details
    db.session.flush()
    return settings


def pushed_kinds(settings: NotificationSettings, offered: list[NotificationKind]) -> list[str]:
    return [kind.value for kind in offered if settings.pushes(kind)]


def quiet_until(settings: NotificationSettings, now: datetime) -> datetime | None:
    """When the person's quiet hours end, if `now` falls inside them (in the company's time zone)."""
    start, end = settings.quiet_from, settings.quiet_until
    if start is None or end is None or start == end:
        return None
    local = utc_to_local(now)
    moment = local.time()
    if start < end:  # 12:00-14:00
        inside, end_day = start <= moment < end, local.date()
    else:  # 22:00-07:00 crosses midnight
        inside = moment >= start or moment < end
        end_day = local.date() + timedelta(days=1) if moment >= start else local.date()
    if not inside:
        return None
    return local_to_utc(datetime.combine(end_day, end))
