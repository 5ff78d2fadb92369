"""Forms for the admin's users and branches tables; a field's description is the hint shown under it."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from intranet.access.roles import Role
from intranet.forms import Form, OptionalIntSelectField, choices, strip_filter

LOGIN_PATTERN = Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dots, dashes or underscores only."))


class UserForm(Form):
    login = StringField(
        _l("Login"),
        validators=[DataRequired(), Length(min=2, max=50), LOGIN_PATTERN],
        filters=[strip_filter],
        description=_l("Letters, digits, dots and dashes; used to sign in."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip_filter])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    branch_id = OptionalIntSelectField(_l("Branch"), description=_l("Required for everyone but administrators."))
    password = PasswordField(
        _l("Password"), validators=[Optional(), Length(min=8, max=200)], render_kw={"autocomplete": "new-password"}
    )

    def __init__(self, *args, branches=(), require_password=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((role.value, role.label) for role in Role)
        self.branch_id.choices = choices([(None, _l("— none —")), *((b.id, b.name) for b in branches)])
        if require_password:
            self.password.validators = [DataRequired(), Length(min=8, max=200)]
            self.password.flags.required = True
            self.password.description = _l("At least 8 characters.")
        else:
            self.password.description = _l("Leave empty to keep the current password.")


class BranchForm(Form):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=20),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use letters, digits and dashes only.")),
        ],
        filters=[strip_filter],
        description=_l("A short unique code, for example BJ-FT."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip_filter])
    city = StringField(_l("City"), validators=[Length(max=50)], filters=[strip_filter])
    address = StringField(_l("Address"), validators=[Length(max=200)], filters=[strip_filter])
    phone = StringField(_l("Phone"), validators=[Length(max=30)], filters=[strip_filter])
