"""Who is told what about jobs: the technician of a dispatched job; the managers of an unhappy customer."""

from flask_babel import gettext as _

from intranet import events
from intranet.access.roles import Role
from intranet.jobs.callback_rules import LOW_MARK
from intranet.jobs.events import CallbackRecorded, JobDispatched, VisitReportFiled
from intranet.jobs.models import CallbackOutcome, Job
from intranet.jobs.survey import QUESTIONS
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import of_branch, person
from intranet.notifications.service import link_to, notify
from intranet.templating import format_moment


@events.subscribe(JobDispatched)
def tell_the_technician(event: JobDispatched) -> None:
    job = event.job
    notify(
        person(job.assigned_to_id),
        NotificationKind.JOB_DISPATCHED,
        link_to("jobs.show", job_id=job.id),
        lambda: (
            _("New job %(ref)s for you, due %(due)s", ref=job.reference, due=format_moment(job.due_at)),
            f"{job.customer.name}: {job.fault_description}",
        ),
        actor=event.actor,
    )


def _tell_managers_of_unhappy_customer(job: Job, actor, why) -> None:
    notify(
        of_branch(job.branch_id, Role.MANAGER),
        NotificationKind.CUSTOMER_UNHAPPY,
        link_to("jobs.show", job_id=job.id),
        lambda: (_("%(customer)s is not satisfied (%(ref)s)", customer=job.customer.name, ref=job.reference), why()),
        actor=actor,
    )


@events.subscribe(VisitReportFiled)
def tell_managers_of_a_low_rating(event: VisitReportFiled) -> None:
    satisfaction = event.report.satisfaction
    if satisfaction is not None and satisfaction < LOW_MARK:
        _tell_managers_of_unhappy_customer(
            event.job, event.actor, lambda: _("Rated the visit %(n)d of 5.", n=satisfaction)
        )


@events.subscribe(CallbackRecorded)
def tell_managers_of_a_dissatisfied_callback(event: CallbackRecorded) -> None:
    callback = event.callback
    if callback.outcome != CallbackOutcome.NOT_SATISFIED:
        return

    def why() -> str:
        low = [str(q.short) for q in QUESTIONS if (mark := getattr(callback, q.name)) is not None and mark < LOW_MARK]
        reasons = [_("The problem is not solved.")] if callback.problem_solved is False else []
        if low:
            reasons.append(_("Marks below %(n)d: %(questions)s.", n=LOW_MARK, questions=", ".join(low)))
        return " ".join([*reasons, callback.note]).strip() or _("Not satisfied when called back.")

    _tell_managers_of_unhappy_customer(event.job, event.actor, why)
