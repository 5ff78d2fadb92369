"""Jobs (work orders), dispatch, the technician's day, visit reports and callbacks."""

from flask import Blueprint

from intranet import templating
from intranet.jobs.callback_rules import LOW_MARK
from intranet.jobs.models import CallbackOutcome, JobSource, JobStatus, Priority, VisitResult
from intranet.jobs.report_fields import REPORT_FIELDS
from intranet.jobs.survey import QUESTIONS, StaffRemark

blueprint = Blueprint("jobs", __name__)
blueprint.add_app_template_global(REPORT_FIELDS, "report_fields")
blueprint.add_app_template_global(QUESTIONS, "survey_questions")
blueprint.add_app_template_global(LOW_MARK, "low_mark")
for _name, _enum in (
    ("status", JobStatus),
    ("priority", Priority),
    ("source", JobSource),
    ("result", VisitResult),
    ("outcome", CallbackOutcome),
    ("staff_remark", StaffRemark),
):
    templating.label_table(_name, _enum)

from intranet.jobs import callback_views, views, visit_views  # noqa: E402,F401
