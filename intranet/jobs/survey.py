"""The callback questionnaire (回访): the customer survey of the operations manual, asked on the phone.

Seven questions are answered with a mark from 1 (very dissatisfied) to 5 (very satisfied); the
customer may name a member of staff who was particularly warm, or not warm enough; and say how we
should improve. Declared once: the form, the service, the log, the reports and the index follow.
A question's name is its Callback column and its form field.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from intranet.enums import LabelledEnum


@dataclass(frozen=True)
class Question:
    name: str
    label: object  # as the receptionist asks it
    short: object  # its column in the reports


QUESTIONS = (
    Question("contact_ease", _l("Was it easy to reach us?"), _l("Reaching us")),
    Question("response_speed", _l("How quickly did we respond?"), _l("Response")),
    Question("repair_speed", _l("How quickly was it repaired?"), _l("Repair speed")),
    Question("skill", _l("How skilled was the technician?"), _l("Skill")),
    Question("attitude", _l("Were our staff friendly?"), _l("Attitude")),
    Question("value", _l("Compared with others, was the service worth its price?"), _l("Value for money")),
    Question("cleanliness", _l("Was the site left clean (or our service hall, if you came in)?"), _l("Cleanliness")),
)
MARKS = (1, 2, 3, 4, 5)
MARK_LABELS = {
    1: _l("1 · very dissatisfied"),
    2: _l("2 · dissatisfied"),
    3: _l("3 · so-so"),
    4: _l("4 · satisfied"),
    5: _l("5 · very satisfied"),
}
STAFF_NAMED_LENGTH = 100
SUGGESTIONS_LENGTH = 2000


class StaffRemark(LabelledEnum):
    PRAISED = "praised", _l("particularly warm")
    CRITICISED = "criticised", _l("not warm enough")
