"""Forms: a catalogue part, the import, a receipt, a request for parts, decisions, returns, loans."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, FieldList, FormField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from intranet.forms import Form, OptionalIntSelectField, choices, strip_filter
from intranet.numbers import fits
from intranet.parts.models import PartCondition
from intranet.parts.quantities import MAX_PRICE, MAX_QUANTITY, QUANTITY_SCALE, fmt, parse_quantity

UUID = Regexp(r"^[0-9a-fA-F-]{36}$", message=_l("The form's id is damaged; reload the page."))


class QuantityField(StringField):
    """A number as typed; whether it may be fractional depends on the part, which the service knows.

    It must fit its column exactly: at most `places` decimals, no larger than `maximum`.
    """

    def __init__(self, *args, places: int = QUANTITY_SCALE, maximum: Decimal = MAX_QUANTITY, **kwargs):
        kwargs.setdefault("filters", [strip_filter])
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)
        self.places, self.maximum = places, maximum

    @property
    def number(self):
        return parse_quantity(self.data) if self.data else None

    def post_validate(self, form, validation_stopped):
        if not self.data:
            return
        if self.number is None:
            self.errors.append(_l("Write a number, like 2 or 1.5."))
        elif not fits(self.number, places=self.places, minimum=-self.maximum, maximum=self.maximum):
            # The sign is the service's to judge ("more than zero" for a request, "0 or more" for a count).
            self.errors.append(
                _l("A number up to %(max)s, with at most %(n)d decimals.", max=fmt(self.maximum), n=self.places)
            )


class PartForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)], filters=[strip_filter])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    specification = StringField(_l("Specification"), validators=[Length(max=200)], filters=[strip_filter])
    unit = StringField(_l("Unit"), validators=[Length(max=20)], filters=[strip_filter])
    whole_units = BooleanField(_l("Counted in whole units"), default=True)
    price = QuantityField(_l("Price (yuan)"), validators=[Length(max=20)], places=2, maximum=MAX_PRICE)
    min_stock = QuantityField(_l("Minimum stock per warehouse"), validators=[Length(max=20)])
    compatible_models = TextAreaField(
        _l("Compatible equipment models (one a line)"), validators=[Length(max=2000)], filters=[strip_filter]
    )


class ImportForm(Form):
    file = FileField(_l("CSV or Excel (.xlsx) file"), render_kw={"accept": ".csv,.xlsx"})
    confirm = HiddenField()


class ReceiptForm(Form):
    code = StringField(_l("Part code"), validators=[DataRequired(), Length(max=40)], filters=[strip_filter])
    quantity = QuantityField(_l("Quantity"), validators=[DataRequired(), Length(max=20)])
    note = StringField(_l("Delivery note"), validators=[Length(max=200)], filters=[strip_filter])


class MoveForm(Form):
    kind = RadioField(
        _l("Move"),
        choices=choices(
            [
                ("transfer", _l("Transfer to another store")),
                ("return", _l("Return to the warehouse")),
                ("scrap", _l("Scrap")),
            ]
        ),
        validators=[InputRequired()],
        default="transfer",
    )
    code = StringField(_l("Part code"), validators=[DataRequired(), Length(max=40)], filters=[strip_filter])
    quantity = QuantityField(_l("Quantity"), validators=[DataRequired(), Length(max=20)])
    to_store_id = OptionalIntSelectField(_l("To"))
    note = StringField(_l("Note"), validators=[Length(max=200)], filters=[strip_filter])

    def __init__(self, *args, stores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to_store_id.choices = choices([(None, "—")] + [(s.id, s.name) for s in stores])


class RequestLineForm(Form):
    class Meta:
        csrf = False

    code = StringField(
        _l("Part code"),
        validators=[Optional(), Length(max=40)],
        filters=[strip_filter],
        render_kw={"list": "part-catalogue", "autocomplete": "off"},
    )
    quantity = QuantityField(_l("Quantity"), validators=[Optional(), Length(max=20)])

    def validate_quantity(self, field):
        if self.code.data and not field.data:
            raise ValidationError(_l("How many?"))
        if field.data and not self.code.data:
            raise ValidationError(_l("Which part? Give its code."))


class RequestForm(Form):
    client_id = HiddenField(validators=[DataRequired(), UUID])
    job_id = OptionalIntSelectField(_l("For the job"))
    lines = FieldList(FormField(RequestLineForm), min_entries=3, max_entries=30)
    note = TextAreaField(_l("Note for the manager"), validators=[Length(max=1000)], filters=[strip_filter])
    draft = BooleanField(_l("Keep it as a draft: I will send it later"))

    def __init__(self, *args, jobs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.job_id.choices = choices([(None, _l("— no job —")), *jobs])


class RejectForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)], filters=[strip_filter])


class ReturnForm(Form):
    code = StringField(_l("Part code"), validators=[DataRequired(), Length(max=40)], filters=[strip_filter])
    quantity = QuantityField(_l("Quantity"), validators=[DataRequired(), Length(max=20)], default="1")
    technician_id = OptionalIntSelectField(_l("Handed back by"), validators=[InputRequired()])
    condition = RadioField(
        _l("Condition"), choices=choices((c.value, c.label) for c in PartCondition), validators=[InputRequired()]
    )
    serial = StringField(_l("Serial number"), validators=[Length(max=60)], filters=[strip_filter])
    warranty_claim = BooleanField(_l("Claim it under warranty (配件索赔)"))
    claim_reference = StringField(_l("Claim reference"), validators=[Length(max=60)], filters=[strip_filter])
    note = StringField(_l("Note"), validators=[Length(max=300)], filters=[strip_filter])

    def __init__(self, *args, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.technician_id.choices = choices((t.id, t.name) for t in technicians)
        self.technician_id.flags.required = True


class LoanForm(Form):
    code = StringField(_l("Part code (if from the catalogue)"), validators=[Length(max=40)], filters=[strip_filter])
    item = StringField(_l("What is lent"), validators=[Length(max=120)], filters=[strip_filter])
    quantity = QuantityField(_l("Quantity"), validators=[DataRequired(), Length(max=20)], default="1")
    borrower_id = OptionalIntSelectField(_l("Borrower"), validators=[InputRequired()])
    due_on = DateField(_l("Due back on"), validators=[DataRequired()])

    def __init__(self, *args, borrowers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.borrower_id.choices = choices((u.id, u.name) for u in borrowers)
        self.borrower_id.flags.required = True

    def validate_item(self, field):
        if not field.data and not self.code.data:
            raise ValidationError(_l("Say what is lent, or give its part code."))
