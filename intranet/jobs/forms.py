"""Forms: a new job, dispatch, the visit report, a manager's correction, a callback.

The report's written fields come from report_fields.py; the forms add them field by field.
"""

from datetime import UTC, datetime
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

from intranet.forms import Form, OptionalIntSelectField, choices, form_data, strip_filter
from intranet.jobs.callbacks import CallbackAnswers
from intranet.jobs.models import JobSource, Priority
from intranet.jobs.report_fields import CORRECTABLE_FIELDS, REPORT_FIELDS, ReportField
from intranet.jobs.service import JobData
from intranet.jobs.survey import MARK_LABELS, MARKS, QUESTIONS, STAFF_NAMED_LENGTH, SUGGESTIONS_LENGTH, StaffRemark
from intranet.timezones import LOCAL_INPUT_FORMAT, local_to_utc

UUID = Regexp(r"^[0-9a-fA-F-]{36}$", message=_l("The form's id is damaged; reload the page."))


class StartForm(Form):
    """The one-tap start: when the technician tapped it, as the tablet's clock said (ISO 8601, UTC)."""

    tapped_at = StringField(validators=[Optional(), Length(max=40)])
    tapped: datetime | None = None  # tapped_at read, once valid

    def validate_tapped_at(self, field):
        try:
            tapped = datetime.fromisoformat(field.data.replace("Z", "+00:00"))
        except ValueError:
            tapped = None
        if tapped is None or tapped.tzinfo is None:
            raise ValidationError(_l("The arrival time is damaged; tap Start again."))
        self.tapped = tapped.astimezone(UTC)


class JobForm(Form):
    site_id = OptionalIntSelectField(_l("Site"), validators=[InputRequired()])
    equipment_id = OptionalIntSelectField(_l("Equipment"))
    source = SelectField(_l("Source"), choices=choices(JobSource.choices(leave_out={JobSource.FOLLOW_UP})))
    priority = SelectField(_l("Priority"), choices=choices(Priority.choices()), default="normal")
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


def job_data(form: JobForm, source: str | None = None) -> JobData:
    """What a filled-in job form asks the service for (`source` when the form has no source field)."""
    given = {"source": source} if source else {}
    return form_data(form, JobData, due_at=local_to_utc(form.due_at.data), **given)


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


def _report_field(field: ReportField, *, for_correction: bool = False):
    """The form field for one declared report field: radios on the tablet, a select for a correction."""
    if field.is_choice:
        kind = SelectField if for_correction else RadioField
        return kind(field.label, choices=choices(field.choices.choices()), validators=[InputRequired()])
    presence = DataRequired() if field.required else Optional()
    return TextAreaField(field.label, validators=[presence, Length(max=field.max_length)], filters=[strip_filter])


class VisitReportForm(Form):
    client_id = HiddenField(validators=[DataRequired(), UUID])
    arrived_at = DateTimeLocalField(_l("Arrived"), format=LOCAL_INPUT_FORMAT, validators=[DataRequired()])
    left_at = DateTimeLocalField(_l("Left"), format=LOCAL_INPUT_FORMAT, validators=[DataRequired()])
    parts = FieldList(FormField(PartLineForm), min_entries=3, max_entries=30)
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*", "capture": "environment"})
    signature = FileField(_l("Customer's signature"))
    satisfaction = RadioField(
        _l("Customer's satisfaction"),
        choices=choices((n, str(n)) for n in range(1, 6)),
        coerce=int,
        validators=[InputRequired(message=_l("Ask the customer for a mark from 1 to 5."))],
    )
    follow_up_needed = BooleanField(_l("Another visit is needed (creates a follow-up job)"))

    def written(self) -> dict[str, str]:
        """The declared report fields as the service takes them."""
        return {field.name: self[field.name].data or "" for field in REPORT_FIELDS}


class CorrectionForm(Form):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = StringField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter]
    )

    def written(self) -> dict[str, str]:
        return {field.name: self[field.name].data or "" for field in CORRECTABLE_FIELDS}


for _field in REPORT_FIELDS:
    setattr(VisitReportForm, _field.name, _report_field(_field))
for _field in CORRECTABLE_FIELDS:
    setattr(CorrectionForm, _field.name, _report_field(_field, for_correction=True))


class CallbackForm(Form):
    """The callback questionnaire (survey.QUESTIONS adds a mark field per question below)."""

    reached = RadioField(
        _l("Did you reach the customer?"),
        choices=choices((("yes", _l("Yes")), ("no", _l("No answer: try again later")))),
        validators=[InputRequired(_l("Say whether you reached the customer."))],
    )
    problem_solved = RadioField(
        _l("Is the problem solved?"),
        choices=choices((("yes", _l("Yes")), ("no", _l("No: it is still there or came back")))),
        validators=[Optional()],
    )
    staff_named = StringField(
        _l("Was anyone particularly warm, or not warm enough? Their name"),
        validators=[Length(max=STAFF_NAMED_LENGTH)],
        filters=[strip_filter],
    )
    staff_remark = RadioField(_l("They were"), choices=choices(StaffRemark.choices()), validators=[Optional()])
    suggestions = TextAreaField(
        _l("How should we improve?"), validators=[Length(max=SUGGESTIONS_LENGTH)], filters=[strip_filter]
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)], filters=[strip_filter])

    def answers(self) -> CallbackAnswers:
        reached = self.reached.data == "yes"
        return CallbackAnswers(
            reached=reached,
            problem_solved={"yes": True, "no": False}.get(self.problem_solved.data or ""),
            marks={q.name: int(self[q.name].data) if self[q.name].data else None for q in QUESTIONS},
            staff_named=self.staff_named.data or "",
            staff_remark=self.staff_remark.data or None,
            suggestions=self.suggestions.data or "",
            note=self.note.data or "",
        )


for _question in QUESTIONS:
    setattr(
        CallbackForm,
        _question.name,
        RadioField(
            _question.label,
            choices=choices((str(mark), MARK_LABELS[mark]) for mark in MARKS),
            validators=[Optional()],
        ),
    )


class ResolveForm(Form):
    note = TextAreaField(
        _l("How was it handled?"), validators=[DataRequired(), Length(max=1000)], filters=[strip_filter]
    )
