"""Forms: what comes by push, quiet hours, no details; removing a device; marking read."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectMultipleField, TimeField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from intranet.forms import Form, choices
from intranet.notifications.kinds import kinds_for


class SettingsForm(Form):
    push_kinds = SelectMultipleField(
        _l("Send these to my devices too"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_until = TimeField(_l("until"), validators=[Optional()])
    no_details = BooleanField(_l("No details on the lock screen: only “New notification”"))

    def offer_kinds_of(self, user) -> "SettingsForm":
        self.push_kinds.choices = choices((kind.value, kind.label) for kind in kinds_for(user))
        return self


class RemoveDeviceForm(Form):
    device_id = IntegerField(validators=[DataRequired()])


class MarkReadForm(Form):
    """Only the CSRF token: the notification is named by the URL."""
