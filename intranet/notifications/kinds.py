"""What a notification can be about, and who may receive each kind (the settings page offers those)."""

from flask_babel import lazy_gettext as _l

from intranet.access.permissions import can
from intranet.enums import LabelledEnum


class NotificationKind(LabelledEnum):
    JOB_DISPATCHED = "job_dispatched", _l("A job is dispatched to me")
    CUSTOMER_UNHAPPY = "customer_unhappy", _l("A customer of my branch is not satisfied")
    CALLBACKS_DUE = "callbacks_due", _l("Customers to call back today")
    INSPECTION_SUBMITTED = "inspection_submitted", _l("An inspection waits for my sign-off")
    INSPECTION_REVIEWED = "inspection_reviewed", _l("My inspection is signed off or returned")
    ACTION_ASSIGNED = "action_assigned", _l("A corrective action is given to me")
    ACTION_DUE = "action_due", _l("My corrective action is due tomorrow or overdue")
    PART_REQUEST_SUBMITTED = "part_request_submitted", _l("A part request waits for my approval")
    PART_REQUEST_APPROVED = "part_request_approved", _l("An approved part request is to be issued")
    PART_REQUEST_ISSUED = "part_request_issued", _l("My parts are issued")
    LOW_STOCK = "low_stock", _l("A part falls under its minimum stock")
    MANUAL_REVISION = "manual_revision", _l("A manual revision I must read")
    COMPLAINT_HANDED_ON = "complaint_handed_on", _l("A complaint is handed to me, or one of mine is handed on")
    COMPLAINT_DUE = "complaint_due", _l("A complaint's answer time is near, or has passed")
    APPOINTMENT_TOMORROW = "appointment_tomorrow", _l("A customer booked with me comes tomorrow")
    EXPORT_READY = "export_ready", _l("A file I exported is ready")


# The permission a person needs to be told of each kind: the settings page lists only these.
RECEIVED_WITH = {
    NotificationKind.JOB_DISPATCHED: "jobs.work",
    NotificationKind.CUSTOMER_UNHAPPY: "jobs.resolve_attention",
    NotificationKind.CALLBACKS_DUE: "callbacks.record",
    NotificationKind.INSPECTION_SUBMITTED: "inspections.sign",
    NotificationKind.INSPECTION_REVIEWED: "inspections.fill",
    NotificationKind.ACTION_ASSIGNED: "actions.complete",
    NotificationKind.ACTION_DUE: "actions.complete",
    NotificationKind.PART_REQUEST_SUBMITTED: "parts.approve",
    NotificationKind.PART_REQUEST_APPROVED: "parts.issue",
    NotificationKind.PART_REQUEST_ISSUED: "parts.request",
    NotificationKind.LOW_STOCK: "parts.keep",
    NotificationKind.MANUAL_REVISION: "kb.read",
    NotificationKind.COMPLAINT_HANDED_ON: "desk.work",
    NotificationKind.COMPLAINT_DUE: "desk.work",
    NotificationKind.APPOINTMENT_TOMORROW: "jobs.work",
    NotificationKind.EXPORT_READY: "account.use",
}


def kinds_for(user) -> list[NotificationKind]:
    return [kind for kind in NotificationKind if can(user, RECEIVED_WITH[kind])]
