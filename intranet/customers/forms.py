"""Forms for customers, sites and equipment."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from intranet.forms import Form, OptionalIntSelectField, choices, strip_filter

PHONE = Regexp(r"^[0-9+()\- ]*$", message=_l("Use digits, spaces, +, - and brackets only."))
EMAIL = Regexp(r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("This is not an e-mail address."))


class CustomerForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    kind = SelectField(_l("Kind"), choices=choices([("company", _l("Company")), ("person", _l("Private person"))]))
    phone = StringField(
        _l("Phone"),
        validators=[Length(max=30), PHONE],
        filters=[strip_filter],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    email = StringField(
        _l("E-mail"),
        validators=[Length(max=120), EMAIL],
        filters=[strip_filter],
        render_kw={"inputmode": "email", "autocomplete": "email"},
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)], filters=[strip_filter])
    branch_id = OptionalIntSelectField(_l("Branch"))

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.branch_id.choices = choices([(None, _l("— my branch —")), *((b.id, b.name) for b in branches)])


class SiteForm(Form):
    name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=60)], filters=[strip_filter])
    contact_phone = StringField(
        _l("Contact phone"), validators=[Length(max=30), PHONE], filters=[strip_filter], render_kw={"inputmode": "tel"}
    )


class EquipmentForm(Form):
    model = StringField(_l("Model"), validators=[DataRequired(), Length(max=80)], filters=[strip_filter])
    serial = StringField(
        _l("Serial number"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(r"^[A-Za-z0-9./_-]+$", message=_l("Use letters, digits, dots, slashes and dashes.")),
        ],
        filters=[strip_filter],
    )
    installed_on = DateField(_l("Installed on"), validators=[Optional()])
    warranty_end = DateField(_l("Warranty ends"), validators=[Optional()])
