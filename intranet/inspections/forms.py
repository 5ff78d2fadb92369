"""Forms: assigning an inspection and creating a checklist; answers are read by filling.parse_answer_fields."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from intranet.forms import Form, OptionalIntSelectField, choices, strip_filter
from intranet.inspections.models import Frequency


class AssignForm(Form):
    template_id = OptionalIntSelectField(_l("Checklist"), validators=[InputRequired()])
    inspector_id = OptionalIntSelectField(_l("Inspector"), validators=[InputRequired()])
    site_id = OptionalIntSelectField(_l("Site (optional)"))
    due_on = DateField(_l("Due on"), validators=[DataRequired(message=_l("Dates are written like 2026-11-23."))])
    frequency = SelectField(_l("Repeat"), default="")

    def __init__(self, *args, templates=(), inspectors=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.template_id.choices = choices((t.id, f"{t.title} · v{t.version}") for t in templates)
        self.inspector_id.choices = choices(
            (u.id, f"{u.name} · {u.branch.code if u.branch else ''} · {u.role_enum.label}") for u in inspectors
        )
        self.site_id.choices = choices(
            [(None, _l("— the whole branch —"))] + [(site.id, f"{site.customer.name} · {site.name}") for site in sites]
        )
        self.template_id.flags.required = self.inspector_id.flags.required = True
        self.frequency.choices = choices([("", _l("Once"))] + [(f.value, f.label) for f in Frequency])


class NewTemplateForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)], filters=[strip_filter])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
