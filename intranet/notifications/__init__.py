"""Notifications: the person who must act is told, in the app (the bell) and by web push.

Who is told what lives in the about_*.py files, each a handful of subscribers to another module's
domain events; reminders.py holds what the schedule sends. A new rule is a subscriber that calls
service.notify(recipients, kind, link, text).
"""

from flask import Blueprint
from flask_login import current_user

from intranet import templating
from intranet.notifications.kinds import NotificationKind

blueprint = Blueprint("notifications", __name__)
templating.label_table("notification_kind", NotificationKind)


@blueprint.app_template_global()
def unread_notifications() -> int:
    """The bell's count (a template calls it only where the bell is shown)."""
    return service.unread_count(current_user) if current_user.is_authenticated else 0


from intranet.notifications import (  # noqa: E402,F401
    about_downloads,
    about_frontdesk,
    about_inspections,
    about_jobs,
    about_kb,
    about_parts,
    service,
    signout,
    views,
)
