"""Forms: writing, publishing and unpublishing an article, acknowledging it, voting on it."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from intranet.access.roles import Role
from intranet.forms import Form, choices, strip_filter
from intranet.kb.publishing import MAX_BODY


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ArticleForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    chapter = StringField(_l("Chapter"), validators=[Length(max=100)], filters=[strip_filter])
    chapter_number = IntegerField(
        _l("Chapter number (empty: from its title)"), validators=[Optional(), NumberRange(0, 999)]
    )
    category = StringField(_l("Category"), validators=[Length(max=100)], filters=[strip_filter])
    position = IntegerField(_l("Order in the chapter"), default=0, validators=[Optional(), NumberRange(0, 9999)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=MAX_BODY)])
    image = FileField(_l("Add an image"))
    roles = CheckboxesField(_l("For these roles (none: everyone)"), coerce=str)
    branches = CheckboxesField(_l("For these branches (none: all branches)"), coerce=int)
    required_read = BooleanField(_l("Required reading: everyone it is meant for must acknowledge it"))
    pinned = BooleanField(_l("Pinned: shown first and kept on technicians' tablets"))
    change_summary = StringField(
        _l("What changed (for the change log)"), validators=[Length(max=500)], filters=[strip_filter]
    )
    ask_again = BooleanField(_l("Ask everyone to read this revision again"))

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = choices((role.value, role.label) for role in Role)
        self.branches.choices = choices((branch.id, branch.name) for branch in branches)


class UnpublishForm(Form):
    reason = StringField(_l("Why is it withdrawn?"), validators=[Length(max=500)], filters=[strip_filter])


class AcknowledgeForm(Form):
    pass


class VoteForm(Form):
    helpful = RadioField(
        _l("Was this helpful?"), choices=choices([("yes", _l("Yes")), ("no", _l("No"))]), validators=[DataRequired()]
    )
