"""Forms: a new job, dispatch, the visit report, a manager's correction, a callback."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import HiddenInput

from intranet.forms import Form, OptionalIntSelectField, choices, strip_filter
from intranet.jobs.models import CallbackOutcome, JobSource, Priority, VisitResult
from intranet.timezones import LOCAL_INPUT_FORMAT

UUID = Regexp(r"^[0-9a-fA-F-]{36}$", message=_l("The form's id is damaged; reload the page."))


class JobForm(Form):
    site_id = OptionalIntSelectField(_l("Site"), validators=[InputRequired()])
    equipment_id = OptionalIntSelectField(_l("Equipment"))
    source = SelectField(_l("Source"), choices=choices((s.value, s.label) for s in JobSource if s != "follow_up"))
    priority = SelectField(_l("Priority"), choices=choices((p.value, p.label) for p in Priority), default="normal")
    fault_description = TextAreaField(
        _l("Fault as the customer describes it"), validators=[DataRequired(), Length(max=2000)], filters=[strip_filter]
    )
    due_at = DateTimeLocalField(_l("Due"), format=LOCAL_INPUT_FORMAT, validators=[DataRequired()])
    assigned_to_id = OptionalIntSelectField(_l("Technician"))

    def __init__(self, *args, customer, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.site_id.choices = choices((site.id, f"{site.name} · {site.address}") for site in customer.sites)
        self.site_id.flags.required = True
        self.equipment_id.choices = choices(
            [(None, _l("— not known —"))]
            + [
                (item.id, f"{site.name} · {item.model} ({item.serial})")
                for site in customer.sites
                for item in site.equipment
            ]
        )
        self.assigned_to_id.choices = choices(
            [(None, _l("— dispatch later —"))] + [(t.id, t.name) for t in technicians]
        )


class AssignForm(Form):
    technician_id = OptionalIntSelectField(_l("Technician"), validators=[InputRequired()])

    def __init__(self, *args, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.technician_id.choices = choices((t.id, t.name) for t in technicians)
        self.technician_id.flags.required = True


class PartLineForm(Form):
    class Meta:
        csrf = False

    part_code = StringField(
        _l("Part code"),
        validators=[Optional(), Length(max=40)],
        filters=[strip_filter],
        render_kw={"list": "van-parts", "autocomplete": "off"},  # the codes in the technician's van
    )
    description = StringField(_l("Description"), validators=[Optional(), Length(max=120)], filters=[strip_filter])
    # Decimal: a divisible part (oil, refrigerant) is used by the litre or kilo; the catalogue decides
    # whether a fraction is allowed, so the service checks that against the part.
    quantity = DecimalField(
        _l("Quantity"),
        places=None,
        validators=[
            Optional(),
            NumberRange(min=Decimal("0.001"), max=9999, message=_l("A number more than 0, up to 9999.")),
        ],
        render_kw={"inputmode": "decimal", "min": 0, "step": "any"},
    )

    def validate_quantity(self, field):
        if self.part_code.data and field.data is None:
            raise ValidationError(_l("How many?"))
        if field.data is not None and not self.part_code.data:
            raise ValidationError(_l("Which part? Give its code."))


class VisitReportForm(Form):
    client_id = HiddenField(validators=[DataRequired(), UUID])
    arrived_at = DateTimeLocalField(_l("Arrived"), format=LOCAL_INPUT_FORMAT, validators=[DataRequired()])
    left_at = DateTimeLocalField(_l("Left"), format=LOCAL_INPUT_FORMAT, validators=[DataRequired()])
    fault_found = TextAreaField(
        _l("Fault found"), validators=[DataRequired(), Length(max=2000)], filters=[strip_filter]
    )
    cause = TextAreaField(_l("Cause"), validators=[Length(max=2000)], filters=[strip_filter])
    action_taken = TextAreaField(
        _l("Action taken"), validators=[DataRequired(), Length(max=2000)], filters=[strip_filter]
    )
    result = RadioField(
        _l("Result"), choices=choices((r.value, r.label) for r in VisitResult), validators=[InputRequired()]
    )
    parts = FieldList(FormField(PartLineForm), min_entries=3, max_entries=30)
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*", "capture": "environment"})
    signature = FileField(_l("Customer's signature"))
    satisfaction = RadioField(
        _l("Customer's satisfaction"),
        choices=choices((n, str(n)) for n in range(1, 6)),
        coerce=int,
        validators=[InputRequired(message=_l("Ask the customer for a mark from 1 to 5."))],
    )
    customer_comment = TextAreaField(_l("Customer's comment"), validators=[Length(max=1000)], filters=[strip_filter])
    follow_up_needed = BooleanField(_l("Another visit is needed (creates a follow-up job)"))


class CorrectionForm(Form):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    fault_found = TextAreaField(
        _l("Fault found"), validators=[DataRequired(), Length(max=2000)], filters=[strip_filter]
    )
    cause = TextAreaField(_l("Cause"), validators=[Length(max=2000)], filters=[strip_filter])
    action_taken = TextAreaField(
        _l("Action taken"), validators=[DataRequired(), Length(max=2000)], filters=[strip_filter]
    )
    result = SelectField(_l("Result"), choices=choices((r.value, r.label) for r in VisitResult))
    reason = StringField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter]
    )


class CallbackForm(Form):
    outcome = RadioField(
        _l("How did the call go?"),
        choices=choices((o.value, o.label) for o in CallbackOutcome),
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)], filters=[strip_filter])


class ResolveForm(Form):
    note = TextAreaField(
        _l("How was it handled?"), validators=[DataRequired(), Length(max=1000)], filters=[strip_filter]
    )
