"""The visit report's written fields, declared once.

The report form, the service's data and checks, a manager's correction, the report page and its
print all follow this list: a new field is a line here, a model column and its migration.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from intranet.enums import LabelledEnum
from intranet.jobs.models import VisitResult, WarrantyStatus


@dataclass(frozen=True)
class ReportField:
    name: str
    label: object
    choices: type[LabelledEnum] | None = None  # a choice among these; else free text
    required: bool = False
    max_length: int = 2000
    correctable: bool = True  # a manager may correct it afterwards (the customer's own words may not)
    section: str = "work"  # where the form asks for it: "work" (the technician's) or "customer" (sign-off)

    @property
    def is_choice(self) -> bool:
        return self.choices is not None

    def label_of(self, value: str | None):
        """How a stored value reads on the page: a choice's label, the text itself, or a dash."""
        if not value:
            return "—"
        return self.choices(value).label if self.choices else value


REPORT_FIELDS = (
    ReportField("fault_found", _l("Fault found"), required=True),
    ReportField("cause", _l("Cause")),
    ReportField("action_taken", _l("Action taken"), required=True),
    ReportField("result", _l("Result"), choices=VisitResult, required=True),
    ReportField("warranty_status", _l("Warranty status at the visit"), choices=WarrantyStatus, required=True),
    ReportField("customer_comment", _l("Customer's comment"), max_length=1000, correctable=False, section="customer"),
)
CORRECTABLE_FIELDS = tuple(field for field in REPORT_FIELDS if field.correctable)
FIELDS_BY_NAME = {field.name: field for field in REPORT_FIELDS}
