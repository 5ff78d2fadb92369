"""Forms of the front desk: complaint and its steps, appointment, visitor, room, call, and the desk's settings."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from intranet.customers.forms import PHONE
from intranet.forms import Form, OptionalIntSelectField, choices, strip_filter
from intranet.frontdesk.models import (
    CallTopic,
    ComplaintCategory,
    ComplaintChannel,
    CustomerResponse,
    DayKind,
    IdKind,
    ServiceType,
    Severity,
)

MAX_TEXT = 2000


def _text(label, *, required=False, max_length=MAX_TEXT, **kwargs):
    presence = DataRequired() if required else Optional()
    return TextAreaField(label, validators=[presence, Length(max=max_length)], filters=[strip_filter], **kwargs)


def _line(label, *, required=False, max_length=60, **kwargs):
    presence = DataRequired() if required else Optional()
    return StringField(label, validators=[presence, Length(max=max_length)], filters=[strip_filter], **kwargs)


def _hidden_id():
    return IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**63 - 1)])


def _phone(label):
    return StringField(
        label,
        validators=[Optional(), Length(max=30), PHONE],
        filters=[strip_filter],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )


class ComplaintForm(Form):
    customer_id = _hidden_id()
    call_id = _hidden_id()
    contact_name = _line(_l("Customer or caller's name"))
    contact_phone = _phone(_l("Phone"))
    channel = SelectField(_l("Received by"), choices=choices(ComplaintChannel.choices()))
    category = SelectField(_l("Category"), choices=choices(ComplaintCategory.choices()))
    severity = RadioField(_l("How serious"), choices=choices(Severity.choices()), default=Severity.MINOR)
    description = _text(_l("The complaint, in the customer's words"), required=True, render_kw={"rows": 5})


class HandOnForm(Form):
    handler_id = OptionalIntSelectField(_l("Hand the work to"), validators=[InputRequired()])
    note = _text(_l("What they should know"), max_length=1000, render_kw={"rows": 2})

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.handler_id.choices = choices(
            (person.id, f"{person.name} · {person.role_enum.label} · {person.branch.name}") for person in people
        )
        self.handler_id.flags.required = True


class AnswerForm(Form):
    reply = _text(_l("What the customer was told"), required=True, render_kw={"rows": 3})
    customer_response = RadioField(
        _l("The customer's response"), choices=choices(CustomerResponse.choices()), validators=[InputRequired()]
    )
    note = _text(_l("Note on the response"), max_length=1000, render_kw={"rows": 2})


class CloseForm(Form):
    resolution = _text(_l("Resolution"), required=True, render_kw={"rows": 3})


class ReopenForm(Form):
    reason = _text(_l("Why it is reopened"), required=True, max_length=1000, render_kw={"rows": 2})


class AppointmentForm(Form):
    customer_id = _hidden_id()
    call_id = _hidden_id()
    slot_id = OptionalIntSelectField(_l("Time"), validators=[InputRequired()])
    site_id = OptionalIntSelectField(_l("Site"))
    service_type = SelectField(_l("Service"), choices=choices(ServiceType.choices()))
    contact_name = _line(_l("Contact name"))
    contact_phone = _phone(_l("Contact phone"))
    address = _line(_l("Address (new customer)"), max_length=200)
    note = _text(_l("What it is about"), max_length=1000, render_kw={"rows": 2})
    technician_id = OptionalIntSelectField(_l("Technician"))

    def __init__(self, *args, slots=(), sites=(), slot_label=None, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_id.choices = choices((slot.id, slot_label(slot)) for slot in slots)
        self.slot_id.flags.required = True
        self.site_id.choices = choices(
            [(None, _l("— the customer's only site —"))] + [(s.id, s.address) for s in sites]
        )
        self.technician_id.choices = choices(
            [(None, _l("— decided when the customer arrives —"))] + [(t.id, t.name) for t in technicians]
        )


class VisitorForm(Form):
    name = _line(_l("Visitor's name"), required=True)
    company = _line(_l("Company"), max_length=120)
    purpose = _line(_l("Purpose of the visit"), required=True, max_length=200)
    host_id = OptionalIntSelectField(_l("Person visited"), validators=[InputRequired()])
    id_kind = SelectField(_l("Identity document"), choices=choices(IdKind.choices()))
    id_number = StringField(
        _l("Document number: last 4 characters"),
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^[0-9A-Za-z \-]+$", message=_l("Letters and digits only.")),
        ],
        filters=[strip_filter],
        render_kw={"autocomplete": "off", "maxlength": 4, "inputmode": "text", "spellcheck": "false"},
    )
    badge = _line(_l("Badge"), max_length=20)

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.host_id.choices = choices(
            [(None, _l("— choose —"))] + [(host.id, f"{host.name} · {host.role_enum.label}") for host in hosts]
        )
        self.host_id.flags.required = True


class RoomBookingForm(Form):
    room_id = OptionalIntSelectField(_l("Room"), validators=[InputRequired()])
    day = DateField(_l("Day"), validators=[InputRequired()])
    starts = TimeField(_l("From"), validators=[InputRequired()])
    ends = TimeField(_l("Until"), validators=[InputRequired()])
    title = _line(_l("Meeting"), required=True, max_length=120)
    booked_for = _line(_l("Booked for (person or company)"), max_length=120)

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = choices((room.id, f"{room.name} ({room.seats})") for room in rooms)
        self.room_id.flags.required = True


class RoomForm(Form):
    name = _line(_l("Room name"), required=True)
    seats = IntegerField(_l("Seats"), validators=[InputRequired(), NumberRange(min=1, max=500)])


CALL_ACTIONS = ("answered", "job", "complaint", "appointment")


class CallForm(Form):
    caller_name = _line(_l("Caller"))
    number = _phone(_l("Number"))
    topic = SelectField(_l("Topic"), choices=choices(CallTopic.choices()))
    summary = _text(_l("What was asked, what was said"), max_length=1000, render_kw={"rows": 2})
    article_id = _hidden_id()
    action = HiddenField(validators=[InputRequired(), Regexp(r"^(answered|job|complaint|appointment)$")])


class SettingsForm(Form):
    answer_minutes = IntegerField(
        _l("Answer time for complaints (working minutes)"), validators=[InputRequired(), NumberRange(15, 10080)]
    )
    warn_percent_left = IntegerField(
        _l("Warn the owner when this share of it is left (%)"), validators=[InputRequired(), NumberRange(5, 90)]
    )
    booking_lead_hours = IntegerField(
        _l("Appointments booked at least (hours ahead)"), validators=[InputRequired(), NumberRange(0, 720)]
    )
    no_show_minutes = IntegerField(
        _l("A booking lapses when this late (minutes)"), validators=[InputRequired(), NumberRange(1, 240)]
    )
    hours_mon = _line(_l("Monday"), max_length=80)
    hours_tue = _line(_l("Tuesday"), max_length=80)
    hours_wed = _line(_l("Wednesday"), max_length=80)
    hours_thu = _line(_l("Thursday"), max_length=80)
    hours_fri = _line(_l("Friday"), max_length=80)
    hours_sat = _line(_l("Saturday"), max_length=80)
    hours_sun = _line(_l("Sunday"), max_length=80)


class CalendarDayForm(Form):
    day = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=choices(DayKind.choices()))
    name = _line(_l("Name (e.g. National Day)"))
    hours = _line(_l("Hours of a make-up day (empty: as a Monday)"), max_length=80)
    every_branch = SelectField(
        _l("For"), choices=choices([("branch", _l("this branch")), ("all", _l("every branch"))]), default="branch"
    )


class RosterForm(Form):
    week = DateField(widget=HiddenInput(), validators=[InputRequired()])

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = choices([(None, _l("— nobody —"))] + [(manager.id, manager.name) for manager in managers])
        for n in range(7):
            self[f"duty_{n}"].choices = options


for _n in range(7):
    setattr(RosterForm, f"duty_{_n}", OptionalIntSelectField(_l("Duty manager")))


class SlotsForm(Form):
    day = DateField(_l("Day"), validators=[InputRequired()])
    first = TimeField(_l("First slot at"), validators=[InputRequired()])
    last = TimeField(_l("Last slot ends by"), validators=[InputRequired()])
    minutes = IntegerField(_l("Minutes per slot"), default=30, validators=[InputRequired(), NumberRange(10, 480)])
    capacity = IntegerField(_l("Bookings per slot"), default=2, validators=[InputRequired(), NumberRange(1, 50)])


class SignForm(Form):
    day = DateField(widget=HiddenInput(), validators=[InputRequired()])
    note = _text(_l("The day's note"), required=True, render_kw={"rows": 4})
